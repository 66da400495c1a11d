"""Payments (回款): the schedule a signed contract's payment terms imply, finance's receipts, and receivables.

The schedule (decided here, stated in the contract's own payment clause where it has one):

- T/T with a deposit: the deposit (定金) is due ``DEPOSIT_DAYS`` (7) calendar days after the contract is
  first signed ("within 7 days after signing this Contract"); the balance (尾款) is due against the
  copy of the B/L (见提单副本付款), i.e. on the latest shipment date (``BALANCE_DAYS`` = 0).
  100 % deposit: one payment in advance, due like a deposit. 0 % deposit: one balance instalment.
- L/C at sight: one instalment at the latest shipment date + ``LC_PRESENTATION_DAYS`` (15, the
  negotiation period the L/C clause gives the seller).
- D/P at sight: at the latest shipment date. D/A and O/A: the latest shipment date + the agreed days.

Amounts: the deposit is the total × deposit % rounded half-up to the currency's minor unit, the
balance is the rest, so the instalments always add up to the contract total exactly.

Receipts are always in the contract's currency and are allocated to the instalments oldest due date
first; an instalment is overdue when its due date is before the day asked about (company-local today
by default) and it is not fully paid by receipts received up to that day.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.contracts.models import SIGNED_STATUSES, Contract, ContractVersion, PaymentInstalment, PaymentReceipt
from app.core.calendar import company_today
from app.core.models import utcnow
from app.core.money import minor_units, quantize
from app.core.notify import N_, notify
from app.core.types import Amount
from app.extensions import db

DEPOSIT_DAYS = 7
BALANCE_DAYS = 0
LC_PRESENTATION_DAYS = 15
ZERO = Decimal("0")

RECEIVABLE_STATUSES = {"open": _l("Outstanding"), "settled": _l("Fully paid")}


class PaymentError(Exception):
    """A receipt or reversal that cannot be recorded; ``field`` names the form field it concerns."""

    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.message = message
        self.field = field


# --------------------------------------------------------------------------- schedule

def planned_schedule(contract: Contract, version: ContractVersion) -> list[dict]:
    """The instalments (kind, due_on, amount) the version's payment terms imply; see the module docstring."""
    total = quantize(version.total_amount, version.currency)
    signed = contract.signed_on or version.signed_on or version.contract_on
    shipment = version.latest_shipment_on or signed
    kind = version.payment_terms
    if kind == "tt":
        percent = Decimal(version.deposit_percent or 0)
        deposit_due = signed + timedelta(days=DEPOSIT_DAYS)
        balance_due = shipment + timedelta(days=BALANCE_DAYS)
        if percent >= 100:
            return [{"kind": "prepayment", "due_on": deposit_due, "amount": total}]
        if percent <= 0:
            return [{"kind": "balance", "due_on": balance_due, "amount": total}]
        deposit = quantize(total * percent / 100, version.currency)
        return [{"kind": "deposit", "due_on": deposit_due, "amount": deposit},
                {"kind": "balance", "due_on": max(balance_due, deposit_due), "amount": total - deposit}]
    if kind == "lc_sight":
        return [{"kind": "lc", "due_on": shipment + timedelta(days=LC_PRESENTATION_DAYS), "amount": total}]
    if kind == "dp":
        return [{"kind": "dp", "due_on": shipment, "amount": total}]
    if kind in ("da", "oa"):
        return [{"kind": kind, "due_on": shipment + timedelta(days=version.payment_days or 0), "amount": total}]
    return [{"kind": "balance", "due_on": shipment, "amount": total}]


def _signed_version(contract: Contract) -> ContractVersion | None:
    signed = [v for v in contract.versions if v.status == "signed"]
    return signed[-1] if signed else None


def refresh_schedule(contract: Contract) -> bool:
    """Make the schedule follow the signed version; True when it was (re)generated.

    Called when a version is signed. An unchanged plan (same amounts and dates) keeps its rows; a
    different one replaces them. Receipts are never touched, only re-allocated.
    """
    version = _signed_version(contract)
    if version is None:
        return False
    plan = planned_schedule(contract, version)
    current = [(i.kind, i.due_on, i.amount, i.currency) for i in contract.instalments]
    wanted = [(p["kind"], p["due_on"], p["amount"], version.currency) for p in plan]
    if current == wanted:
        return False
    for row in list(contract.instalments):
        contract.instalments.remove(row)
    db.session.flush()
    for position, p in enumerate(plan, start=1):
        contract.instalments.append(PaymentInstalment(version_no=version.version_no, position=position, kind=p["kind"],
                                                      due_on=p["due_on"], currency=version.currency,
                                                      amount=p["amount"], paid_amount=ZERO))
    allocate(contract)
    return True


