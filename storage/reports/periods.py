"""Report periods: a calendar month ("2026-10") or quarter ("2026-Q4") in a community's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC for local calendar days `first`..`last` of `timezone`."""

    label: str
    first: date
    last: date
    timezone: ZoneInfo

    @property
    def start(self) -> datetime:
        """Local midnight of the first day, in UTC."""
        return local_midnight(self.first, self.timezone)

    @property
    def end(self) -> datetime:
        """Local midnight after the last day, in UTC (exclusive)."""
        return local_midnight(self.last + timedelta(days=1), self.timezone)

    def days(self) -> list[date]:
        """Every local day of the period."""
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def local_day(self, when: datetime) -> date:
        """The local calendar day of an aware datetime."""
        return when.astimezone(self.timezone).date()


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """00:00 of `day` in `tz`, as an aware UTC datetime."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)


def month_period(month: str, tz: ZoneInfo) -> Period:
    """The period of "YYYY-MM"; raises InvalidInput."""
    found = _MONTH.match(month.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise InvalidInput("month", f"use YYYY-MM such as 2026-10, got {month!r}")
    year, number = int(found[1]), int(found[2])
    return Period(f"{year:04d}-{number:02d}", date(year, number, 1), _month_end(year, number), tz)


def quarter_period(quarter: str, tz: ZoneInfo) -> Period:
    """The period of "YYYY-Qn"; raises InvalidInput."""
    found = _QUARTER.match(quarter.strip())
    if not found:
        raise InvalidInput("quarter", f"use YYYY-Qn such as 2026-Q4, got {quarter!r}")
    year, number = int(found[1]), int(found[2])
    first_month = 3 * (number - 1) + 1
    return Period(f"{year:04d}-Q{number}", date(year, first_month, 1), _month_end(year, first_month + 2), tz)


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)
