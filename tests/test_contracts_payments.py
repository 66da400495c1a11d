"""Contract payments (回款) and the compliance review report in Word: schedules per payment term, receipts and
their allocation, overdue as of a date, permissions, receivables totals and export, the bilingual .docx."""
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from tests.contracts_support import contract_form, create, docx_text, english, review_form, sign, to_sent

TOTAL = Decimal("75873.16")  # 6,000 × 8.40 + 2,000 × 12.65 + 333 × 0.52
DEPOSIT = Decimal("22761.95")  # 30 % of 75,873.16 = 22,761.948
BALANCE = Decimal("53111.21")


def today(app) -> date:
    from app.core.calendar import company_today

    with app.test_request_context():
        return company_today()


def signed_contract(app, login_as, customer_id, rep="rep1", **changes) -> int:
    client = login_as(rep)
    cid = create(client, customer_id, **changes)
    to_sent(login_as, cid, rep=rep)
    assert sign(client, cid).status_code == 303
    return cid


def receipt(amount, ref, on=None, **extra) -> dict:
    data = {"received_on": (on or date.today()).isoformat(), "amount": str(amount), "currency": "USD",
            "bank_reference": ref, "note": ""}
    data.update(extra)
    return data


def instalments(app, cid):
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.get(Contract, cid)
        rows = [(i.kind, i.due_on, i.amount, i.paid_amount, i.version_no) for i in contract.instalments]
        db.session.remove()
    return rows


def as_of(monkeypatch, day: date):
    """Let the payment views and rules run as if company-local today were ``day``."""
    from app.contracts import payment_routes, payments

    monkeypatch.setattr(payments, "company_today", lambda: day)
    monkeypatch.setattr(payment_routes, "company_today", lambda: day)


# --------------------------------------------------------------------------- schedule per payment term

SIGNED_ON = date(2026, 11, 2)
SHIPMENT = date(2026, 12, 20)


@pytest.mark.parametrize("terms, deposit, days, currency, total, expected", [
    ("tt", "30", None, "USD", "12345.67", [("deposit", date(2026, 11, 9), "3703.70"),
                                           ("balance", SHIPMENT, "8641.97")]),
    ("tt", "33.33", None, "USD", "100.00", [("deposit", date(2026, 11, 9), "33.33"),
                                            ("balance", SHIPMENT, "66.67")]),
    ("tt", "30", None, "JPY", "1000001", [("deposit", date(2026, 11, 9), "300000"),
                                          ("balance", SHIPMENT, "700001")]),
    ("tt", "0", None, "USD", "5000.00", [("balance", SHIPMENT, "5000.00")]),
    ("tt", "100", None, "EUR", "5000.00", [("prepayment", date(2026, 11, 9), "5000.00")]),
    ("lc_sight", None, None, "USD", "75873.16", [("lc", date(2027, 1, 4), "75873.16")]),
    ("dp", None, None, "USD", "75873.16", [("dp", SHIPMENT, "75873.16")]),
    ("da", None, 60, "USD", "75873.16", [("da", date(2027, 2, 18), "75873.16")]),
    ("oa", None, 30, "USD", "0.01", [("oa", date(2027, 1, 19), "0.01")]),
])
def test_schedule_follows_the_payment_terms(ctx, terms, deposit, days, currency, total, expected):
    from app.contracts.models import Contract, ContractVersion
    from app.contracts.payments import planned_schedule

    contract = Contract(signed_on=SIGNED_ON, currency=currency)
    version = ContractVersion(contract_on=date(2026, 10, 30), currency=currency, payment_terms=terms,
                              deposit_percent=Decimal(deposit) if deposit else None, payment_days=days,
                              latest_shipment_on=SHIPMENT, total_amount=Decimal(total))
    plan = planned_schedule(contract, version)
    assert [(p["kind"], p["due_on"], p["amount"]) for p in plan] == [(k, d, Decimal(a)) for k, d, a in expected]
    assert sum(p["amount"] for p in plan) == Decimal(total)


