"""Sales records: conversion to the base currency, the monthly summary, and signed contracts as sales."""
import hashlib
import importlib
import importlib.util
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.core.models import ExchangeRate
from app.core.rates import MissingRate
from app.core.settings import base_currency
from app.extensions import db
from app.reports.models import SalesMonthly, SalesMonthlyCountry, SalesMonthlyProduct, SalesRecord, SyncState
from app.reports.periods import add_months

CENT = Decimal("0.01")
SIGNED_STATUSES = ("signed", "amended", "closed")


def area_model(module: str, name: str):
    """Another area's model class, or None while that area is not built yet."""
    try:
        if importlib.util.find_spec(module) is None:
            return None
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


class RateBook:
    """Every exchange rate to the base currency, loaded once, for converting many rows without a query each."""

    def __init__(self, base: str | None = None):
        self.base = base or base_currency()
        self._days: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        rows = db.session.execute(
            sa.select(ExchangeRate.currency, ExchangeRate.effective_on, ExchangeRate.rate)
            .where(ExchangeRate.base_currency == self.base)
            .order_by(ExchangeRate.currency, ExchangeRate.effective_on))
        for currency, on, rate in rows:
            self._days.setdefault(currency, []).append(on)
            self._rates.setdefault(currency, []).append(rate)

    def rate(self, currency: str, on: date) -> Decimal:
        """The rate in force on ``on`` (the latest one effective on or before it); ``MissingRate`` if none."""
        if currency == self.base:
            return Decimal(1)
        days = self._days.get(currency, [])
        i = bisect_right(days, on)
        if i == 0:
            raise MissingRate(currency, on)
        return self._rates[currency][i - 1]

    def to_base(self, amount: Decimal, currency: str, on: date) -> Decimal:
        return (Decimal(amount) * self.rate(currency, on)).quantize(CENT, rounding=ROUND_HALF_UP)


def row_key(sold_on: date, customer_name: str, product_name: str, quantity, amount, currency: str,
            owner_id: int | None) -> str:
    """A fingerprint of an imported sale, to refuse importing the same row twice."""
    parts = [sold_on.isoformat(), customer_name.strip().lower(), product_name.strip().lower(),
             "" if quantity is None else format(Decimal(quantity).normalize(), "f"),
             format(Decimal(amount).normalize(), "f"), currency, str(owner_id or "")]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def refresh_monthly(months: Iterable[date]) -> None:
    """Rebuild the summaries of these months from the sales records (call after any write): month × rep ×
    country × product, and the coarser month × rep × country that month series and totals read."""
    for month in sorted({m.replace(day=1) for m in months}):
        _lock(LOCK_MONTH_BASE + month.year * 100 + month.month)
        following = add_months(month, 1)
        db.session.execute(sa.delete(SalesMonthly).where(SalesMonthly.month_on == month))
        grouped = (
            sa.select(sa.literal(month, sa.Date()), SalesRecord.owner_id, SalesRecord.country, SalesRecord.product_id,
                      SalesRecord.product_name, sa.func.sum(SalesRecord.base_amount),
                      sa.func.sum(SalesRecord.quantity), sa.func.count(SalesRecord.id))
            .where(SalesRecord.sold_on >= month, SalesRecord.sold_on < following)
            .group_by(SalesRecord.owner_id, SalesRecord.country, SalesRecord.product_id, SalesRecord.product_name)
        )
        db.session.execute(sa.insert(SalesMonthly).from_select(
            ["month_on", "owner_id", "country", "product_id", "product_name", "base_amount", "quantity",
             "deal_count"], grouped))
        db.session.execute(sa.delete(SalesMonthlyCountry).where(SalesMonthlyCountry.month_on == month))
        for grain, keys in (("rep_country", (SalesMonthly.owner_id, SalesMonthly.country)),
                            ("rep", (SalesMonthly.owner_id,)), ("country", (SalesMonthly.country,))):
            columns = {"owner_id": sa.literal(None, sa.Integer()), "country": sa.literal("", sa.String())}
            columns.update({k.key: k for k in keys})
            coarse = (
                sa.select(sa.literal(grain, sa.String()), sa.literal(month, sa.Date()), columns["owner_id"],
                          columns["country"], sa.func.sum(SalesMonthly.base_amount), sa.func.sum(SalesMonthly.deal_count))
                .where(SalesMonthly.month_on == month)
                .group_by(*keys)
            )
            db.session.execute(sa.insert(SalesMonthlyCountry).from_select(
                ["grain", "month_on", "owner_id", "country", "base_amount", "deal_count"], coarse))
        db.session.execute(sa.delete(SalesMonthlyProduct).where(SalesMonthlyProduct.month_on == month))
        by_product = (
            sa.select(sa.literal(month, sa.Date()), SalesMonthly.product_id, SalesMonthly.product_name,
                      sa.func.sum(SalesMonthly.base_amount), sa.func.sum(SalesMonthly.deal_count))
            .where(SalesMonthly.month_on == month)
            .group_by(SalesMonthly.product_id, SalesMonthly.product_name)
        )
        db.session.execute(sa.insert(SalesMonthlyProduct).from_select(
            ["month_on", "product_id", "product_name", "base_amount", "deal_count"], by_product))


