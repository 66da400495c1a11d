"""Pricing rules: HS codes, margins, totals, the pricing helper, competitor prices, the quotation workflow."""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for
from flask_babel import lazy_gettext as _l

from app.core.calendar import company_today
from app.core.models import utcnow
from app.core.money import quantize
from app.core.notify import N_, notify
from app.core.numbering import next_number
from app.core.rates import MissingRate, rate_on
from app.core.settings import base_currency, get_setting
from app.extensions import db
from app.pricing import terms
from app.pricing.models import (
    Negotiation,
    Product,
    Quotation,
    QuotationLine,
    QuotationRevision,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
INSURANCE_MARKUP = Decimal("1.1")  # insured value: 110 % of the CIF/CIP value (Incoterms 2020 minimum)
COMPETITOR_WINDOW_DAYS = 365


class WorkflowError(Exception):
    """A transition that is not allowed now; ``message`` is shown to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ---------------------------------------------------------------- HS codes

_HS_ALLOWED = re.compile(r"^[0-9.\s]+$")


def normalise_hs_code(raw: str | None) -> str:
    """'8516 79 00', '85167900', '8516.79.00' → '8516.79.00'; empty → ''.

    6–10 digits; dots and spaces are ignored on input and written back as 4.2.rest.
    Raises ValueError with a user message otherwise.
    """
    text = (raw or "").strip()
    if not text:
        return ""
    if not _HS_ALLOWED.match(text):
        raise ValueError(_l("An HS code has digits only (dots allowed), e.g. 8516.79.00."))
    digits = re.sub(r"[.\s]", "", text)
    if not 6 <= len(digits) <= 10:
        raise ValueError(_l("An HS code has 6 to 10 digits, e.g. 8516.79.00."))
    return ".".join(p for p in (digits[:4], digits[4:6], digits[6:]) if p)


# ---------------------------------------------------------------- margins and totals

def margin_percent(price_base: Decimal, cost_base: Decimal | None) -> Decimal | None:
    """Gross margin on the selling price, (price − cost) / price × 100, half-up to 0.01; None without a cost."""
    if cost_base is None or price_base is None or price_base <= 0:
        return None
    return ((price_base - cost_base) / price_base * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def product_cost_in_base(product: Product, on: date) -> Decimal | None:
    """The product's unit cost in the base currency at the rate on ``on`` (MissingRate if none)."""
    if product is None or product.unit_cost_amount is None:
        return None
    return product.unit_cost_amount * rate_on(product.cost_currency or base_currency(), on)


def compute_revision(rev: QuotationRevision) -> None:
    """Recompute line amounts, costs, margins, totals and the floor flag of a draft revision.

    Raises MissingRate when the quotation currency or a product's cost currency has no rate on
    ``quoted_on``; nothing is stored with a guessed rate.
    """
    if rev.locked:
        raise WorkflowError(_l("Revision %(rev)s was sent and cannot change.", rev=rev.label))
    rate = rate_on(rev.currency, rev.quoted_on)
    floor = Decimal(get_setting("margin_floor_percent"))
    goods = Decimal(0)
    price_total_base = Decimal(0)
    cost_total_base = Decimal(0)
    margins = []
    unknown_cost = False
    for position, line in enumerate(rev.lines):
        line.position = position
        line.line_amount = quantize(line.quantity * line.unit_price_amount, rev.currency)
        goods += line.line_amount
        cost = product_cost_in_base(line.product, rev.quoted_on) if line.product else None
        price_base = line.unit_price_amount * rate
        line.unit_cost_amount = cost.quantize(CENT, rounding=ROUND_HALF_UP) if cost is not None else None
        line.margin_percent = margin_percent(price_base, cost)
        if line.margin_percent is None:
            unknown_cost = True
        else:
            margins.append(line.margin_percent)
            price_total_base += price_base * line.quantity
            cost_total_base += cost * line.quantity
    if not terms.includes_freight(rev.incoterm):
        rev.freight_amount = Decimal(0)
    if not terms.includes_insurance(rev.incoterm):
        rev.insurance_amount = Decimal(0)
    rev.freight_amount = quantize(rev.freight_amount or 0, rev.currency)
    rev.insurance_amount = quantize(rev.insurance_amount or 0, rev.currency)
    rev.exchange_rate = rate
    rev.goods_amount = quantize(goods, rev.currency)
    rev.total_amount = rev.goods_amount + rev.freight_amount + rev.insurance_amount
    rev.margin_percent = margin_percent(price_total_base, cost_total_base) if margins else None
    rev.min_margin_percent = min(margins) if margins else None
    rev.below_floor = unknown_cost or not rev.lines or any(m < floor for m in margins) or (
        rev.margin_percent is not None and rev.margin_percent < floor)
    for line in rev.lines:
        line.price_index = line_price_index(line, rev)


def suggested_insurance(goods: Decimal, freight: Decimal, currency: str, rate_percent: Decimal | None = None) -> Decimal:
    """Premium so that 110 % of the CIF value is insured: CIF = CFR / (1 − 1.1 × r); premium = CIF − CFR."""
    r = (rate_percent if rate_percent is not None else Decimal(get_setting("insurance_rate_percent"))) / HUNDRED
    cfr = goods + freight
    cif = cfr / (1 - INSURANCE_MARKUP * r)
    return quantize(cif - cfr, currency)


# ---------------------------------------------------------------- competitor prices

def competitor_price_model():
    """D1's CompetitorPrice model, or None while the research area has not built it."""
    try:
        from app.research.models import CompetitorPrice
    except ImportError:
        return None
    return CompetitorPrice


@dataclass
class CompetitorStats:
    available: bool
    count: int = 0
    currency: str = ""
    minimum: Decimal | None = None
    mean: Decimal | None = None
    maximum: Decimal | None = None
    skipped: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)