def test_signing_generates_the_schedule_and_an_amendment_regenerates_it_keeping_receipts(app, login_as, customer,
                                                                                          usd_rate):
    cid = signed_contract(app, login_as, customer())
    day = today(app)
    assert instalments(app, cid) == [("deposit", day + timedelta(days=7), DEPOSIT, Decimal("0.00"), 1),
                                     ("balance", date(2026, 12, 20), BALANCE, Decimal("0.00"), 1)]
    finance = login_as("finance")
    assert finance.post(f"/contracts/{cid}/receipts", data=receipt("10000", "BOC-1", day)).status_code == 303

    rep = login_as("rep1")
    rep.post(f"/contracts/{cid}/amend", data={"kind": "customer_dispute", "clause": "payment",
                                              "reason": "buyer asks for 50 % deposit"})
    form = rep.get(f"/contracts/{cid}/edit").get_data(as_text=True)
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"', form).group(1)
    assert rep.post(f"/contracts/{cid}/edit", data=contract_form(version_id=version_id,
                                                                 deposit_percent="50")).status_code == 303
    # until the amendment is signed the schedule of version 1 stays in force
    assert [r[4] for r in instalments(app, cid)] == [1, 1]
    assert rep.post(f"/contracts/{cid}/submit").status_code == 303
    assert login_as("finance").post(f"/contracts/{cid}/payment-terms", data={"decision": "approve"}).status_code == 303
    assert login_as("legal").post(f"/contracts/{cid}/review", data=review_form()).status_code == 303
    assert rep.post(f"/contracts/{cid}/send").status_code == 303
    assert sign(rep, cid).status_code == 303

    half = Decimal("37936.58")
    assert instalments(app, cid) == [("deposit", day + timedelta(days=7), half, Decimal("10000.00"), 2),
                                     ("balance", date(2026, 12, 20), half, Decimal("0.00"), 2)]
    page = english(login_as("finance")).get(f"/contracts/{cid}/payments").get_data(as_text=True)
    assert "BOC-1" in page and "65,873.16" in page  # outstanding = 75,873.16 − 10,000


# --------------------------------------------------------------------------- receipts

def test_receipts_are_allocated_oldest_instalment_first(app, login_as, customer, usd_rate):
    from app.contracts.models import Contract
    from app.contracts.payments import figures

    cid = signed_contract(app, login_as, customer())
    day = today(app)
    finance = login_as("finance")
    assert finance.post(f"/contracts/{cid}/receipts", data=receipt("10000.00", "BOC-1", day)).status_code == 303
    assert instalments(app, cid)[0][3] == Decimal("10000.00")
    assert finance.post(f"/contracts/{cid}/receipts", data=receipt("15000", "BOC-2", day)).status_code == 303
    rows = instalments(app, cid)
    assert rows[0][3] == DEPOSIT and rows[1][3] == Decimal("2238.05")  # 25,000 − 22,761.95
    with app.test_request_context():
        pay = figures(db.session.get(Contract, cid))
        assert (pay.paid, pay.outstanding, pay.overdue, pay.credit) == (
            Decimal("25000.00"), Decimal("50873.16"), Decimal("0"), Decimal("0"))
        assert [s.state for s in pay.rows] == ["paid", "partly_paid"] and pay.rows[0].settled_on == day
        db.session.remove()


def test_overdue_is_what_is_past_due_and_unpaid_as_of_a_date(app, login_as, customer, usd_rate):
    from app.contracts.models import Contract
    from app.contracts.payments import figures

    cid = signed_contract(app, login_as, customer())
    day = today(app)
    login_as("finance").post(f"/contracts/{cid}/receipts", data=receipt("20000", "BOC-1", day))
    with app.test_request_context():
        contract = db.session.get(Contract, cid)
        due = day + timedelta(days=7)
        assert figures(contract, due).overdue == Decimal("0")  # due today is not yet overdue
        assert figures(contract, due + timedelta(days=1)).overdue == Decimal("2761.95")
        assert figures(contract, date(2026, 12, 21)).overdue == Decimal("55873.16")  # balance also past due
        assert figures(contract, day - timedelta(days=1)).paid == Decimal("0")  # receipts counted up to the date
        db.session.remove()


