"""Conversion to the base currency with the rate in force on a date; no rate is an error, never 1.0."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.models import ExchangeRate
from app.core.settings import base_currency
from app.extensions import db


class MissingRate(LookupError):
    def __init__(self, currency: str, on: date):
        super().__init__(currency, on)
        self.currency = currency
        self.on = on

    def message(self) -> str:
        return str(_l("No exchange rate for %(currency)s on or before %(date)s. Ask finance to enter one.",
                      currency=self.currency, date=self.on.isoformat()))


def rate_on(currency: str, on: date, base: str | None = None) -> Decimal:
    base = base or base_currency()
    if currency == base:
        return Decimal(1)
    rate = db.session.scalar(
        sa.select(ExchangeRate.rate)
        .where(ExchangeRate.currency == currency, ExchangeRate.base_currency == base,
               ExchangeRate.effective_on <= on)
        .order_by(ExchangeRate.effective_on.desc())
        .limit(1)
    )
    if rate is None:
        raise MissingRate(currency, on)
    return rate


def to_base(amount: Decimal, currency: str, on: date, rate: Decimal | None = None) -> Decimal:
    """``amount`` in the base currency, at ``rate`` if given (a contract's own rate), else the rate on ``on``."""
    rate = rate if rate is not None else rate_on(currency, on)
    return (Decimal(amount) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def latest_rates(base: str | None = None) -> list[ExchangeRate]:
    base = base or base_currency()
    newest = (
        sa.select(ExchangeRate.currency, sa.func.max(ExchangeRate.effective_on).label("on"))
        .where(ExchangeRate.base_currency == base)
        .group_by(ExchangeRate.currency)
        .subquery()
    )
    return list(db.session.scalars(
        sa.select(ExchangeRate)
        .join(newest, sa.and_(ExchangeRate.currency == newest.c.currency, ExchangeRate.effective_on == newest.c.on))
        .where(ExchangeRate.base_currency == base)
        .order_by(ExchangeRate.currency)
    ))
