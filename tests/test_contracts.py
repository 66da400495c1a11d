"""Contracts (D4): drafting rules, permissions, the review/sign workflow, amendments, documents, turnaround."""
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
import sqlalchemy as sa
from docx import Document

from app.extensions import db
from tests.contracts_support import (
    ARBITRATION_ZH,
    approve_payment,
    contract_form,
    create,
    docx_text,
    english,
    load,
    review_form,
    sign,
    to_sent,
)

# --------------------------------------------------------------------------- drafting


def test_rep_drafts_a_contract_with_decimal_totals_and_amount_in_words(app, login_as, customer):
    rep = english(login_as("rep1"))
    cid = create(rep, customer())
    from app.contracts.models import Contract

    with app.app_context():
        contract = db.session.get(Contract, cid)
        version = contract.current_version
        assert re.fullmatch(r"SC-\d{4}-0001", contract.number)
        assert [li.line_amount for li in version.lines] == [Decimal("50400.00"), Decimal("25300.00"),
                                                             Decimal("173.16")]
        assert version.total_amount == contract.total_amount == Decimal("75873.16")
        assert contract.status == "draft" and contract.owner_id == version.created_by_id
    page = rep.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "SAY US DOLLARS SEVENTY-FIVE THOUSAND EIGHT HUNDRED SEVENTY-THREE AND CENTS SIXTEEN ONLY" in page
    assert "美元柒万伍仟捌佰柒拾叁元壹角陆分" in page
    assert "$83,460.48" in page  # insured: 110 % of 75,873.16


