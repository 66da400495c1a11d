"""Demo contracts on the customers the customers area seeds (none are created here).

Run through the real workflow (submit, finance approval, legal review, send, sign, dispute and
amendment), then dated back so the home panels and turnaround figures look like a working week.
"""
import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.contracts import services
from app.contracts.models import (
    CHECKLIST,
    ComplianceReview,
    Contract,
    ContractEvent,
    ContractVersion,
    PaymentTermsApproval,
)
from app.core.calendar import add_working_days, company_today, is_working_day
from app.core.models import ExchangeRate, Notification, utcnow
from app.core.rates import MissingRate, rate_on
from app.core.registry import seeder
from app.core.settings import base_currency
from app.customers.models import Customer
from app.extensions import db

PREFERRED = ["Saigon Home Appliances JSC", "Hanoi Lighting Trading Co., Ltd.", "Hamburg Haushaltwaren GmbH",
             "Bangkok Kitchen Mart Co., Ltd.", "Al Noor General Trading LLC", "Riyadh Home Center Co."]
"""Customers the customers area seeds, looked up by name; the first rep-owned customers stand in otherwise."""

GOODS = [
    ("KT-1708S", "8516.79.00", "Electric kettle 1.7 L, stainless steel, Strix controller", "1.7升不锈钢电热水壶，Strix温控器",
     "pcs", Decimal("6000"), Decimal("8.40")),
    ("RC-1850", "8516.60.00", "Rice cooker 1.8 L, non-stick inner pot", "1.8升电饭煲，不粘内胆", "pcs", Decimal("2000"),
     Decimal("12.60")),
    ("LB-A60-9", "8539.52.00", "LED bulb A60 9 W E27, 806 lm, 4000 K", "9瓦A60 LED球泡灯 E27，806流明，4000K", "pcs",
     Decimal("100000"), Decimal("0.52")),
]
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
USD_DEMO_RATE = Decimal("7.1200")


def _customers(users) -> list[Customer]:
    rep_ids = [users[name].id for name in ("rep1", "rep2", "rep3") if name in users]
    rows = db.session.scalars(sa.select(Customer).where(Customer.owner_id.in_(rep_ids))
                              .options(so.selectinload(Customer.contacts)).order_by(Customer.id).limit(200)).all()
    by_name = {c.name: c for c in rows}
    ordered = list(dict.fromkeys([by_name[n] for n in PREFERRED if n in by_name] + list(rows)))
    return ordered[:6]


def _lines(*skus: str, price_factor: Decimal = Decimal(1)) -> list[dict]:
    from app.pricing.models import Product

    products = {p.sku: p for p in db.session.scalars(sa.select(Product).where(Product.sku.in_(skus)))}
    out = []
    for sku, hs, en, zh, unit, quantity, price in [g for g in GOODS if g[0] in skus]:
        price = (price * price_factor).quantize(Decimal("0.01"))
        product = products.get(sku)
        out.append({"product_id": product.id if product else None, "hs_code": hs, "description_en": en,
                    "description_zh": zh, "quantity": quantity, "unit": unit, "unit_price_amount": price})
    return out


def _terms(customer, **changes) -> dict:
    data = services.initial_terms(customer)
    data.update(currency="USD", incoterm="CIF", transport_mode="sea", port_of_loading="Ningbo, China",
                insurance_coverage="ICC_A", insurance_percent=Decimal("110"),
                latest_shipment_on=company_today() + timedelta(days=45), more_or_less_percent=Decimal("5"),
                documents_required="bl,invoice,packing_list,coo,insurance",
                shipping_marks=f"{customer.name[:30].upper()}\nN/W G/W MEAS\nC/NO. 1-UP\nMADE IN CHINA")
    data.update(changes)
    data = services.normalise(data)
    errors = services.term_errors(data)
    if errors:
        raise ValueError(f"demo contract terms are inconsistent: {errors}")
    return data


