"""Injectable time: the `Clock` protocol, the real clock and a frozen clock for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that tells the current time as a timezone-aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to: `advance()` it instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The frozen time."""
        return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward by `delta` or by `timedelta(**kwargs)`; returns the new time."""
        step = delta if delta is not None else timedelta(**kwargs)
        if step < timedelta(0):
            raise ValueError("a clock does not go backwards")
        self._now += step
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to `when` (timezone-aware)."""
        if when.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._now = when.astimezone(UTC)


def ensure_utc(value: datetime) -> datetime:
    """`value` in UTC; raises ValueError for a naive datetime (its zone would be a guess)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware value")
    return value.astimezone(UTC)