@pytest.mark.parametrize("changes, field, message", [
    ({"transport_mode": "air"}, "incoterm", "CIF is for sea and inland waterway transport only"),
    ({"port_of_loading": "", "port_of_destination": ""}, "port_of_loading", "CIF needs the port of loading."),
    ({"insurance_coverage": ""}, "insurance_coverage", "CIF requires the seller to insure the goods"),
    ({"incoterm": "CIP", "transport_mode": "air", "insurance_coverage": "ICC_C",
      "documents_required": ["awb", "invoice", "insurance"]}, "insurance_coverage",
     "CIP requires Institute Cargo Clauses (A)"),
    ({"insurance_percent": "100"}, "insurance_percent", "between 110 and 200 percent"),
    ({"documents_required": ["bl", "invoice"]}, "documents_required", "the seller provides the insurance policy"),
    ({"incoterm": "FCA", "transport_mode": "air"}, "documents_required", "does not fit transport air"),
    ({"deposit_percent": ""}, "deposit_percent", "T/T needs the deposit percentage"),
    ({"deposit_percent": "120"}, "deposit_percent", "between 0 and 100 %"),
    ({"payment_terms": "oa"}, "payment_days", "needs the number of days after shipment"),
    ({"more_or_less_percent": "12"}, "more_or_less_percent", "More or less is between 0 and 10 %"),
    ({"latest_shipment_on": "2026-10-01"}, "latest_shipment_on", "cannot be before the contract date"),
    ({"lines-0-quantity": "0"}, "lines-0-quantity", "Enter a quantity greater than 0."),
    ({"lines-1-hs_code": "85AB"}, "lines-1-hs_code", "An HS code has 6 to 10 digits"),
    ({"lines-2-description_zh": ""}, "lines-2-description_zh", "Describe the goods in Chinese."),
])
def test_every_rule_is_checked_on_the_server_with_a_message_at_its_field(app, login_as, customer, changes, field,
                                                                         message):
    rep = english(login_as("rep1"))
    response = rep.post(f"/contracts/new?customer_id={customer()}", data=contract_form(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    text = unescape(html)
    assert message in text
    before = re.findall(r'name="([^"]+)"', text[:text.index(message)])
    assert before[-1] == field, f"the message is shown at {before[-1]}, not at {field}"
    assert 'value="Ho Chi Minh City"' in html  # what was typed is kept
    from app.contracts.models import Contract

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 0


def test_a_contract_needs_at_least_one_line(login_as, customer):
    rep = english(login_as("rep1"))
    data = {k: v for k, v in contract_form().items() if not k.startswith("lines-")}
    response = rep.post(f"/contracts/new?customer_id={customer()}", data=data)
    assert response.status_code == 422
    assert "Add at least one line" in response.get_data(as_text=True)


@pytest.mark.parametrize("rule, mode, fits", [
    ("FOB", "sea", True), ("FOB", "air", False), ("CFR", "rail", False), ("CIF", "multimodal", False),
    ("FAS", "road", False), ("FCA", "air", True), ("CIP", "rail", True), ("DAP", "road", True), ("EXW", "sea", True),
])
def test_incoterm_must_fit_the_transport_mode(ctx, rule, mode, fits):
    from app.contracts import services

    data = services.normalise({**_terms(), "incoterm": rule, "transport_mode": mode, "insurance_coverage": "ICC_A",
                               "insurance_percent": Decimal("110"), "documents_required": "invoice,insurance"})
    assert ("incoterm" not in services.term_errors(data)) is fits


def _terms() -> dict:
    from app.contracts import services

    return {key: None for key in services.TERM_FIELDS} | {
        "contract_on": date(2026, 11, 2), "buyer_name": "X", "currency": "USD", "named_place": "Y",
        "port_of_loading": "Ningbo", "port_of_destination": "Hamburg", "latest_shipment_on": date(2026, 12, 1),
        "payment_terms": "lc_sight", "documents_required": "invoice"}


def test_irrelevant_terms_are_cleared_not_kept(app, login_as, customer):
    rep = login_as("rep1")
    cid = create(rep, customer(), incoterm="FOB", named_place="Ningbo", payment_terms="lc_sight",
                 documents_required=["bl", "invoice", "packing_list"])
    from app.contracts.models import Contract

    with app.app_context():
        version = db.session.get(Contract, cid).current_version
        assert version.deposit_percent is None and version.insurance_coverage == "" and version.insurance_percent is None


# --------------------------------------------------------------------------- permissions


def test_who_sees_a_contract(app, login_as, customer, users):
    rep = login_as("rep1")
    cid = create(rep, customer())
    number = load(app, cid)["number"]
    assert login_as("rep2").get(f"/contracts/{cid}").status_code == 404
    assert number not in login_as("rep2").get("/contracts/").get_data(as_text=True)
    assert login_as("legal").get(f"/contracts/{cid}").status_code == 404  # a draft is not legal's yet
    assert login_as("manager").get(f"/contracts/{cid}").status_code == 200
    assert login_as("finance").get(f"/contracts/{cid}").status_code == 200
    assert rep.post(f"/contracts/{cid}/submit").status_code == 303
    assert login_as("legal").get(f"/contracts/{cid}").status_code == 200
    assert number in login_as("legal").get("/contracts/?status=in_review").get_data(as_text=True)
    for path in ("document.docx", "changes", "compliance-report", "versions/1/document.docx"):
        assert login_as("rep2").get(f"/contracts/{cid}/{path}").status_code == 404


@pytest.mark.parametrize("who, method, path, data, expected", [
    ("legal", "post", "submit", None, 404),  # a draft never submitted is not legal's to see
    ("finance", "post", "submit", None, 403),
    ("manager", "post", "submit", None, 303),
    ("rep1", "get", "review", None, 403),
    ("manager", "get", "review", None, 403),
    ("rep1", "post", "payment-terms", {"decision": "approve"}, 403),
    ("legal", "post", "payment-terms", {"decision": "approve"}, 403),
    ("legal", "post", "send", None, 403),
    ("rep1", "post", "send", None, 403),  # not approved yet
    ("rep1", "get", "sign", None, 403),
    ("legal", "get", "edit", None, 403),
    ("finance", "post", "cancel", {"reason": "x"}, 403),
    ("rep1", "post", "cancel", {"reason": "Buyer withdrew the order"}, 303),
])
def test_each_transition_is_allowed_only_to_its_role(login_as, customer, who, method, path, data, expected):
    cid = create(login_as("rep1"), customer())
    if path != "submit":
        assert login_as("rep1").post(f"/contracts/{cid}/submit").status_code == 303
    client = login_as(who)
    response = getattr(client, method)(f"/contracts/{cid}/{path}", **({"data": data} if data else {}))
    assert response.status_code == expected


def test_only_reps_and_managers_draft_and_only_for_their_customers(login_as, customer):
    cid = customer(owner="rep2")
    assert login_as("legal").get("/contracts/new").status_code == 403
    assert login_as("rep1").get(f"/contracts/new?customer_id={cid}").status_code == 404
    assert login_as("manager").get(f"/contracts/new?customer_id={cid}").status_code == 200


# --------------------------------------------------------------------------- workflow


def test_return_fix_pass_send_sign(app, login_as, customer, usd_rate):
    rep = english(login_as("rep1"))
    cid = create(rep, customer(), **{"lines-1-hs_code": ""})
    assert rep.post(f"/contracts/{cid}/submit").status_code == 303
    first_submitted = load(app, cid)["first_submitted_at"]
    assert load(app, cid)["status"] == "in_review"
    legal = english(login_as("legal"))
    assert load(app, cid)["number"] in legal.get("/contracts/panels/reviews").get_data(as_text=True)

    # passing is refused while finance has not approved and an HS code is missing
    response = legal.post(f"/contracts/{cid}/review", data=review_form())
    assert response.status_code == 422 and "the system check fails" in response.get_data(as_text=True)
    response = legal.post(f"/contracts/{cid}/review", data=review_form("return", hs_codes="fail"))
    assert response.status_code == 422 and "Say what must change" in response.get_data(as_text=True)
    legal.post(f"/contracts/{cid}/review", data=review_form(
        "return", hs_codes="fail", hs_codes_comment="Line 2 needs its HS code for the Form E."))
    assert load(app, cid)["status"] == "returned"
    number = load(app, cid)["number"]
    assert f"Contract {number} was returned by legal with comments." in rep.get("/notifications").get_data(as_text=True)
    assert "Line 2 needs its HS code for the Form E." in rep.get(f"/contracts/{cid}/edit").get_data(as_text=True)
    assert "returned by legal" in rep.get("/contracts/panels/mine").get_data(as_text=True)

    form = rep.get(f"/contracts/{cid}/edit").get_data(as_text=True)
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"', form).group(1)
    assert rep.post(f"/contracts/{cid}/edit", data=contract_form(version_id=version_id)).status_code == 303
    assert rep.post(f"/contracts/{cid}/submit").status_code == 303
    assert load(app, cid)["first_submitted_at"] == first_submitted

    finance = english(login_as("finance"))
    assert load(app, cid)["number"] in finance.get("/contracts/payment-terms").get_data(as_text=True)
    assert finance.post(f"/contracts/{cid}/payment-terms", data={"decision": "reject"}).status_code == 303
    assert load(app, cid)["status"] == "in_review"  # rejecting needs a reason: nothing recorded
    approve_payment(login_as, cid)
    assert legal.post(f"/contracts/{cid}/review", data=review_form()).status_code == 303
    snapshot = load(app, cid)
    assert snapshot["status"] == "approved"
    assert snapshot["reviews"] == [(1, False, True), (1, True, False)]

    assert sign(rep, cid).status_code == 403  # not sent yet
    assert rep.post(f"/contracts/{cid}/send").status_code == 303
    assert load(app, cid)["status"] == "sent"
    response = rep.post(f"/contracts/{cid}/sign", data={"signed_on": "2026-11-02"})
    assert response.status_code == 422 and "Upload the scan" in response.get_data(as_text=True)
    assert sign(rep, cid).status_code == 303
    snapshot = load(app, cid)
    assert snapshot["status"] == "signed" and snapshot["rate"] == Decimal("7.100000")
    assert snapshot["events"] == ["created", "submitted", "returned", "submitted", "payment_approved", "approved",
                                  "sent", "signed"]
    page = rep.get(f"/contracts/{cid}").get_data(as_text=True)
    assert "within 3 working days" in page


def test_signing_is_refused_without_a_passed_review_of_the_current_version(app, login_as, customer, usd_rate):
    from app.contracts.models import ComplianceReview, Contract

    rep = english(login_as("rep1"))
    cid = create(rep, customer())
    to_sent(login_as, cid)
    with app.app_context():  # the reviewed terms changed behind legal's back
        version = db.session.get(Contract, cid).current_version
        version.lines[0].unit_price_amount = Decimal("7.90")
        db.session.commit()
    response = sign(rep, cid)
    assert response.status_code == 422
    assert "Signing needs a passed compliance review of version 1" in response.get_data(as_text=True)
    with app.app_context():
        version = db.session.get(Contract, cid).current_version
        version.lines[0].unit_price_amount = Decimal("8.40")
        db.session.execute(sa.delete(ComplianceReview))
        db.session.commit()
    assert sign(rep, cid).status_code == 422
    assert load(app, cid)["status"] == "sent"


def test_customer_dispute_amends_the_contract_and_the_old_document_stays_byte_identical(app, login_as, customer,
                                                                                       usd_rate):
    rep = english(login_as("rep1"))
    cid = create(rep, customer())
    to_sent(login_as, cid)
    assert sign(rep, cid).status_code == 303
    old_doc = rep.get(f"/contracts/{cid}/versions/1/contract.docx").data
    assert rep.get(f"/contracts/{cid}/document.docx").data == old_doc

    response = rep.post(f"/contracts/{cid}/amend", data={
        "kind": "customer_dispute", "clause": "payment", "reason": "buyer asks for 20 % deposit instead of 30 %"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/contracts/{cid}/edit")
    snapshot = load(app, cid)
    assert snapshot["status"] == "amended" and snapshot["version"] == 2
    form = rep.get(f"/contracts/{cid}/edit").get_data(as_text=True)
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"', form).group(1)
    assert rep.post(f"/contracts/{cid}/edit", data=contract_form(version_id=version_id, deposit_percent="20",
                                                                 **{"lines-0-quantity": "6500"})).status_code == 303

    assert rep.post(f"/contracts/{cid}/send").status_code == 403  # the new version needs a review first
    assert rep.post(f"/contracts/{cid}/submit").status_code == 303
    assert "Waiting for finance" in english(login_as("legal")).get(f"/contracts/{cid}/review").get_data(as_text=True)
    approve_payment(login_as, cid)
    assert login_as("legal").post(f"/contracts/{cid}/review", data=review_form()).status_code == 303
    assert rep.post(f"/contracts/{cid}/send").status_code == 303
    assert sign(rep, cid).status_code == 303

    snapshot = load(app, cid)
    assert snapshot["status"] == "signed"
    assert snapshot["versions"][1][0] == "superseded" and snapshot["versions"][2][0] == "signed"
    assert snapshot["total"] == Decimal("80073.16")  # 6,500 × 8.40 + 25,300 + 173.16
    assert rep.get(f"/contracts/{cid}/versions/1/contract.docx").data == old_doc
    new_doc = rep.get(f"/contracts/{cid}/versions/2/document.docx").data
    assert new_doc != old_doc
    assert "20% deposit" in docx_text(new_doc) and "30% deposit" in docx_text(old_doc)

    log = rep.get(f"/contracts/{cid}/changes").get_data(as_text=True)
    assert "Customer dispute" in log and "buyer asks for 20 % deposit instead of 30 %" in log
    assert re.search(r"Deposit \(%\)</td><td[^>]*>30</td><td[^>]*>20</td>", log)
    assert re.search(r"Line 1 · Quantity</td><td[^>]*>6000</td><td[^>]*>6500</td>", log)
    report = rep.get(f"/contracts/{cid}/compliance-report").get_data(as_text=True)
    assert report.count("Passed") >= 2


def test_an_amendment_of_unchanged_payment_terms_keeps_finances_approval(app, login_as, customer, usd_rate):
    from app.contracts.models import PaymentTermsApproval

    rep = login_as("rep1")
    cid = create(rep, customer())
    to_sent(login_as, cid)
    rep.post(f"/contracts/{cid}/amend", data={"kind": "customer_request", "reason": "ship 2 weeks later"})
    form = rep.get(f"/contracts/{cid}/edit").get_data(as_text=True)
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"', form).group(1)
    rep.post(f"/contracts/{cid}/edit", data=contract_form(version_id=version_id, latest_shipment_on="2027-01-05"))
    assert load(app, cid)["status"] == "draft"  # sent but never signed: the amendment is a new draft
    rep.post(f"/contracts/{cid}/submit")
    with app.app_context():
        rows = db.session.execute(sa.select(PaymentTermsApproval.version_no, PaymentTermsApproval.status,
                                            PaymentTermsApproval.carried_from_version_no)
                                  .order_by(PaymentTermsApproval.id)).all()
    assert [tuple(r) for r in rows] == [(1, "approved", None), (2, "approved", 1)]
    assert login_as("legal").post(f"/contracts/{cid}/review", data=review_form()).status_code == 303


def test_cancelling_is_possible_only_before_signing(app, login_as, customer, usd_rate):
    rep = login_as("rep1")
    cid = create(rep, customer())
    assert rep.post(f"/contracts/{cid}/cancel", data={"reason": ""}).status_code == 303
    assert load(app, cid)["status"] == "draft"
    to_sent(login_as, cid)
    sign(rep, cid)
    assert rep.post(f"/contracts/{cid}/cancel", data={"reason": "changed mind"}).status_code == 403
    assert rep.post(f"/contracts/{cid}/close", data={}).status_code == 303
    assert load(app, cid)["status"] == "closed"


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(app, login_as, customer):
    rep, manager = english(login_as("rep1")), english(login_as("manager"))
    cid = create(rep, customer())
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"',
                           rep.get(f"/contracts/{cid}/edit").get_data(as_text=True)).group(1)
    assert manager.post(f"/contracts/{cid}/edit", data=contract_form(version_id=version_id,
                                                                     named_place="Vung Tau")).status_code == 303
    response = rep.post(f"/contracts/{cid}/edit", data=contract_form(version_id=version_id,
                                                                     named_place="Da Nang"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this record" in html.replace("&#39;", "'")
    assert 'value="Da Nang"' in html and "Vung Tau" in html  # mine kept, theirs shown
    from app.contracts.models import Contract

    with app.app_context():
        assert db.session.get(Contract, cid).current_version.named_place == "Vung Tau"


def test_numbers_are_sequential(app, login_as, customer):
    rep = login_as("rep1")
    cust = customer()
    numbers = [load(app, create(rep, cust))["number"] for _ in range(3)]
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]


# --------------------------------------------------------------------------- documents


def test_word_contract_is_bilingual_escaped_and_has_the_amount_in_words(app, login_as, customer):
    name = "A & B <Ltd> {{ 7*7 }}"
    rep = login_as("rep1")
    cid = create(rep, customer(name=name), buyer_name=name, arbitration_en="CIETAC {% if 1 %}x{% endif %}")
    response = rep.get(f"/contracts/{cid}/document.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    text = docx_text(response.data)
    assert name in text and "49" not in text
    assert "CIETAC {% if 1 %}x{% endif %}" in text
    for expected in ("SALES CONTRACT", "销售合同", "The Seller 卖方", "The Buyer 买方", "1.7升电热水壶",
                     "Electric kettle 1.7 L", "USD 75,873.16", "USD 8.40", "USD 0.52",
                     "SAY US DOLLARS SEVENTY-FIVE THOUSAND EIGHT HUNDRED SEVENTY-THREE AND CENTS SIXTEEN ONLY",
                     "美元柒万伍仟捌佰柒拾叁元壹角陆分", ARBITRATION_ZH, "CIF Ho Chi Minh City, Incoterms® 2020",
                     "由卖方按发票金额的110%（USD 83,460.48）投保伦敦协会货物条款（A）（一切险）",
                     "30% deposit by T/T", "签约后7天内电汇（T/T）支付30%定金", "Vietnam", "越南"):
        assert expected in text, expected


def test_contract_template_declares_exactly_the_registered_variables(ctx):
    from app.contracts.documents import TEMPLATE, VARIABLES
    from app.core import documents

    assert documents.undeclared_variables(documents.TEMPLATE_DIR / TEMPLATE) == VARIABLES
    assert documents.REQUIRED[TEMPLATE] == VARIABLES


def test_admin_template_upload_missing_variables_is_refused_with_the_list(app, login_as):
    doc = Document()
    doc.add_paragraph("Contract {{ number }} for {{ buyer.name }}")
    data = io.BytesIO()
    doc.save(data)
    admin = english(login_as("admin"))
    response = admin.post("/admin/templates", data={"name": "contract.docx",
                                                    "file": (io.BytesIO(data.getvalue()), "contract.docx")},
                          follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "lacks these variables" in html
    for missing in ("amendment", "clauses", "lines", "seller", "total_words_en", "total_words_zh"):
        assert missing in html
    from app.core import documents

    with app.app_context():
        assert documents.template_path("contract.docx") == documents.TEMPLATE_DIR / "contract.docx"


@pytest.mark.parametrize("amount, currency, en, zh", [
    ("1234.56", "USD", "SAY US DOLLARS ONE THOUSAND TWO HUNDRED THIRTY-FOUR AND CENTS FIFTY-SIX ONLY",
     "美元壹仟贰佰叁拾肆元伍角陆分"),
    ("0.50", "EUR", "SAY EUROS ZERO AND CENTS FIFTY ONLY", "欧元伍角"),
    ("100000.10", "CNY", "SAY CHINESE YUAN ONE HUNDRED THOUSAND AND FEN TEN ONLY", "人民币壹拾万元壹角"),
    ("0", "CNY", "SAY CHINESE YUAN ZERO ONLY", "人民币零元整"),
    ("20000", "USD", "SAY US DOLLARS TWENTY THOUSAND ONLY", "美元贰万元整"),
])
def test_amount_in_words_of_a_contract(ctx, amount, currency, en, zh):
    from app.contracts import services
    from app.contracts.models import ContractVersion

    assert services.amount_words(ContractVersion(total_amount=Decimal(amount), currency=currency)) == (en, zh)


# --------------------------------------------------------------------------- turnaround and home pages


@pytest.mark.parametrize("submitted_utc, signed_on, days, in_time", [
    (datetime(2026, 9, 30, 2, 0), date(2026, 10, 9), 2, True),  # Oct 1–7 off: only Oct 8 and 9 count
    (datetime(2026, 9, 29, 17, 0), date(2026, 10, 9), 2, True),  # 01:00 on Sep 30 in Shanghai
    (datetime(2026, 9, 30, 2, 0), date(2026, 10, 12), 4, False),  # Oct 10 (Saturday) is a make-up working day
    (datetime(2026, 9, 24, 2, 0), date(2026, 9, 29), 2, True),  # Sep 25 (Mid-Autumn) and the weekend are off
])
def test_turnaround_counts_working_days_across_the_2026_national_day_holiday(ctx, submitted_utc, signed_on, days,
                                                                             in_time):
    from app.contracts import services
    from app.contracts.models import Contract

    contract = Contract(first_submitted_at=submitted_utc, signed_on=signed_on, status="signed")
    assert services.turnaround_days(contract) == days
    assert services.signed_in_time(contract) is in_time


def test_home_panels_show_what_waits_on_each_role(app, login_as, customer):
    from app.contracts.models import Contract
    from app.core.calendar import add_working_days, company_today

    rep = english(login_as("rep1"))
    cid = create(rep, customer())
    rep.post(f"/contracts/{cid}/submit")
    with app.test_request_context():
        contract = db.session.get(Contract, cid)
        day = company_today() - timedelta(days=10)
        while add_working_days(day, 3) > company_today():
            day -= timedelta(days=1)
        contract.submitted_at = contract.first_submitted_at = datetime.combine(day, datetime.min.time())
        db.session.commit()
    number = load(app, cid)["number"]
    legal_panel = english(login_as("legal")).get("/contracts/panels/reviews").get_data(as_text=True)
    assert number in legal_panel and "turnaround due" in legal_panel
    assert re.search(r"\d+ working days", legal_panel)
    finance_panel = english(login_as("finance")).get("/contracts/panels/payment-terms").get_data(as_text=True)
    assert number in finance_panel
    assert "Nothing is waiting on you." in rep.get("/contracts/panels/mine").get_data(as_text=True)
    home = login_as("legal").get("/").get_data(as_text=True)
    assert "/contracts/panels/reviews" in home and "/contracts/panels/mine" not in home


def test_list_filters_and_its_query_count_does_not_grow_with_rows(app, login_as, customer):
    from sqlalchemy import event

    rep = login_as("rep1")
    cust = customer()
    ids = [create(rep, cust) for _ in range(2)]
    rep.post(f"/contracts/{ids[0]}/submit")

    manager = login_as("manager")

    def count_queries(url):
        statements = []

        def before(*args):
            statements.append(1)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            response = manager.htmx_get(url)
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return response, len(statements)

    response, few = count_queries("/contracts/?status=in_review")
    html = response.get_data(as_text=True)
    assert "<html" not in html and load(app, ids[0])["number"] in html and load(app, ids[1])["number"] not in html
    for _ in range(5):
        rep.post(f"/contracts/{create(rep, cust)}/submit")
    _response, many = count_queries("/contracts/?status=in_review")
    assert many == few


def test_demo_seeder_builds_contracts_in_every_state_once(app, users, customer):
    from app.contracts.models import Contract
    from app.contracts.seed import PREFERRED, seed_contracts

    for i, name in enumerate(PREFERRED):
        customer(name=name, owner=("rep1", "rep2")[i % 2])
    with app.app_context():
        from app.auth.models import User

        accounts = {u.username: u for u in db.session.scalars(sa.select(User))}
        seed_contracts(accounts)
        seed_contracts(accounts)
        db.session.commit()
        rows = db.session.scalars(sa.select(Contract).order_by(Contract.id)).all()
        assert [c.status for c in rows] == ["signed", "amended", "in_review", "returned", "approved", "draft"]
        disputed = rows[1]
        assert disputed.current_version.amendment_kind == "customer_dispute"
        assert disputed.version(1).status == "signed" and disputed.current_version.status == "in_review"
        assert rows[0].reviews[-1].passed and rows[0].exchange_rate is not None


def test_contract_is_drafted_from_an_accepted_quotation_and_legal_sees_price_differences(app, login_as, customer,
                                                                                         users):
    from app.contracts import services
    from app.contracts.models import Contract
    from app.pricing.models import Product, Quotation, QuotationLine, QuotationRevision

    cust = customer()
    with app.app_context():
        product = Product(sku="KT-1708S", name_en="Electric kettle 1.7 L", name_zh="1.7升电热水壶",
                          hs_code="8516.79.00", unit="pcs")
        db.session.add(product)
        db.session.flush()
        quotation = Quotation(number="QT-2026-0007", customer_id=cust, owner_id=users["rep1"], status="accepted",
                              current_revision_no=1, accepted_revision_no=1)
        revision = QuotationRevision(revision_no=1, quoted_on=date(2026, 11, 1), currency="USD", incoterm="CIF",
                                     named_place="Ho Chi Minh City", transport_mode="sea",
                                     valid_until_on=date(2026, 12, 1), payment_terms="tt",
                                     payment_terms_note="30 % deposit, balance against B/L copy", lead_time_days=35,
                                     goods_amount=Decimal("50400"), total_amount=Decimal("50400"))
        revision.lines.append(QuotationLine(position=1, product_id=product.id, description_en="Electric kettle 1.7 L",
                                            description_zh="1.7升电热水壶", quantity=Decimal("6000"), unit="pcs",
                                            unit_price_amount=Decimal("8.40"), line_amount=Decimal("50400")))
        quotation.revisions.append(revision)
        db.session.add(quotation)
        db.session.commit()
        qid = quotation.id
        db.session.remove()

    assert login_as("rep2").get(f"/contracts/from-quotation/{qid}").status_code == 404
    rep = english(login_as("rep1"))
    assert "QT-2026-0007" in rep.get(f"/contracts/from-quotation/{qid}").get_data(as_text=True)
    response = rep.post(f"/contracts/from-quotation/{qid}")
    assert response.status_code == 303 and response.headers["Location"].endswith("/edit")
    again = rep.post(f"/contracts/from-quotation/{qid}")
    assert again.status_code == 303 and not again.headers["Location"].endswith("/edit")
    with app.test_request_context():
        contract = db.session.scalar(sa.select(Contract).where(Contract.quotation_id == qid))
        assert db.session.scalar(sa.select(sa.func.count(Contract.id))) == 1
        version = contract.current_version
        assert (version.incoterm, version.named_place, version.insurance_coverage, version.total_amount) == (
            "CIF", "Ho Chi Minh City", "ICC_A", Decimal("50400.00"))
        assert version.lines[0].hs_code == "8516.79.00" and version.lines[0].product_id is not None
        assert "insurance" in version.documents_list
        assert services.auto_checks(contract, version)["prices"][0] is True
        version.lines[0].unit_price_amount = Decimal("8.20")
        ok, note = services.auto_checks(contract, version)["prices"]
        assert ok is False and "8.2" in note and "8.4" in note
        db.session.rollback()


@pytest.mark.parametrize("field,value", [("lines-0-quantity", "NaN"), ("lines-0-unit_price_amount", "1e30"),
                                         ("deposit_percent", "Infinity"), ("more_or_less_percent", "-NaN")])
def test_numbers_the_database_cannot_hold_are_refused_with_a_message(login_as, customer, usd_rate, field, value):
    rep = english(login_as("rep1"))
    response = rep.post(f"/contracts/new?customer_id={customer()}", data=contract_form(**{field: value}))
    assert response.status_code == 422
    assert "Enter a number below 1,000,000,000,000." in response.get_data(as_text=True)