def summarise_prices(prices, currency: str, on: date) -> CompetitorStats:
    """min / mean / max of ``prices`` ((amount, currency) pairs) in ``currency`` at the rates on ``on``.

    Every price goes through the base currency at the rate on ``on``; a price whose currency has
    no rate is left out and its currency listed in ``skipped`` (shown to the user).
    """
    stats = CompetitorStats(available=True, currency=currency)
    try:
        target_rate = rate_on(currency, on)
    except MissingRate:
        stats.skipped.append(currency)
        return stats
    converted = []
    for amount, cur in prices:
        try:
            converted.append(Decimal(amount) * rate_on(cur, on) / target_rate)
        except MissingRate:
            if cur not in stats.skipped:
                stats.skipped.append(cur)
    if converted:
        stats.count = len(converted)
        stats.minimum = quantize(min(converted), currency)
        stats.maximum = quantize(max(converted), currency)
        stats.mean = quantize(sum(converted) / len(converted), currency)
    return stats


def price_index(our_price: Decimal | None, mean_competitor: Decimal | None) -> Decimal | None:
    """Our unit price / mean competitor price (same currency), 4 decimals; None without data."""
    if our_price is None or not mean_competitor:
        return None
    return (Decimal(our_price) / Decimal(mean_competitor)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def competitor_stats(product_id: int | None, currency: str, on: date) -> CompetitorStats:
    model = competitor_price_model()
    if model is None:
        return CompetitorStats(available=False, currency=currency)
    if product_id is None:
        return CompetitorStats(available=True, currency=currency)
    rows = list(db.session.scalars(
        sa.select(model).where(model.product_id == product_id, model.observed_on <= on,
                               model.observed_on >= on - timedelta(days=COMPETITOR_WINDOW_DAYS))
        .order_by(model.observed_on.desc())
    ))
    stats = summarise_prices([(r.price_amount, r.currency) for r in rows], currency, on)
    stats.rows = rows
    return stats


def line_price_index(line: QuotationLine, rev: QuotationRevision) -> Decimal | None:
    if line.product_id is None:
        return None
    stats = competitor_stats(line.product_id, rev.currency, rev.quoted_on)
    return price_index(line.unit_price_amount, stats.mean)


# ---------------------------------------------------------------- pricing helper (报价策略)

@dataclass
class Ladder:
    """Suggested unit prices per Incoterms level for one product and quantity."""

    currency: str
    quantity: Decimal
    rate: Decimal
    unit_cost_base: Decimal
    steps: list[tuple[str, Decimal]]
    domestic_unit_base: Decimal
    freight_unit: Decimal
    insurance_rate_percent: Decimal
    target_margin_percent: Decimal
    gross_margin_percent: Decimal | None
    fx_cost: Decimal | None
    rebate_unit_base: Decimal
    goods_price: Decimal
    goods_rule: str
    freight_total: Decimal
    insurance_total: Decimal


def price_ladder(product: Product, quantity: Decimal, currency: str, on: date, target_margin: Decimal,
                 domestic_charges_base: Decimal = Decimal(0), freight_total: Decimal = Decimal(0),
                 insurance_rate_percent: Decimal | None = None, mode: str = "sea",
                 rule: str = "FOB") -> Ladder:
    """cost → margin → currency → freight and insurance: the Incoterms price ladder per unit.

    * EXW = cost / (1 − m)                        (m = target margin on the selling price)
    * FOB / FCA = (cost + domestic charges per unit) / (1 − m)
    * CFR / CPT = FOB + freight per unit          (freight passes through at cost)
    * CIF / CIP = CFR / (1 − 1.1 × insurance rate)
    All in the base currency, then divided by the rate on ``on`` and rounded half-up to the
    currency's minor unit. 换汇成本 (export FX cost) = (cost − export tax rebate + domestic
    charges) / FOB price in foreign currency; the rebate = cost / (1 + VAT) × rebate rate.
    Raises MissingRate, ValueError when the product has no cost or the inputs make no sense.
    """
    if product.unit_cost_amount is None:
        raise ValueError(_l("This product has no unit cost yet; ask finance to enter it."))
    if quantity <= 0:
        raise ValueError(_l("Enter a quantity greater than 0."))
    if not Decimal(0) <= target_margin < HUNDRED:
        raise ValueError(_l("The target margin must be at least 0 and below 100 %."))
    ins = insurance_rate_percent if insurance_rate_percent is not None else Decimal(get_setting("insurance_rate_percent"))
    rate = rate_on(currency, on)
    cost = product_cost_in_base(product, on)
    m = target_margin / HUNDRED
    domestic_unit = domestic_charges_base / quantity
    freight_unit_base = freight_total * rate / quantity
    exw = cost / (1 - m)
    fob = (cost + domestic_unit) / (1 - m)
    cfr = fob + freight_unit_base
    cif = cfr / (1 - INSURANCE_MARKUP * ins / HUNDRED)
    names = ("EXW", "FOB", "CFR", "CIF") if mode == "sea" else ("EXW", "FCA", "CPT", "CIP")
    steps = [(n, quantize(v / rate, currency)) for n, v in zip(names, (exw, fob, cfr, cif), strict=True)]
    vat = Decimal(get_setting("vat_rate_percent")) / HUNDRED
    rebate = cost / (1 + vat) * Decimal(get_setting("export_tax_rebate_percent")) / HUNDRED
    fob_foreign = fob / rate
    fx_cost = ((cost - rebate + domestic_unit) / fob_foreign).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) \
        if fob_foreign else None
    rule = (rule or "FOB").upper()
    goods_rule = "EXW" if rule == "EXW" else names[1]
    goods_price = dict(steps)[goods_rule]
    freight_all = quantize(freight_total, currency) if terms.includes_freight(rule) else Decimal(0)
    goods_total = goods_price * quantity
    insurance_all = suggested_insurance(goods_total, freight_all, currency, ins) if terms.includes_insurance(rule) \
        else Decimal(0)
    return Ladder(currency=currency, quantity=quantity, rate=rate, unit_cost_base=cost, steps=steps,
                  domestic_unit_base=domestic_unit, freight_unit=quantize(freight_total / quantity, currency),
                  insurance_rate_percent=ins, target_margin_percent=target_margin,
                  gross_margin_percent=margin_percent(goods_price * rate, cost), fx_cost=fx_cost,
                  rebate_unit_base=rebate, goods_price=goods_price, goods_rule=goods_rule,
                  freight_total=freight_all, insurance_total=insurance_all)


