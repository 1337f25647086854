"""Times in English as residents mix it in: tomorrow 3pm, tonight after 8, this Saturday morning, at 10:30am on
Friday, last night around 11pm. A message's day, period and clock are read apart and put together."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Final

from nlu.request import TimeRange
from nlu.time_words import AFTER_HOURS, DAY_START, Reading, at, monday_of, weekday_near

ENGLISH_TRIGGER: Final = re.compile(
    r"(?i)\b(?:today|tonight|tomorrow|tmrw?|yesterday|last night|morning|afternoon|evening|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|\d{1,2}(?::\d{2})?\s*[ap]\.?m\b)"
)
"""Every English time this module reads holds one of these."""

_LATIN = re.compile(r"[A-Za-z]")
"""A text without a Latin letter holds no English time (most don't; one character class scans fastest)."""
_WEEKDAYS: Final[dict[str, int]] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_DAY = re.compile(
    r"(?i)\b(?:(?P<word>today|tonight|tomorrow|tmrw?|yesterday|last night)"
    r"|(?:(?P<which>this|next|last)\s+)?(?P<weekday>(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b"
)
_PERIOD = re.compile(r"(?i)\b(?P<period>morning|afternoon|evening|night)\b")
_CLOCK = re.compile(
    r"(?i)(?:\b(?P<edge>after|before|by|around|about|at)\s+)?"
    r"\b(?P<hour>\d{1,2})(?::(?P<minute>[0-5]\d))?\s*(?P<ampm>[ap])?\.?(?(ampm)m\b\.?|(?![\d:]))"
)
_PERIODS: Final[dict[str, tuple[int, int]]] = {
    "morning": (8, 12), "afternoon": (13, 18), "evening": (18, 23), "night": (18, 23),
}  # fmt: skip
_DAY_OFFSETS: Final[dict[str, int]] = {
    "today": 0, "tonight": 0, "tomorrow": 1, "tmr": 1, "tmrw": 1, "yesterday": -1, "last night": -1,
}  # fmt: skip
_AROUND: Final[timedelta] = timedelta(minutes=30)


def may_hold_english_time(text: str) -> bool:
    """Whether a text may hold an English time (`find_times` skips `english_times` for the rest)."""
    return _LATIN.search(text) is not None and ENGLISH_TRIGGER.search(text) is not None


def english_times(text: str, now: datetime, looking_back: bool) -> list[tuple[int, int, TimeRange]]:
    """(start, end, range) of the one English time in a text, if it names a day or a clock time."""
    day_match = _DAY.search(text)
    period_match = _PERIOD.search(text)
    clock_match = next((m for m in _CLOCK.finditer(text) if _is_clock(m, day_match, period_match)), None)
    if day_match is None and clock_match is None:
        return []
    parts = [m for m in (day_match, period_match, clock_match) if m is not None]
    first, last = min(m.start() for m in parts), max(m.end() for m in parts)
    reading = Reading(text, first, last, looking_back)
    period = period_match.group("period").lower() if period_match else None
    today = now.date()
    day, explicit = today, False
    if day_match is not None:
        explicit = True
        word = (day_match.group("word") or "").lower()
        if word:
            day = today + timedelta(days=_DAY_OFFSETS[word])
            if word in ("tonight", "last night"):
                period = period or "night"
        else:
            weekday = _WEEKDAYS[day_match.group("weekday").lower()]
            which = (day_match.group("which") or "").lower()
            if which == "this":
                day = monday_of(today) + timedelta(days=weekday)
            elif which == "next":
                day = monday_of(today) + timedelta(days=7 + weekday)
            elif which == "last":
                day = monday_of(today) + timedelta(days=-7 + weekday)
            else:
                day = weekday_near(today, weekday, reading.back())
    if clock_match is None:
        first_hour, last_hour = _PERIODS[period] if period else (0, 24)
        start, end = at(day, first_hour, 0, now), at(day, last_hour, 0, now)
    else:
        start, end = _clock_range(clock_match, day, period, now)
    if not explicit:
        if start > now and reading.back():
            start, end = start - timedelta(days=1), end - timedelta(days=1)
        elif end <= now and not reading.back():
            start, end = start + timedelta(days=1), end + timedelta(days=1)
    asked = end > now and reading.asks()
    return [(first, last, TimeRange(start, end, text[first:last], asked))]


def _is_clock(match: re.Match[str], day: re.Match[str] | None, period: re.Match[str] | None) -> bool:
    """A number is a clock time with am/pm, minutes, or a word before it (at 8, after 8) beside a day or period."""
    if int(match.group("hour")) > 24:
        return False
    return bool(match.group("ampm") or match.group("minute") or (match.group("edge") and (day or period)))


def _clock_range(match: re.Match[str], day: date, period: str | None, now: datetime) -> tuple[datetime, datetime]:
    hour = int(match.group("hour"))
    ampm = (match.group("ampm") or "").lower()
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    elif not ampm and hour < 12 and (period in ("afternoon", "evening", "night") or 1 <= hour <= 7):
        hour += 12
    clock = at(day, hour, int(match.group("minute") or 0), now)
    edge = (match.group("edge") or "").lower()
    if edge == "after":
        end = at(day, _PERIODS[period][1], 0, now) if period else clock + timedelta(hours=AFTER_HOURS)
        return clock, max(end, clock + timedelta(hours=1))
    if edge in ("before", "by"):
        start = at(day, _PERIODS[period][0] if period else DAY_START, 0, now)
        start = max(start, now) if start < now < clock else start
        return (start, clock) if start < clock else (clock - timedelta(hours=1), clock)
    if edge in ("around", "about"):
        return clock - _AROUND, clock + _AROUND
    return clock, clock + timedelta(hours=1)
