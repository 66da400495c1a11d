"""The company's working-day calendar: the official calendar plus the admin's own exceptions."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.core import workdays
from app.core.models import CalendarDay
from app.extensions import db


def overrides(first: date | None = None, last: date | None = None) -> dict[date, bool]:
    q = sa.select(CalendarDay.day, CalendarDay.is_working)
    if first:
        q = q.where(CalendarDay.day >= first)
    if last:
        q = q.where(CalendarDay.day <= last)
    return {d: w for d, w in db.session.execute(q)}


def is_working_day(day: date) -> bool:
    return workdays.is_working_day(day, overrides(day, day))


def add_working_days(start: date, n: int) -> date:
    return workdays.add_working_days(start, n, overrides(start))


def working_days_between(start: date, end: date) -> int:
    return workdays.working_days_between(start, end, overrides(start, end))


def working_days_in_range(first: date, last: date) -> list[date]:
    return workdays.working_days_in_range(first, last, overrides(first, last))


def nth_working_day_of_month(year: int, month: int, n: int) -> date:
    return workdays.nth_working_day_of_month(year, month, n, overrides(date(year, month, 1)))


def company_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["COMPANY_TIMEZONE"])


def company_today() -> date:
    return datetime.now(company_tz()).date()


def to_company_time(moment: datetime) -> datetime:
    """The company's wall-clock time (naive) of a stored naive-UTC (or an aware) timestamp."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(company_tz()).replace(tzinfo=None)


def to_company_date(moment: datetime) -> date:
    """The company-local date of a naive-UTC timestamp."""
    return moment.replace(tzinfo=timezone.utc).astimezone(company_tz()).date()