def rebuild_monthly() -> None:
    """Rebuild the whole summary (after a bulk load or to repair it)."""
    months = db.session.scalars(sa.select(SalesRecord.sold_on).distinct()).all()
    db.session.execute(sa.delete(SalesMonthly))
    db.session.execute(sa.delete(SalesMonthlyCountry))
    db.session.execute(sa.delete(SalesMonthlyProduct))
    refresh_monthly(months)


LOCK_MONTH_BASE = 7_007_000_000
LOCK_CONTRACT_SYNC = 7_007_000_001


def _lock(key: int) -> None:
    """Serialise concurrent rebuilds on PostgreSQL (a transaction-scoped advisory lock); SQLite writes are serial."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def contracts_built() -> bool:
    return area_model("app.contracts.models", "Contract") is not None


def sync_contract_sales() -> int:
    """Upsert one sales record per signed contract (status signed, amended or closed) and drop records of
    contracts that no longer count; amount in base currency = total_amount × the contract's own rate.

    Returns the number of records added, changed or removed; 0 while the contracts area is not built.
    """
    contract = area_model("app.contracts.models", "Contract")
    if contract is None:
        return 0
    from app.customers.models import Customer

    fingerprint = _contracts_fingerprint(contract)
    state = db.session.get(SyncState, "contracts")
    if state is not None and state.fingerprint == fingerprint:
        return 0
    try:
        with db.session.begin_nested():
            changes = _sync(contract, Customer)
            state = db.session.get(SyncState, "contracts") or SyncState(key="contracts")
            state.fingerprint = fingerprint
            db.session.add(state)
        return changes
    except IntegrityError:
        return 0  # another request synchronised the same contracts at the same moment


def _contracts_fingerprint(contract) -> str:
    """Changes whenever a contract is added, edited (``updated_at``), removed, or signed amounts change."""
    signed = contract.status.in_(SIGNED_STATUSES)
    row = db.session.execute(sa.select(
        sa.func.count(contract.id), sa.func.max(contract.id), sa.func.max(contract.updated_at),
        sa.func.sum(sa.case((signed, 1), else_=0)), sa.func.sum(sa.case((signed, contract.id), else_=0)))).one()
    return "|".join(str(v) for v in row)


def _sync(contract, Customer) -> int:  # noqa: N803 - a model class
    _lock(LOCK_CONTRACT_SYNC)
    rows = db.session.execute(
        sa.select(contract.id, contract.signed_on, contract.customer_id, contract.owner_id, contract.currency,
                  contract.exchange_rate, contract.total_amount, Customer.name, Customer.country)
        .join(Customer, Customer.id == contract.customer_id, isouter=True)
        .where(contract.status.in_(SIGNED_STATUSES), contract.signed_on.is_not(None),
               contract.exchange_rate.is_not(None))).all()
    fields = ("sold_on", "customer_id", "customer_name", "country", "owner_id", "amount", "currency",
              "exchange_rate", "base_amount")
    existing = {r[0]: r[1:] for r in db.session.execute(
        sa.select(SalesRecord.contract_id, SalesRecord.id, *(getattr(SalesRecord, f) for f in fields))
        .where(SalesRecord.source == "contract"))}
    touched: set[date] = set()
    inserts, updates = [], []
    for (cid, signed_on, customer_id, owner_id, currency, rate, total, customer_name, country) in rows:
        total, rate = Decimal(total or 0), Decimal(rate)
        values = dict(sold_on=signed_on, customer_id=customer_id, customer_name=customer_name or "",
                      country=(country or "").upper(), owner_id=owner_id, amount=total, currency=currency,
                      exchange_rate=rate, base_amount=(total * rate).quantize(CENT, rounding=ROUND_HALF_UP))
        old = existing.pop(cid, None)
        if old is None:
            inserts.append(dict(values, source="contract", contract_id=cid, product_name="", row_key=""))
            touched.add(signed_on)
        elif tuple(old[1:]) != tuple(values[f] for f in fields):
            updates.append(dict(values, id=old[0]))
            touched.update({old[1], signed_on})
    if inserts:
        db.session.execute(sa.insert(SalesRecord), inserts)
    if updates:
        db.session.execute(sa.update(SalesRecord), updates)
    if existing:
        touched.update(old[1] for old in existing.values())
        db.session.execute(sa.delete(SalesRecord).where(SalesRecord.id.in_([old[0] for old in existing.values()])))
    if touched:
        refresh_monthly(touched)
    return len(inserts) + len(updates) + len(existing)
