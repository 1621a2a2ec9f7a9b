"""Working days: weekends, each UK nation's bank holidays and the organisation's closure days."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redress.lib.workdays import UnknownRegion, WorkingCalendar, add_calendar_months

ENGLAND = WorkingCalendar(region="england-and-wales")
SCOTLAND = WorkingCalendar(region="scotland")
NORTHERN_IRELAND = WorkingCalendar(region="northern-ireland")


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # early May bank holiday
        date(2026, 5, 25),  # spring bank holiday
        date(2026, 8, 31),  # summer bank holiday
        date(2026, 12, 25),  # Christmas Day, a Friday
        date(2026, 12, 28),  # Boxing Day falls on a Saturday: substitute Monday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 12, 27),  # Christmas Day falls on a Saturday: substitute Monday
        date(2027, 12, 28),  # Boxing Day falls on a Sunday: substitute Tuesday
    ],
)
def test_england_and_wales_bank_holidays_are_not_working_days(day):
    assert day.weekday() < 5
    assert not ENGLAND.is_working_day(day)


@pytest.mark.parametrize(
    "day", [date(2026, 12, 29), date(2027, 12, 29), date(2026, 4, 7), date(2026, 1, 2)]
)
def test_ordinary_weekdays_around_english_holidays_are_working_days(day):
    assert ENGLAND.is_working_day(day)


def test_weekends_are_never_working_days():
    saturday, sunday = date(2026, 3, 7), date(2026, 3, 8)
    assert not ENGLAND.is_working_day(saturday)
    assert not ENGLAND.is_working_day(sunday)


def test_scotland_keeps_2_january_and_st_andrews_day_but_not_easter_monday():
    assert not SCOTLAND.is_working_day(date(2026, 1, 2))  # a Friday
    assert not SCOTLAND.is_working_day(date(2027, 1, 4))  # 2 January 2027 is a Saturday
    assert not SCOTLAND.is_working_day(date(2026, 11, 30))  # St Andrew's Day, a Monday
    assert not SCOTLAND.is_working_day(date(2026, 8, 3))  # first Monday in August
    assert SCOTLAND.is_working_day(date(2026, 4, 6))  # Easter Monday is not a Scottish holiday
    assert SCOTLAND.is_working_day(date(2026, 8, 31))  # nor the English late summer one
    assert ENGLAND.is_working_day(date(2026, 11, 30))
    assert ENGLAND.is_working_day(date(2026, 1, 2))


def test_northern_ireland_keeps_st_patricks_day_and_the_twelfth():
    assert not NORTHERN_IRELAND.is_working_day(date(2026, 3, 17))  # St Patrick's Day, Tuesday
    assert not NORTHERN_IRELAND.is_working_day(date(2027, 7, 12))  # the Twelfth, a Monday
    assert not NORTHERN_IRELAND.is_working_day(date(2026, 7, 13))  # 12 July 2026 is a Sunday
    assert not NORTHERN_IRELAND.is_working_day(date(2026, 4, 6))  # Easter Monday
    assert ENGLAND.is_working_day(date(2026, 3, 17))
    assert ENGLAND.is_working_day(date(2027, 7, 12))


def test_organisation_closure_days_are_not_working_days():
    calendar = WorkingCalendar.of("england-and-wales", ["2026-12-29", date(2026, 12, 30)])
    assert not calendar.is_working_day(date(2026, 12, 29))
    assert not calendar.is_working_day(date(2026, 12, 30))
    assert calendar.is_working_day(date(2026, 12, 31))
    # Christmas Eve (Thu) -> skips 25th, the weekend, 28th (substitute), 29th, 30th (closed).
    assert calendar.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 31)


def test_an_unknown_region_is_refused_when_the_calendar_is_made():
    with pytest.raises(UnknownRegion, match="england-and-wales, northern-ireland, scotland"):
        WorkingCalendar.of("wales")


def test_add_working_days_does_not_count_the_start_day():
    friday = date(2026, 3, 6)
    assert ENGLAND.add_working_days(friday, 0) == friday
    assert ENGLAND.add_working_days(friday, 1) == date(2026, 3, 9)  # the next Monday
    assert ENGLAND.add_working_days(friday, 5) == date(2026, 3, 13)


def test_add_working_days_skips_easter():
    # Thursday 2 April 2026: Good Friday and Easter Monday are skipped.
    assert ENGLAND.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    # Ten working days from the Monday before Easter end two days later than usual.
    assert ENGLAND.add_working_days(date(2026, 3, 30), 10) == date(2026, 4, 15)
    assert SCOTLAND.add_working_days(date(2026, 3, 30), 10) == date(2026, 4, 14)


def test_counting_working_days_backwards_is_refused():
    with pytest.raises(ValueError, match="forwards only"):
        ENGLAND.add_working_days(date(2026, 3, 2), -1)


def test_working_days_between_counts_days_after_start_up_to_and_including_end():
    monday, friday = date(2026, 3, 2), date(2026, 3, 6)
    assert ENGLAND.working_days_between(monday, monday) == 0
    assert ENGLAND.working_days_between(monday, friday) == 4
    assert ENGLAND.working_days_between(friday, monday) == -4
    # Across Christmas 2026: 29, 30, 31 December and 4 January (1 January is a holiday).
    assert ENGLAND.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4


DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))
CALENDARS = st.sampled_from([ENGLAND, SCOTLAND, NORTHERN_IRELAND])


@given(calendar=CALENDARS, start=DAYS, days=st.integers(min_value=0, max_value=300))
def test_working_days_between_undoes_add_working_days(calendar, start, days):
    end = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, end) == days
    assert calendar.working_days_between(end, start) == -days
    if days:
        assert calendar.is_working_day(end)


@given(calendar=CALENDARS, start=DAYS, end=DAYS)
def test_add_working_days_undoes_working_days_between_for_a_later_working_day(calendar, start, end):
    while not calendar.is_working_day(end):
        end += timedelta(days=1)
    if end > start:
        assert calendar.add_working_days(start, calendar.working_days_between(start, end)) == end


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 3, date(2026, 4, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the year end
        (date(2026, 10, 31), 2, date(2026, 12, 31)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),  # not moved to the month's end
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -1, date(2025, 12, 10)),
        (date(2026, 12, 5), 25, date(2029, 1, 5)),
    ],
)
def test_add_calendar_months_keeps_the_day_or_clamps_to_the_months_end(start, months, expected):
    assert add_calendar_months(start, months) == expected
