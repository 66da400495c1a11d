import time
from datetime import date, datetime, timedelta

import chinese_calendar
import holidays
import pytest

from app.core import workdays
from app.core.workdays import (
    add_working_days,
    is_working_day,
    nth_working_day_of_month,
    working_days_between,
    working_days_in_range,
)


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_library_has_the_2026_state_council_notice():
    for day in _span(date(2026, 2, 15), date(2026, 2, 23)):
        assert chinese_calendar.get_holiday_detail(day) == (True, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 14)) == (False, "Spring Festival")
    assert chinese_calendar.get_holiday_detail(date(2026, 2, 28)) == (False, "Spring Festival")
    for day in _span(date(2026, 10, 1), date(2026, 10, 7)):
        assert chinese_calendar.get_holiday_detail(day) == (True, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 9, 20)) == (False, "National Day")
    assert chinese_calendar.get_holiday_detail(date(2026, 10, 10)) == (False, "National Day")
    for day in _span(date(2026, 9, 25), date(2026, 9, 27)):
        assert chinese_calendar.get_holiday_detail(day) == (True, "Mid-autumn Festival")


def test_spring_festival_2026():
    assert all(not is_working_day(d) for d in _span(date(2026, 2, 15), date(2026, 2, 23)))
    assert is_working_day(date(2026, 2, 14))
    assert is_working_day(date(2026, 2, 28))
    assert not is_working_day(date(2026, 3, 1))
    assert is_working_day(date(2026, 2, 24))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2
    assert working_days_in_range(date(2026, 2, 12), date(2026, 3, 2)) == [
        date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 24), date(2026, 2, 25),
        date(2026, 2, 26), date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 2),
    ]


def test_national_day_2026():
    assert all(not is_working_day(d) for d in _span(date(2026, 10, 1), date(2026, 10, 7)))
    assert all(not is_working_day(d) for d in _span(date(2026, 9, 25), date(2026, 9, 27)))
    assert is_working_day(date(2026, 9, 20))
    assert is_working_day(date(2026, 10, 10))
    assert not is_working_day(date(2026, 10, 11))
    assert working_days_in_range(date(2026, 9, 28), date(2026, 10, 11)) == [
        date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9),
        date(2026, 10, 10),
    ]
    assert nth_working_day_of_month(2026, 10, 5) == date(2026, 10, 13)


def test_official_calendar_matches_chinese_calendar_through_2026():
    for day in _span(date(2025, 1, 1), date(2026, 12, 31)):
        assert is_working_day(day) == chinese_calendar.is_workday(day), day


def test_after_2026_weekdays_minus_holidays_package():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    off = holidays.country_holidays("CN", years=[2027, 2028])
    for day in _span(date(2027, 1, 1), date(2028, 12, 31)):
        assert is_working_day(day) == (day.weekday() < 5 and day not in off), day


def test_across_the_end_of_2026():
    assert date(2027, 1, 1) in holidays.country_holidays("CN", years=2027)
    assert is_working_day(date(2026, 12, 31))
    assert not is_working_day(date(2027, 1, 1))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 1
    assert working_days_in_range(date(2026, 12, 30), date(2027, 1, 5)) == [
        date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 4), date(2027, 1, 5),
    ]


def test_far_future_and_past_dates_do_not_crash():
    assert not is_working_day(date(2040, 10, 1))
    assert is_working_day(date(2100, 1, 4))
    assert is_working_day(date(1999, 1, 4))
    assert add_working_days(date(2099, 12, 31), 1) == date(2100, 1, 4)


def test_overrides_win():
    spring_2027 = date(2027, 2, 6)
    assert not is_working_day(spring_2027)
    assert is_working_day(spring_2027, {spring_2027: True})
    assert working_days_in_range(date(2027, 2, 1), date(2027, 2, 12)) == [
        date(2027, 2, 1), date(2027, 2, 2), date(2027, 2, 3), date(2027, 2, 4), date(2027, 2, 11), date(2027, 2, 12),
    ]
    assert working_days_in_range(date(2027, 2, 1), date(2027, 2, 12), {spring_2027: True}) == [
        date(2027, 2, 1), date(2027, 2, 2), date(2027, 2, 3), date(2027, 2, 4), spring_2027, date(2027, 2, 11),
        date(2027, 2, 12),
    ]
    assert add_working_days(date(2027, 2, 4), 1, {spring_2027: True}) == spring_2027
    assert add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 11)
    company_holiday = {date(2026, 2, 24): False}
    assert not is_working_day(date(2026, 2, 24), company_holiday)
    assert add_working_days(date(2026, 2, 14), 1, company_holiday) == date(2026, 2, 25)


def test_add_working_days_zero_and_negative():
    assert add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 24)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1)


def test_working_days_between_is_elapsed_working_days():
    monday, wednesday = date(2026, 3, 2), date(2026, 3, 4)
    assert working_days_between(monday, wednesday) == 2
    assert working_days_between(monday, monday) == 0
    assert working_days_between(wednesday, monday) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 8)) == 0


def test_nth_working_day_of_month():
    assert nth_working_day_of_month(2026, 2, 1) == date(2026, 2, 2)
    assert nth_working_day_of_month(2026, 2, 11) == date(2026, 2, 14)
    assert nth_working_day_of_month(2026, 2, 12) == date(2026, 2, 24)
    assert nth_working_day_of_month(2026, 2, 16) == date(2026, 2, 28)
    assert nth_working_day_of_month(2027, 1, 1) == date(2027, 1, 4)
    assert nth_working_day_of_month(2027, 1, 1, {date(2027, 1, 4): False}) == date(2027, 1, 5)
    with pytest.raises(ValueError):
        nth_working_day_of_month(2026, 2, 17)
    with pytest.raises(ValueError):
        nth_working_day_of_month(2026, 2, 0)


def test_datetimes_count_as_their_date():
    assert is_working_day(datetime(2026, 2, 14, 9, 30))
    assert add_working_days(datetime(2026, 2, 13, 18, 0), 1) == date(2026, 2, 14)


def test_ranges_of_years_are_fast():
    workdays._official_working_days.cache_clear()
    started = time.perf_counter()
    first, last = date(2022, 1, 1), date(2029, 12, 31)
    days = working_days_in_range(first, last)
    assert working_days_between(first - timedelta(days=1), last) == len(days)
    assert add_working_days(first - timedelta(days=1), len(days)) == days[-1]
    assert time.perf_counter() - started < 2
