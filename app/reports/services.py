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
from app.reports.models import SalesMonthly, SalesMonthlyCountry, SalesRecord
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
        coarse = (
            sa.select(sa.literal(month, sa.Date()), SalesMonthly.owner_id, SalesMonthly.country,
                      sa.func.sum(SalesMonthly.base_amount), sa.func.sum(SalesMonthly.deal_count))
            .where(SalesMonthly.month_on == month)
            .group_by(SalesMonthly.owner_id, SalesMonthly.country)
        )
        db.session.execute(sa.insert(SalesMonthlyCountry).from_select(
            ["month_on", "owner_id", "country", "base_amount", "deal_count"], coarse))


def rebuild_monthly() -> None:
    """Rebuild the whole summary (after a bulk load or to repair it)."""
    months = db.session.scalars(sa.select(SalesRecord.sold_on).distinct()).all()
    db.session.execute(sa.delete(SalesMonthly))
    db.session.execute(sa.delete(SalesMonthlyCountry))
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

    try:
        with db.session.begin_nested():
            return _sync(contract, Customer)
    except IntegrityError:
        return 0  # another request synchronised the same contract at the same moment


def _sync(contract, Customer) -> int:  # noqa: N803 - a model class
    _lock(LOCK_CONTRACT_SYNC)
    rows = db.session.execute(
        sa.select(contract.id, contract.signed_on, contract.customer_id, contract.owner_id, contract.currency,
                  contract.exchange_rate, contract.total_amount, Customer.name, Customer.country)
        .join(Customer, Customer.id == contract.customer_id, isouter=True)
        .where(contract.status.in_(SIGNED_STATUSES), contract.signed_on.is_not(None))).all()
    existing = {r.contract_id: r for r in db.session.scalars(
        sa.select(SalesRecord).where(SalesRecord.source == "contract"))}
    touched: set[date] = set()
    changes = 0
    seen = set()
    for (cid, signed_on, customer_id, owner_id, currency, rate, total, customer_name, country) in rows:
        seen.add(cid)
        total = Decimal(total or 0)
        rate = Decimal(rate) if rate is not None else None
        if rate is None:
            continue
        base = (total * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        values = dict(sold_on=signed_on, customer_id=customer_id, customer_name=customer_name or "",
                      country=(country or "").upper(), owner_id=owner_id, amount=total, currency=currency,
                      exchange_rate=rate, base_amount=base)
        record = existing.get(cid)
        if record is None:
            db.session.add(SalesRecord(source="contract", contract_id=cid, product_name="", **values))
            touched.add(signed_on)
            changes += 1
            continue
        if any(getattr(record, k) != v for k, v in values.items()):
            touched.update({record.sold_on, signed_on})
            for k, v in values.items():
                setattr(record, k, v)
            changes += 1
    for cid, record in existing.items():
        if cid not in seen:
            touched.add(record.sold_on)
            db.session.delete(record)
            changes += 1
    if changes:
        db.session.flush()
        refresh_monthly(touched)
    return changes