def _waterfall(instalments, receipts) -> list[tuple[Decimal, date | None]]:
    """(paid, settled_on) per instalment: receipts in date order fill instalments in due order."""
    queue = [(r.received_on, Decimal(r.amount)) for r in sorted(receipts, key=lambda r: (r.received_on, r.id or 0))]
    out = []
    index, left = 0, queue[0][1] if queue else ZERO
    for inst in instalments:
        need, paid, settled = Decimal(inst.amount), ZERO, None
        while need > 0 and index < len(queue):
            take = min(need, left)
            paid += take
            need -= take
            left -= take
            if need == 0:
                settled = queue[index][0]
            if left == 0:
                index += 1
                left = queue[index][1] if index < len(queue) else ZERO
        out.append((paid, settled))
    return out


def _ordered(instalments) -> list[PaymentInstalment]:
    return sorted(instalments, key=lambda i: (i.due_on, i.position))


def allocate(contract: Contract) -> None:
    """Write each instalment's paid amount from the contract's receipts that are not reversed."""
    instalments = _ordered(contract.instalments)
    active = [r for r in contract.receipts if not r.is_reversed]
    for inst, (paid, settled) in zip(instalments, _waterfall(instalments, active), strict=True):
        inst.paid_amount = paid
        inst.settled_on = settled


@dataclass
class InstalmentState:
    instalment: PaymentInstalment
    paid: Decimal
    settled_on: date | None
    overdue: bool

    @property
    def open_amount(self) -> Decimal:
        return self.instalment.amount - self.paid

    @property
    def state(self) -> str:
        if self.open_amount <= 0:
            return "paid"
        if self.overdue:
            return "overdue"
        return "partly_paid" if self.paid > 0 else "due"


@dataclass
class PaymentFigures:
    currency: str
    scheduled: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    credit: Decimal = ZERO
    rows: list[InstalmentState] = field(default_factory=list)

    @property
    def has_schedule(self) -> bool:
        return bool(self.rows)


INSTALMENT_STATES = {"paid": _l("Paid"), "overdue": _l("Overdue"), "partly_paid": _l("Partly paid"),
                     "due": _l("Not yet paid")}


def figures(contract: Contract, on: date | None = None) -> PaymentFigures:
    """Paid, outstanding and overdue as of ``on`` (default company-local today), from receipts up to that day."""
    on = on or company_today()
    instalments = _ordered(contract.instalments)
    active = [r for r in contract.receipts if not r.is_reversed and r.received_on <= on]
    result = PaymentFigures(currency=contract.currency)
    for inst, (paid, settled) in zip(instalments, _waterfall(instalments, active), strict=True):
        state = InstalmentState(inst, paid, settled, overdue=inst.due_on < on and paid < inst.amount)
        result.rows.append(state)
        result.scheduled += inst.amount
        result.outstanding += state.open_amount
        if state.overdue:
            result.overdue += state.open_amount
    result.paid = sum((Decimal(r.amount) for r in active), ZERO)
    result.credit = max(result.paid - sum((s.paid for s in result.rows), ZERO), ZERO)
    return result


# --------------------------------------------------------------------------- receipts