def _ensure_rate(currency: str, on) -> None:
    try:
        rate_on(currency, on)
    except MissingRate:
        day = on - timedelta(days=30)
        if not db.session.scalar(sa.select(ExchangeRate.id).where(ExchangeRate.currency == currency,
                                                                  ExchangeRate.base_currency == base_currency(),
                                                                  ExchangeRate.effective_on == day)):
            db.session.add(ExchangeRate(currency=currency, base_currency=base_currency(), rate=USD_DEMO_RATE,
                                        effective_on=day))
            db.session.flush()


def _at(day, hour: int) -> datetime:
    """A naive-UTC moment on a company-local working day (Asia/Shanghai is UTC+8)."""
    return datetime.combine(day, time(hour)) - timedelta(hours=8)


class _Clock:
    """Dates the rows the workflow just wrote back to the demo day they belong to."""

    COLUMNS = ((ContractEvent, "at"), (ComplianceReview, "reviewed_at"), (PaymentTermsApproval, "requested_at"),
               (PaymentTermsApproval, "decided_at"), (ContractVersion, "created_at"), (ContractVersion, "sent_at"),
               (Contract, "created_at"), (Contract, "sent_at"), (Contract, "signed_at"), (Notification, "created_at"))

    def __init__(self):
        self.start = utcnow()

    def stamp(self, moment: datetime) -> None:
        db.session.flush()
        for model, column in self.COLUMNS:
            col = getattr(model, column)
            db.session.execute(sa.update(model).where(col >= self.start).values({column: moment}),
                               execution_options={"synchronize_session": "fetch"})


def _submit(clock, contract, rep, finance, day, approve_payment=True):
    services.submit(contract, rep)
    if contract.current_version_no == 1:
        contract.first_submitted_at = _at(day, 9)
    contract.submitted_at = _at(day, 9)
    clock.stamp(_at(day, 9))
    if approve_payment and services.payment_approval(contract, contract.current_version).status == "pending":
        services.decide_payment(contract, finance, True, "Within the customer's credit limit.")
        clock.stamp(_at(day, 11))


def _pass(clock, contract, legal, day):
    results = {item: "pass" for item in CHECKLIST}
    results["prices"] = "na"
    services.review(contract, legal, True, results, {}, "Checked against the denied-party list; clauses complete.")
    clock.stamp(_at(day, 15))


def _send(clock, contract, rep, day):
    services.send(contract, rep)
    clock.stamp(_at(day, 17))


def _sign(clock, contract, rep, day):
    _ensure_rate(contract.current_version.currency, day)
    services.sign(contract, rep, day, FileStorage(io.BytesIO(SCAN), filename="countersigned.pdf"))
    clock.stamp(_at(day, 16))


def _create(clock, customer, rep, terms, lines, day):
    contract = services.create_contract(customer, customer.owner_id, rep, dict(terms, contract_on=day), lines)
    clock.stamp(_at(day, 8))
    return contract


@seeder(60)
def seed_contracts(users):
    """Six contracts: signed, amended after a dispute, in review (late), returned, approved, draft."""
    if db.session.scalar(sa.select(sa.func.count(Contract.id))):
        return
    customers = _customers(users)
    if not customers or not all(name in users for name in ("legal", "finance")):
        return
    with current_app.test_request_context():
        _seed(customers, users)


