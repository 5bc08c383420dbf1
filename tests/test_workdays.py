from datetime import date

import pytest

from salescli.workdays import Month, WorkCalendar


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        # 20 weekdays; Spring Festival takes 16–20 and 23 Feb; Saturdays 14 and 28 Feb are worked (调休)
        (Month(2026, 2), 16),
        # 22 weekdays; National Day takes 1, 2, 5, 6, 7 Oct; Saturday 10 Oct is worked
        (Month(2026, 10), 18),
        (Month(2026, 12), 23),  # no holiday: the 23 weekdays
        (Month(2026, 5), 19),  # 21 weekdays; Labour Day takes 1, 4 and 5 May; Saturday 9 May is worked
    ],
)
def test_official_working_days(month: Month, expected: int) -> None:
    assert WorkCalendar().count(month) == expected


def test_swapped_days() -> None:
    calendar = WorkCalendar()
    assert calendar.is_workday(date(2026, 2, 14))  # a Saturday worked before Spring Festival
    assert not calendar.is_workday(date(2026, 2, 17))  # a Tuesday off
    assert not calendar.is_workday(date(2026, 11, 28))  # an ordinary Saturday


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays() -> None:
    calendar = WorkCalendar()
    assert calendar.unknown_years(date(2026, 12, 1), date(2027, 2, 28)) == [2027]
    assert calendar.count(Month(2027, 1)) == 21  # Friday 1 Jan to Friday 29 Jan: 21 weekdays
    assert calendar.is_workday(date(2027, 1, 1))  # New Year's Day, unknown to the calendar: a weekday


def test_config_days_off_and_extra_working_days() -> None:
    calendar = WorkCalendar(extra_holidays=frozenset({date(2026, 12, 31)}),
                            extra_workdays=frozenset({date(2026, 12, 26)}))
    assert calendar.count(Month(2026, 12)) == 23
    assert not calendar.is_workday(date(2026, 12, 31))
    assert calendar.is_workday(date(2026, 12, 26))
    assert WorkCalendar(official=False).count(Month(2026, 10)) == 22
    assert WorkCalendar(official=False).unknown_years(date(2027, 1, 1), date(2027, 2, 1)) == []


def test_back_counts_working_days_up_to_and_including_the_end() -> None:
    window = WorkCalendar().back(date(2026, 12, 10), 10)
    assert window[0] == date(2026, 11, 27) and window[-1] == date(2026, 12, 10) and len(window) == 10


def test_month_arithmetic_and_parsing() -> None:
    assert Month(2026, 11).next(2) == Month(2027, 1)
    assert Month(2026, 1).next(-1) == Month(2025, 12)
    assert Month(2026, 2).last == date(2026, 2, 28)
    assert Month.parse("2026-12") == Month.parse("2026年12月") == Month.parse("202612") == Month(2026, 12)
    with pytest.raises(ValueError):
        Month.parse("2026-13")
