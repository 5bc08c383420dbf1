"""Working days: weekends, China's public holidays and swapped working days (调休).

China's official schedule comes from the chinese-calendar package, which carries each year's State
Council notice and says plainly which years it knows. A year it does not know falls back to Monday
to Friday; `salescli.yaml` adds holidays and extra working days on top of either.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterator, NamedTuple


class Month(NamedTuple):
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """`2026-12`, `2026/12`, `202612` or `2026年12月`; ValueError otherwise."""
        import re

        match = re.fullmatch(r"\s*(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?\s*", text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(text)
        return cls(int(match.group(1)), int(match.group(2))).checked(text)

    def checked(self, shown: object) -> Month:
        """This month, if it lies in the years salescli works with; else a InvalidValue naming `shown`."""
        from salescli.errors import InvalidValue
        from salescli.i18n import _
        from salescli.parsing import FIRST_DAY, LAST_DAY, YEARS

        if not FIRST_DAY.year <= self.year <= LAST_DAY.year:
            raise InvalidValue(_("'{month}' is outside the years salescli works with ({years})").format(
                month=shown, years=YEARS))
        return self

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, monthrange(self.year, self.month)[1])

    def next(self, count: int = 1) -> Month:
        """The month `count` months on (or back); a InvalidValue past the years salescli works with."""
        index = self.year * 12 + self.month - 1 + count
        month = Month(index // 12, index % 12 + 1)
        return month if 1900 <= month.year <= 3000 else month.checked(month)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days; `extra_holidays`/`extra_workdays` come from salescli.yaml."""

    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    official: bool = True  # use China's official schedule where it is known
    _years: dict[int, list[date]] = field(default_factory=dict, compare=False, repr=False)

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        official = _official_workday(day) if self.official else None
        return official if official is not None else day.weekday() < 5

    def workdays(self, start: date, end: date) -> list[date]:
        """The working days from `start` to `end`, both included."""
        found: list[date] = []
        for year in range(start.year, end.year + 1):
            days = self._year(year)
            found += days[bisect_left(days, start):bisect_right(days, end)]
        return found

    def _year(self, year: int) -> list[date]:
        """A year's working days, worked out once per calendar (plans ask for them thousands of times)."""
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = [day for day in _days(date(year, 1, 1), date(year, 12, 31))
                                          if self.is_workday(day)]
        return cached

    def count(self, month: Month) -> int:
        return len(self.workdays(month.first, month.last))

    def between(self, start: date, end: date) -> int:
        """The working days after `start` up to and including `end` (how many working days older a deal
        opened on `start` is on `end`); 0 when `end` is not later."""
        if end <= start:
            return 0
        years = sum(len(self._year(year)) for year in range(start.year, end.year))
        return years + bisect_right(self._year(end.year), end) - bisect_right(self._year(start.year), start)

    def back(self, end: date, count: int) -> list[date]:
        """The last `count` working days up to and including `end`, oldest first."""
        found: list[date] = []
        day = end
        while len(found) < count and day.year > 1900:
            if self.is_workday(day):
                found.append(day)
            day -= timedelta(days=1)
        return found[::-1]

    def unknown_years(self, start: date, end: date) -> list[int]:
        """Years in the range that the official schedule does not cover (weekdays are assumed)."""
        if not self.official:
            return []
        return [year for year in range(start.year, end.year + 1) if not _knows(year)]


def _days(start: date, end: date) -> Iterator[date]:
    from dateutil.rrule import DAILY, rrule

    for moment in rrule(DAILY, dtstart=start, until=end):
        yield moment.date()


@lru_cache(maxsize=4096)
def _official_workday(day: date) -> bool | None:
    """True/False from China's official schedule, or None for a year it does not cover."""
    if not _knows(day.year):
        return None
    import chinese_calendar

    return bool(chinese_calendar.is_workday(day))


@lru_cache(maxsize=None)
def _knows(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True