def record_receipt(contract: Contract, user, received_on: date | None, amount: Decimal | None, currency: str,
                   bank_reference: str, note: str = "", confirm_overpayment: bool = False) -> PaymentReceipt:
    """Finance records money received. Refused: unsigned contract, another currency, amount ≤ 0 or with more
    decimals than the currency has, a future date, a bank reference already recorded on the contract, and
    more than the outstanding amount unless the over-payment is confirmed (the excess stays as a credit)."""
    if contract.status not in SIGNED_STATUSES or not contract.instalments:
        raise PaymentError(_l("Receipts are recorded against signed contracts with a payment schedule."))
    if received_on is None:
        raise PaymentError(_l("Enter the date the money was received."), "received_on")
    if received_on > company_today():
        raise PaymentError(_l("The date received cannot be in the future."), "received_on")
    currency = (currency or "").strip().upper()
    if currency != contract.currency:
        raise PaymentError(_("This contract is paid in %(contract)s. Enter the %(contract)s amount the bank credited "
                             "(a payment in %(other)s is converted by the bank: use the credited amount and put the "
                             "original amount and rate in the note).", contract=contract.currency,
                             other=currency or "?"), "currency")
    if amount is None or amount <= 0:
        raise PaymentError(_l("Enter an amount greater than 0."), "amount")
    if quantize(amount, currency) != amount:
        raise PaymentError(_("%(currency)s amounts have at most %(n)s decimals.", currency=currency,
                             n=minor_units(currency)), "amount")
    reference = (bank_reference or "").strip()
    if not reference:
        raise PaymentError(_l("Enter the bank reference of the credit advice."), "bank_reference")
    if any(r.bank_reference.lower() == reference.lower() and not r.is_reversed for r in contract.receipts):
        raise PaymentError(_("Bank reference %(ref)s is already recorded on this contract.", ref=reference),
                           "bank_reference")
    outstanding = sum((i.amount - i.paid_amount for i in contract.instalments), ZERO)
    over = amount > outstanding
    if over and not confirm_overpayment:
        raise PaymentError(_("%(amount)s is more than the outstanding %(outstanding)s. Tick the over-payment box to "
                             "record the excess as a credit to the buyer.", amount=f"{currency} {amount:,f}",
                             outstanding=f"{currency} {outstanding:,f}"), "amount")
    receipt = PaymentReceipt(received_on=received_on, currency=currency, amount=amount, bank_reference=reference,
                             note=(note or "").strip(), is_overpayment=over, recorded_by_id=user.id,
                             recorded_at=utcnow())
    contract.receipts.append(receipt)
    allocate(contract)
    notify(contract.owner_id, N_("Finance recorded a receipt of %(amount)s on contract %(number)s."),
           link=_link(contract), amount=f"{currency} {amount:,f}", number=contract.number)
    return receipt


def reverse_receipt(contract: Contract, receipt: PaymentReceipt, user, reason: str) -> None:
    """Finance reverses a receipt recorded by mistake; it stays listed, struck out, with the reason."""
    if receipt.contract_id != contract.id:
        raise PaymentError(_l("This receipt belongs to another contract."))
    if receipt.is_reversed:
        raise PaymentError(_l("This receipt is already reversed."))
    if not (reason or "").strip():
        raise PaymentError(_l("Give the reason for reversing the receipt."), "reason")
    receipt.reversed_at = utcnow()
    receipt.reversed_by_id = user.id
    receipt.reversal_reason = reason.strip()
    allocate(contract)


def _link(contract: Contract) -> str:
    from flask import url_for

    try:
        return url_for("contracts.payments_view", contract_id=contract.id)
    except RuntimeError:
        return f"/contracts/{contract.id}/payments"


# --------------------------------------------------------------------------- receivables

def may_see_receivables(user) -> bool:
    return user.has_role("rep", "manager", "finance")


def _open():
    return sa.exists().where(PaymentInstalment.contract_id == Contract.id,
                             PaymentInstalment.paid_amount < PaymentInstalment.amount)


def _overdue(today: date):
    return sa.exists().where(PaymentInstalment.contract_id == Contract.id,
                             PaymentInstalment.paid_amount < PaymentInstalment.amount,
                             PaymentInstalment.due_on < today)


def receivable_conditions(user, owner_id: int = 0, status: str = "", overdue_only: bool = False,
                          today: date | None = None) -> list:
    """WHERE clauses of the receivables list: signed contracts with a schedule the user may see, filtered."""
    today = today or company_today()
    conds = [Contract.status.in_(SIGNED_STATUSES),
             sa.exists().where(PaymentInstalment.contract_id == Contract.id)]
    if not user.has_role("manager", "finance"):
        conds.append(Contract.owner_id == user.id)
    elif owner_id:
        conds.append(Contract.owner_id == owner_id)
    if status == "open":
        conds.append(_open())
    elif status == "settled":
        conds.append(~_open())
    if overdue_only:
        conds.append(_overdue(today))
    return conds


def _sum(expr):
    return sa.type_coerce(sa.func.coalesce(sa.func.sum(expr), 0), Amount())