def _seed(customers, users):
    legal, finance = users["legal"], users["finance"]
    today = company_today()

    def back(n):
        day = today - timedelta(days=1)
        for _i in range(n):
            day -= timedelta(days=1)
            while not is_working_day(day):
                day -= timedelta(days=1)
        return day

    def owner(customer):
        return db.session.get(User, customer.owner_id)

    plans = (customers * 6)[:6]
    clock = _Clock()

    # 1. Signed two working days after the first submission, review passed.
    c0 = plans[0]
    rep = owner(c0)
    start = back(12)
    signed = _create(clock, c0, rep, _terms(
        c0, named_place="Ho Chi Minh City", port_of_destination="Cat Lai, Ho Chi Minh City, Vietnam",
        deposit_percent=Decimal("30"), documents_required="bl,invoice,packing_list,form_e,insurance"),
        _lines("KT-1708S", "RC-1850"), start)
    _submit(clock, signed, rep, finance, start)
    _pass(clock, signed, legal, add_working_days(start, 1))
    _send(clock, signed, rep, add_working_days(start, 1))
    _sign(clock, signed, rep, add_working_days(start, 2))

    # 2. Signed, then the customer disputed the payment clause: amendment v2 waiting for finance and legal.
    c1 = plans[1]
    rep = owner(c1)
    start = back(10)
    terms = dict(named_place="Haiphong", port_of_destination="Haiphong, Vietnam",
                 documents_required="bl,invoice,packing_list,form_e,insurance")
    disputed = _create(clock, c1, rep, _terms(c1, deposit_percent=Decimal("50"), **terms), _lines("LB-A60-9"),
                       start)
    _submit(clock, disputed, rep, finance, start)
    _pass(clock, disputed, legal, start)
    _send(clock, disputed, rep, start)
    _sign(clock, disputed, rep, add_working_days(start, 1))
    services.amend(disputed, rep, "customer_dispute",
                   "the buyer asks for a 30 % deposit instead of 50 %, balance against the B/L copy", "payment")
    version = disputed.current_version
    services.apply_terms(version, _terms(c1, deposit_percent=Decimal("30"), contract_on=version.contract_on, **terms),
                         [services.line_data(li) for li in version.lines])
    clock.stamp(_at(back(2), 10))
    _submit(clock, disputed, rep, finance, back(1), approve_payment=False)

    # 3. Under L/C, in review for three working days: flagged on legal's and the rep's home page.
    c2 = plans[2]
    rep = owner(c2)
    late = _create(clock, c2, rep, _terms(
        c2, currency="EUR", incoterm="FOB", named_place="Ningbo", port_of_destination="Hamburg, Germany",
        documents_required="bl,invoice,packing_list,coo,inspection", payment_terms="lc_sight"),
        _lines("KT-1708S", price_factor=Decimal("0.93")), back(4))
    _submit(clock, late, rep, finance, back(3))

    # 4. Returned by legal: an HS code is missing.
    c3 = plans[3]
    rep = owner(c3)
    lines = _lines("KT-1708S", "RC-1850")
    lines[1]["hs_code"] = ""
    returned = _create(clock, c3, rep, _terms(
        c3, incoterm="CFR", named_place="Laem Chabang", port_of_destination="Laem Chabang, Thailand",
        documents_required="bl,invoice,packing_list,form_e", payment_terms="oa", payment_days=60), lines, back(3))
    _submit(clock, returned, rep, finance, back(2))
    services.review(returned, legal, False, {item: "pass" for item in CHECKLIST} | {"hs_codes": "fail"},
                    {"hs_codes": "Line 2 has no HS code; customs needs it for Form E and the export declaration."},
                    "Please complete and resubmit.")
    clock.stamp(_at(back(1), 10))

    # 5. Approved, waiting to be sent.
    c4 = plans[4]
    rep = owner(c4)
    approved = _create(clock, c4, rep, _terms(
        c4, incoterm="CFR", named_place="Jebel Ali", port_of_destination="Jebel Ali, Dubai, UAE",
        documents_required="bl,invoice,packing_list,coo", deposit_percent=Decimal("100")), _lines("LB-A60-9"),
        back(2))
    _submit(clock, approved, rep, finance, back(1))
    _pass(clock, approved, legal, back(1))

    # 6. A draft still being written.
    c5 = plans[5]
    _create(clock, c5, owner(c5), _terms(
        c5, named_place="Dammam", port_of_destination="Dammam, Saudi Arabia", payment_terms="dp"),
        _lines("KT-1708S", "RC-1850"), back(1))
