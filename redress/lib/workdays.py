"""Working days: weekdays that are neither a bank holiday of the organisation's nation nor one of
its own closure days. Deadlines in the rulebook are counted in these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

# The UK's bank holidays differ by nation; `holidays` names them by subdivision.
HOLIDAY_REGIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}


class UnknownRegion(ValueError):
    pass


@lru_cache(maxsize=64)
def _bank_holidays(region: str, year: int) -> frozenset[date]:
    try:
        subdivision = HOLIDAY_REGIONS[region]
    except KeyError:
        known = ", ".join(sorted(HOLIDAY_REGIONS))
        raise UnknownRegion(f"unknown holiday region {region!r}; use one of {known}") from None
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count. `closures` are the organisation's own extra non-working days."""

    region: str = "england-and-wales"
    closures: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, region: str, closures: Iterable[str | date] = ()) -> WorkingCalendar:
        days = frozenset(d if isinstance(d, date) else date.fromisoformat(d) for d in closures)
        _bank_holidays(region, date.today().year)  # refuse an unknown region at once
        return cls(region=region, closures=days)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and day not in _bank_holidays(self.region, day.year)
            and day not in self.closures
        )

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (`start` itself is not counted)."""
        if days < 0:
            raise ValueError("count working days forwards only")
        day = start
        remaining = days
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative if `end` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for offset in range(1, (end - start).days + 1)
            if self.is_working_day(start + timedelta(days=offset))
        )


def add_calendar_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day where that day does not exist."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")