# ---------------------------------------------------------------- visibility

def visible_quotations(user) -> sa.Select:
    """Quotations ``user`` may list: managers and finance all, reps their own."""
    query = sa.select(Quotation)
    if not user.has_role("manager", "finance"):
        query = query.where(Quotation.owner_id == user.id)
    return query


def may_view(user, quotation: Quotation) -> bool:
    return user.has_role("manager", "finance") or quotation.owner_id == user.id


def may_edit(user, quotation: Quotation) -> bool:
    return user.is_manager or quotation.owner_id == user.id


def sees_costs(user) -> bool:
    """Unit costs and margin amounts are for finance and managers; reps see margin % only."""
    return user.has_role("finance", "manager")


# ---------------------------------------------------------------- workflow

def create_quotation(customer, owner_id: int, contact_id: int | None, today: date | None = None) -> Quotation:
    today = today or company_today()
    q = Quotation(number=next_number("QT", today.year), customer_id=customer.id, contact_id=contact_id,
                  owner_id=owner_id, status="draft", current_revision_no=1)
    db.session.add(q)
    return q


def new_revision(q: Quotation, user_id: int, today: date | None = None) -> QuotationRevision:
    """Copy the current (sent, rejected or expired) revision into a new draft v(n+1)."""
    if q.status not in ("sent", "rejected", "expired"):
        raise WorkflowError(_l("A new revision starts from a sent, rejected or expired quotation."))
    old = q.current
    today = today or company_today()
    validity = max((old.valid_until_on - old.quoted_on).days, 1)
    rev = QuotationRevision(
        revision_no=old.revision_no + 1, quoted_on=today, currency=old.currency, incoterm=old.incoterm,
        named_place=old.named_place, transport_mode=old.transport_mode,
        valid_until_on=today + timedelta(days=validity), payment_terms=old.payment_terms,
        payment_terms_note=old.payment_terms_note, lead_time_days=old.lead_time_days,
        freight_amount=old.freight_amount, insurance_amount=old.insurance_amount, remarks=old.remarks,
        created_by_id=user_id)
    rev.lines = [QuotationLine(position=ln.position, product_id=ln.product_id, product=ln.product,
                               description_en=ln.description_en, description_zh=ln.description_zh,
                               quantity=ln.quantity, unit=ln.unit, unit_price_amount=ln.unit_price_amount,
                               line_amount=ln.line_amount) for ln in old.lines]
    q.revisions.append(rev)
    q.current_revision_no = rev.revision_no
    q.status = "draft"
    q.valid_until_on = rev.valid_until_on
    q.updated_at = utcnow()
    return rev


