"""Mainland-China working days: the official calendar with its make-up working days (调休), plus overrides.

Overrides map a date to True (an extra working day) or False (a company holiday) and win over
the official calendar. For the years chinese_calendar has the State Council notice for, it
decides; for other years, Monday to Friday minus the ``holidays`` package's CN holidays, which
know no make-up working days (admins enter those as overrides).
"""
from calendar import monthrange
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

import chinese_calendar
import holidays

Overrides = Mapping[date, bool] | None

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=None)
def _official_working_days(year: int) -> frozenset[date]:
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    try:
        chinese_calendar.is_workday(first)
    except NotImplementedError:
        off = holidays.country_holidays("CN", years=year)
        return frozenset(d for d in days if d.weekday() < 5 and d not in off)
    return frozenset(d for d in days if chinese_calendar.is_workday(d))


def _as_date(day: date) -> date:
    return day.date() if isinstance(day, datetime) else day


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


def is_working_day(day: date, overrides: Overrides = None) -> bool:
    """An override wins (False: company holiday, True: make-up working day); else the official calendar."""
    day = _as_date(day)
    if overrides and day in overrides:
        return bool(overrides[day])
    return day in _official_working_days(day.year)


def add_working_days(start: date, n: int, overrides: Overrides = None) -> date:
    """The day ``n`` working days after ``start``, not counting ``start`` itself.

    Friday + 1 is the next Monday (when both are working days). ``n = 0`` gives ``start`` when it
    is a working day, else the next working day.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    day = _as_date(start)
    if n == 0:
        while not is_working_day(day, overrides):
            day += _ONE_DAY
        return day
    while n:
        day += _ONE_DAY
        if is_working_day(day, overrides):
            n -= 1
    return day


def working_days_between(start: date, end: date, overrides: Overrides = None) -> int:
    """Working days elapsed from ``start`` to ``end``: the working days in (start, end], 0 if end <= start.

    Submitted on Monday and signed on Wednesday of an ordinary week took 2 working days; signed
    the same day, 0.
    """
    start, end = _as_date(start), _as_date(end)
    if end <= start:
        return 0
    return sum(1 for day in _days(start + _ONE_DAY, end) if is_working_day(day, overrides))


def working_days_in_range(first: date, last: date, overrides: Overrides = None) -> list[date]:
    """The working days from ``first`` to ``last``, both included, in order."""
    return [day for day in _days(_as_date(first), _as_date(last)) if is_working_day(day, overrides)]


def nth_working_day_of_month(year: int, month: int, n: int, overrides: Overrides = None) -> date:
    """The ``n``-th (1-based) working day of the month; ValueError if the month has fewer."""
    if n < 1:
        raise ValueError(f"n must be >= 1, not {n}")
    days = working_days_in_range(date(year, month, 1), date(year, month, monthrange(year, month)[1]), overrides)
    if n > len(days):
        raise ValueError(f"{year}-{month:02d} has only {len(days)} working days")
    return days[n - 1]