def _aggregates(today: date):
    open_part = PaymentInstalment.amount - PaymentInstalment.paid_amount
    instalments = (
        sa.select(PaymentInstalment.contract_id.label("contract_id"),
                  _sum(PaymentInstalment.amount).label("scheduled"),
                  _sum(PaymentInstalment.paid_amount).label("allocated"),
                  _sum(sa.case((PaymentInstalment.due_on < today, open_part), else_=0)).label("overdue"),
                  sa.func.min(sa.case((PaymentInstalment.paid_amount < PaymentInstalment.amount,
                                       PaymentInstalment.due_on))).label("next_due_on"),
                  sa.func.min(sa.case((sa.and_(PaymentInstalment.paid_amount < PaymentInstalment.amount,
                                               PaymentInstalment.due_on < today),
                                       PaymentInstalment.due_on))).label("overdue_since"))
        .group_by(PaymentInstalment.contract_id).subquery())
    receipts = (
        sa.select(PaymentReceipt.contract_id.label("contract_id"), _sum(PaymentReceipt.amount).label("paid"))
        .where(PaymentReceipt.reversed_at.is_(None)).group_by(PaymentReceipt.contract_id).subquery())
    return instalments, receipts


@dataclass
class Receivable:
    scheduled: Decimal
    paid: Decimal
    outstanding: Decimal
    overdue: Decimal
    credit: Decimal
    next_due_on: date | None
    overdue_since: date | None


def _amount(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def receivables_for(contract_ids: list[int], today: date | None = None) -> dict[int, Receivable]:
    """The figures of many contracts in one query (for a page of the list)."""
    if not contract_ids:
        return {}
    today = today or company_today()
    inst, rec = _aggregates(today)
    rows = db.session.execute(
        sa.select(inst.c.contract_id, inst.c.scheduled, inst.c.allocated, inst.c.overdue, inst.c.next_due_on,
                  inst.c.overdue_since, rec.c.paid)
        .outerjoin(rec, rec.c.contract_id == inst.c.contract_id).where(inst.c.contract_id.in_(contract_ids)))
    out = {}
    for cid, scheduled, allocated, overdue, next_due, since, paid in rows:
        scheduled, allocated, overdue = _amount(scheduled), _amount(allocated), _amount(overdue)
        paid = _amount(paid)
        out[cid] = Receivable(scheduled=scheduled, paid=paid, outstanding=scheduled - allocated, overdue=overdue,
                              credit=max(paid - allocated, ZERO), next_due_on=_date(next_due),
                              overdue_since=_date(since))
    return out


@dataclass
class CurrencyTotal:
    currency: str
    count: int = 0
    scheduled: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO


def receivable_totals(conds: list, today: date | None = None) -> tuple[list[CurrencyTotal], CurrencyTotal, bool]:
    """Totals per currency of the filtered list, and in the base currency at each contract's own rate.

    The base figures are Σ amount × rate computed exactly and rounded once at the end. The flag is
    True when a contract without a rate had to be left out of the base totals.
    """
    from app.core.settings import base_currency

    today = today or company_today()
    inst, rec = _aggregates(today)
    rows = db.session.execute(
        sa.select(Contract.currency, Contract.exchange_rate, sa.func.count(Contract.id),
                  _sum(inst.c.scheduled), _sum(rec.c.paid), _sum(inst.c.scheduled - inst.c.allocated),
                  _sum(inst.c.overdue))
        .join(inst, inst.c.contract_id == Contract.id).outerjoin(rec, rec.c.contract_id == Contract.id)
        .where(*conds).group_by(Contract.currency, Contract.exchange_rate).order_by(Contract.currency)).all()
    base = base_currency()
    per: dict[str, CurrencyTotal] = {}
    in_base = CurrencyTotal(currency=base)
    missing_rate = False
    for currency, rate, count, scheduled, paid, outstanding, overdue in rows:
        values = [_amount(scheduled), _amount(paid), _amount(outstanding), _amount(overdue)]
        total = per.setdefault(currency, CurrencyTotal(currency=currency))
        total.count += count
        total.scheduled += values[0]
        total.paid += values[1]
        total.outstanding += values[2]
        total.overdue += values[3]
        rate = Decimal(1) if currency == base else rate
        if rate is None:
            missing_rate = True
            continue
        in_base.count += count
        in_base.scheduled += values[0] * rate
        in_base.paid += values[1] * rate
        in_base.outstanding += values[2] * rate
        in_base.overdue += values[3] * rate
    for name in ("scheduled", "paid", "outstanding", "overdue"):
        setattr(in_base, name, quantize(getattr(in_base, name), base))
    return sorted(per.values(), key=lambda t: t.currency), in_base, missing_rate