def _managers():
    from app.auth.models import User, UserRole

    return list(db.session.scalars(
        sa.select(User).join(UserRole).where(UserRole.role == "manager", User.active)))


def submit_or_send(q: Quotation, user, today: date | None = None) -> str:
    """Send the current revision, or ask a manager first when it is under the margin floor.

    Returns the new status ('sent' or 'pending_approval'). Rates are checked again (MissingRate).
    """
    today = today or company_today()
    rev = q.current
    if q.status not in ("draft", "approved"):
        raise WorkflowError(_l("Only a draft or an approved quotation can be sent."))
    if not rev.lines:
        raise WorkflowError(_l("Add at least one line before sending."))
    if rev.valid_until_on < today:
        raise WorkflowError(_l("The validity date has passed; change it before sending."))
    if q.status == "draft":
        compute_revision(rev)
        if rev.below_floor:
            q.status = "pending_approval"
            rev.approval_requested_at = utcnow()
            q.updated_at = utcnow()
            link = url_for("pricing.show_quotation", quotation_id=q.id)
            for manager in _managers():
                notify(manager.id, N_("Quotation %(number)s is under the margin floor and waits for your approval."),
                       link=link, number=q.number)
            return q.status
    rev.sent_at = utcnow()
    rev.sent_on = today
    q.sent_at, q.sent_on = rev.sent_at, today
    q.valid_until_on = rev.valid_until_on
    q.status = "sent"
    q.updated_at = utcnow()
    negotiation = ensure_negotiation(q, today)
    negotiation.currency = rev.currency
    return q.status


def approve(q: Quotation, manager, note: str = "") -> None:
    if q.status != "pending_approval":
        raise WorkflowError(_l("This quotation is not waiting for approval."))
    rev = q.current
    rev.approved_at = utcnow()
    rev.approved_by_id = manager.id
    rev.approval_note = note
    q.status = "approved"
    q.updated_at = utcnow()
    notify(q.owner_id, N_("Quotation %(number)s was approved by %(manager)s; you can send it now."),
           link=url_for("pricing.show_quotation", quotation_id=q.id), number=q.number,
           manager=manager.display_name)


def decline_approval(q: Quotation, manager, note: str) -> None:
    if q.status != "pending_approval":
        raise WorkflowError(_l("This quotation is not waiting for approval."))
    q.current.approval_note = note
    q.current.approval_requested_at = None
    q.status = "draft"
    q.updated_at = utcnow()
    notify(q.owner_id, N_("Quotation %(number)s was returned by %(manager)s: %(note)s"),
           link=url_for("pricing.show_quotation", quotation_id=q.id), number=q.number,
           manager=manager.display_name, note=note)


def reopen_draft(q: Quotation) -> None:
    """Editing a revision that waits for or has approval voids that approval."""
    rev = q.current
    if q.status in ("pending_approval", "approved"):
        rev.approval_requested_at = None
        rev.approved_at = None
        rev.approved_by_id = None
        q.status = "draft"


def ensure_negotiation(q: Quotation, today: date | None = None) -> Negotiation:
    neg = db.session.scalar(sa.select(Negotiation).where(Negotiation.quotation_id == q.id))
    if neg is None:
        neg = Negotiation(customer_id=q.customer_id, quotation_id=q.id, owner_id=q.owner_id, status="open",
                          opened_on=today or company_today(), currency=q.current.currency)
        db.session.add(neg)
    return neg


def _mark_customer_won(customer) -> None:
    if customer is not None and customer.stage != "won":
        customer.stage = "won"