@pytest.mark.parametrize("changes, field_text", [
    ({"currency": "EUR"}, "This contract is paid in USD"),
    ({"amount": "0"}, "Enter an amount greater than 0."),
    ({"amount": "-5"}, "Enter an amount greater than 0."),
    ({"amount": "10.005"}, "USD amounts have at most 2 decimals."),
    ({"bank_reference": ""}, "Enter the bank reference of the credit advice."),
    ({"received_on": "2099-01-01"}, "The date received cannot be in the future."),
    ({"amount": "75873.17"}, "is more than the outstanding USD 75,873.16"),
])
def test_a_wrong_receipt_is_refused_with_a_message_and_keeps_what_was_typed(app, login_as, customer, usd_rate,
                                                                           changes, field_text):
    cid = signed_contract(app, login_as, customer())
    finance = english(login_as("finance"))
    data = receipt("100", "BOC-REF-77", today(app), note="typed note")
    data.update(changes)
    response = finance.post(f"/contracts/{cid}/receipts", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_text in html.replace("&#39;", "'")
    assert "typed note" in html
    assert all(r[3] == 0 for r in instalments(app, cid))


def test_over_payment_needs_confirmation_and_the_excess_is_a_credit(app, login_as, customer, usd_rate):
    from app.contracts.models import Contract
    from app.contracts.payments import figures

    cid = signed_contract(app, login_as, customer())
    finance = login_as("finance")
    day = today(app)
    data = receipt("76000", "BOC-9", day, confirm_overpayment="y")
    assert finance.post(f"/contracts/{cid}/receipts", data=data).status_code == 303
    assert finance.post(f"/contracts/{cid}/receipts", data=receipt("1", "BOC-9", day)).status_code == 422  # dup ref
    with app.test_request_context():
        pay = figures(db.session.get(Contract, cid))
        assert (pay.outstanding, pay.credit) == (Decimal("0.00"), Decimal("126.84"))
        assert db.session.get(Contract, cid).receipts[0].is_overpayment
        db.session.remove()


def test_finance_reverses_a_receipt_and_the_allocation_follows(app, login_as, customer, usd_rate):
    from app.contracts.models import PaymentReceipt
    from app.core.audit import history

    cid = signed_contract(app, login_as, customer())
    finance = login_as("finance")
    day = today(app)
    finance.post(f"/contracts/{cid}/receipts", data=receipt("5000", "BOC-1", day))
    with app.app_context():
        rid = db.session.scalar(sa.select(PaymentReceipt.id))
    assert login_as("rep1").post(f"/contracts/{cid}/receipts/{rid}/reverse", data={"reason": "x"}).status_code == 403
    assert finance.post(f"/contracts/{cid}/receipts/{rid}/reverse", data={"reason": ""}).status_code == 303
    assert instalments(app, cid)[0][3] == Decimal("5000.00")  # no reason, nothing reversed
    assert finance.post(f"/contracts/{cid}/receipts/{rid}/reverse",
                        data={"reason": "booked on the wrong contract"}).status_code == 303
    assert instalments(app, cid)[0][3] == Decimal("0.00")
    with app.app_context():
        row = db.session.get(PaymentReceipt, rid)
        assert row.reversal_reason == "booked on the wrong contract" and row.reversed_by_id is not None
        actions = [entry.action for entry in history(db.session, "contract_receipt", rid)]
        assert "create" in actions and "update" in actions
    page = english(finance).get(f"/contracts/{cid}/payments").get_data(as_text=True)
    assert "reversed" in page and "booked on the wrong contract" in page


# --------------------------------------------------------------------------- permissions

def test_only_finance_records_receipts_and_reps_see_only_their_own(app, login_as, customer, usd_rate):
    cid = signed_contract(app, login_as, customer())
    data = receipt("100", "BOC-1", today(app))
    assert login_as("rep1").post(f"/contracts/{cid}/receipts", data=data).status_code == 403
    assert login_as("manager").post(f"/contracts/{cid}/receipts", data=data).status_code == 403
    assert login_as("rep2").post(f"/contracts/{cid}/receipts", data=data).status_code == 404
    assert login_as("rep2").get(f"/contracts/{cid}/payments").status_code == 404
    assert login_as("legal").get("/contracts/receivables").status_code == 403
    own = english(login_as("rep1")).get(f"/contracts/{cid}/payments").get_data(as_text=True)
    assert "Payment schedule" in own and "Record the receipt" not in own
    assert "Record the receipt" in english(login_as("finance")).get(f"/contracts/{cid}/payments").get_data(
        as_text=True)
    assert instalments(app, cid)[0][3] == 0


# --------------------------------------------------------------------------- receivables

def test_receivables_per_rep_and_team_with_totals_per_currency_and_in_base(app, login_as, customer, usd_rate,
                                                                           eur_rate, monkeypatch):
    mine = signed_contract(app, login_as, customer())
    theirs = signed_contract(app, login_as, customer(name="Hamburg Haushaltwaren GmbH", owner="rep2", country="DE"),
                             rep="rep2", currency="EUR")
    day = today(app)
    login_as("finance").post(f"/contracts/{mine}/receipts", data=receipt("10000", "BOC-1", day))
    with app.app_context():
        from app.contracts.models import Contract

        numbers = {c.id: c.number for c in db.session.scalars(sa.select(Contract))}

    rep = english(login_as("rep1")).get("/contracts/receivables").get_data(as_text=True)
    assert numbers[mine] in rep and numbers[theirs] not in rep
    assert "65,873.16" in rep

    manager = english(login_as("manager"))
    team = manager.get("/contracts/receivables").get_data(as_text=True)
    assert numbers[mine] in team and numbers[theirs] in team
    # base CNY: 75,873.16 × 7.1 + 75,873.16 × 7.8 = 538,699.436 + 591,810.648
    assert "1,130,510.08" in team
    assert "71,000.00" in team  # paid 10,000 USD × 7.1
    assert "1,059,510.08" in team  # outstanding 65,873.16 × 7.1 + 75,873.16 × 7.8
    with app.app_context():
        from app.auth.models import User

        rep2 = db.session.scalar(sa.select(User.id).where(User.username == "rep2"))
    only = manager.htmx_get(f"/contracts/receivables?owner={rep2}").get_data(as_text=True)
    assert numbers[theirs] in only and numbers[mine] not in only and "<html" not in only

    assert numbers[mine] not in manager.get("/contracts/receivables?overdue=1").get_data(as_text=True)
    as_of(monkeypatch, day + timedelta(days=8))  # deposits now past due
    overdue = manager.get("/contracts/receivables?overdue=1").get_data(as_text=True)
    assert numbers[mine] in overdue and "12,761.95" in overdue  # 22,761.95 − 10,000
    panel = english(login_as("finance")).get("/contracts/panels/overdue-receivables").get_data(as_text=True)
    assert numbers[mine] in panel and numbers[theirs] in panel
    assert numbers[theirs] not in english(login_as("rep1")).get("/contracts/panels/overdue-receivables").get_data(
        as_text=True)
    settled = manager.get("/contracts/receivables?status=settled").get_data(as_text=True)
    assert numbers[mine] not in settled and "No receivables match." in settled


def test_receivables_export_is_an_xlsx_with_totals(app, login_as, customer, usd_rate):
    from openpyxl import load_workbook

    signed_contract(app, login_as, customer())
    response = english(login_as("finance")).get("/contracts/receivables.xlsx?status=all")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book["Receivables"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Contract", "Customer", "Sales rep") and len(rows) == 2
    assert Decimal(str(rows[1][5])) == TOTAL and Decimal(str(rows[1][12])) == Decimal("538699.44")
    totals = list(book["Totals"].iter_rows(values_only=True))
    assert totals[1][0] == "USD" and Decimal(str(totals[1][4])) == TOTAL
    assert login_as("legal").get("/contracts/receivables.xlsx").status_code == 403


def test_receivables_page_queries_do_not_grow_with_rows(app, login_as, customer, usd_rate):
    from sqlalchemy import event

    client = login_as("finance")

    def count(path):
        with app.app_context():
            engine = db.engine
        seen = []

        def listener(*_args):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    signed_contract(app, login_as, customer())
    few = count("/contracts/receivables")
    for i in range(3):
        signed_contract(app, login_as, customer(name=f"Buyer {i} Co."))
    assert count("/contracts/receivables") == few


# --------------------------------------------------------------------------- compliance review report (.docx)

def test_compliance_report_word_file_lists_every_review_bilingual_and_escaped(app, login_as, customer, usd_rate):
    rep = login_as("rep1")
    cid = create(rep, customer())
    assert rep.post(f"/contracts/{cid}/submit").status_code == 303
    returned = review_form("return", hs_codes="fail", hs_codes_comment="A & B <Ltd> {{ x }} needs HS codes",
                           comments="Fix & resubmit")
    assert login_as("legal").post(f"/contracts/{cid}/review", data=returned).status_code == 303
    assert rep.post(f"/contracts/{cid}/submit").status_code == 303
    login_as("finance").post(f"/contracts/{cid}/payment-terms", data={"decision": "approve"})
    assert login_as("legal").post(f"/contracts/{cid}/review", data=review_form()).status_code == 303

    response = rep.get(f"/contracts/{cid}/compliance-report.docx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith(".docx")
    text = docx_text(response.data)
    assert "COMPLIANCE REVIEW REPORT" in text and "合规性审核报告" in text
    assert "A & B <Ltd> {{ x }} needs HS codes" in text and "Fix & resubmit" in text
    assert "Review 1 第1次审核" in text and "Review 2 第2次审核" in text
    assert "Returned with comments / 退回修改" in text and "Passed / 通过" in text
    assert "HS codes present on every line" in text and "每行货物均有HS编码" in text
    assert "Fail\n不通过" in text and "Not applicable\n不适用" in text
    assert "Approved\n已批准" in text
    assert login_as("rep2").get(f"/contracts/{cid}/compliance-report.docx").status_code == 404


def test_compliance_template_declares_exactly_the_registered_variables(ctx):
    from app.contracts.compliance_document import TEMPLATE, VARIABLES
    from app.core.documents import template_path, undeclared_variables

    assert undeclared_variables(template_path(TEMPLATE)) == VARIABLES


# --------------------------------------------------------------------------- demo data

def test_demo_payments_one_contract_partly_paid_one_overdue(app, users, customer):
    from app.contracts.models import Contract, PaymentReceipt
    from app.contracts.payment_seed import seed_payments
    from app.contracts.payments import figures
    from app.contracts.seed import PREFERRED, seed_contracts

    for i, name in enumerate(PREFERRED):
        customer(name=name, owner=("rep1", "rep2")[i % 2])
    with app.app_context():
        from app.auth.models import User

        accounts = {u.username: u for u in db.session.scalars(sa.select(User))}
        seed_contracts(accounts)
        seed_payments(accounts)
        seed_payments(accounts)
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(PaymentReceipt.id))) == 2
        first, second = db.session.scalars(sa.select(Contract).where(Contract.signed_on.is_not(None))
                                           .order_by(Contract.id)).all()
        with app.test_request_context():
            a, b = figures(first), figures(second)
        assert a.rows[0].state == "paid" and a.outstanding > 0 and a.overdue == 0
        assert b.rows[0].state == "overdue" and 0 < b.paid < b.rows[0].instalment.amount