def accept(q: Quotation, today: date | None = None, won_price: Decimal | None = None) -> Negotiation:
    """The buyer accepts the current revision: quotation accepted, negotiation won, customer won."""
    today = today or company_today()
    expire_if_due(q, today)
    if q.status != "sent":
        raise WorkflowError(_l("Only a sent quotation within its validity can be accepted."))
    rev = q.current
    q.status = "accepted"
    q.accepted_at = utcnow()
    q.accepted_revision_no = rev.revision_no
    q.updated_at = utcnow()
    neg = ensure_negotiation(q, today)
    neg.status = "won"
    neg.closed_on = today
    neg.currency = rev.currency
    neg.won_price_amount = won_price if won_price is not None else rev.total_amount
    neg.lost_reason = None
    _mark_customer_won(q.customer)
    return neg


def reject(q: Quotation, reason: str, note: str = "", today: date | None = None) -> Negotiation:
    """The buyer declines: quotation rejected, negotiation lost with ``reason``."""
    today = today or company_today()
    if reason not in ("price", "quality", "delivery", "payment_terms", "competitor", "other"):
        raise WorkflowError(_l("Choose why the quotation was lost."))
    if q.status in ("accepted", "rejected"):
        raise WorkflowError(_l("This quotation is already closed."))
    q.status = "rejected"
    q.rejected_at = utcnow()
    q.updated_at = utcnow()
    neg = ensure_negotiation(q, today)
    neg.status = "lost"
    neg.closed_on = today
    neg.lost_reason = reason
    neg.won_price_amount = None
    if note:
        neg.outcome_note = note
    return neg


def expire_if_due(q: Quotation, today: date | None = None) -> bool:
    """A sent quotation whose validity date has passed becomes expired (lazy expiry on view/list)."""
    today = today or company_today()
    if q.status == "sent" and q.valid_until_on is not None and q.valid_until_on < today:
        q.status = "expired"
        q.expired_on = today
        q.updated_at = utcnow()
        return True
    return False


def expire_due(today: date | None = None, owner_id: int | None = None) -> int:
    """Expire sent quotations past their validity date: all of them (the `flask expire-quotations`
    command, run daily), or one rep's when their pages are opened, so that concurrent users never
    expire the same rows at once."""
    today = today or company_today()
    query = sa.select(Quotation).where(Quotation.status == "sent", Quotation.valid_until_on < today)
    if owner_id is not None:
        query = query.where(Quotation.owner_id == owner_id)
    rows = db.session.scalars(query).all()
    for q in rows:
        expire_if_due(q, today)
    return len(rows)


# ---------------------------------------------------------------- for D4 (contracts)

def quotation_for_contract(quotation_id: int) -> dict:
    """Lines and terms of the accepted revision of quotation ``quotation_id``, for drafting a contract.

    Raises LookupError when the quotation does not exist or is not accepted. Amounts are Decimal,
    dates are ``date``; the caller checks that the user may see the quotation.
    """
    q = db.session.scalar(
        sa.select(Quotation).where(Quotation.id == quotation_id)
        .options(so.selectinload(Quotation.revisions).selectinload(QuotationRevision.lines)
                 .joinedload(QuotationLine.product)))
    if q is None or q.status != "accepted" or q.accepted_revision_no is None:
        raise LookupError(quotation_id)
    rev = q.revision(q.accepted_revision_no)
    return {
        "quotation_id": q.id,
        "number": q.number,
        "revision_no": rev.revision_no,
        "customer_id": q.customer_id,
        "contact_id": q.contact_id,
        "owner_id": q.owner_id,
        "currency": rev.currency,
        "incoterm": rev.incoterm,
        "named_place": rev.named_place,
        "transport_mode": rev.transport_mode,
        "payment_terms": rev.payment_terms,
        "payment_terms_note": rev.payment_terms_note,
        "lead_time_days": rev.lead_time_days,
        "valid_until_on": rev.valid_until_on,
        "quoted_on": rev.quoted_on,
        "exchange_rate": rev.exchange_rate,
        "freight_amount": rev.freight_amount,
        "insurance_amount": rev.insurance_amount,
        "goods_amount": rev.goods_amount,
        "total_amount": rev.total_amount,
        "remarks": rev.remarks,
        "lines": [{
            "product_id": ln.product_id,
            "sku": ln.product.sku if ln.product else "",
            "hs_code": ln.product.hs_code if ln.product else "",
            "description_en": ln.description_en,
            "description_zh": ln.description_zh,
            "quantity": ln.quantity,
            "unit": ln.unit,
            "unit_price_amount": ln.unit_price_amount,
            "line_amount": ln.line_amount,
        } for ln in rev.lines],
    }
