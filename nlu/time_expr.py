"""Time expressions (明天下午, 周六上午, 今晚, 两点到四点) resolved to a [start, end) range relative to `now`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Final

from nlu.request import TimeRange

_WEEKDAYS: Final[dict[str, int]] = {
    "1": 0, "一": 0, "2": 1, "二": 1, "3": 2, "三": 2, "4": 3, "四": 3, "5": 4, "五": 4,
    "6": 5, "六": 5, "日": 6, "天": 6, "7": 6,
}  # fmt: skip
_RELATIVE_DAYS: Final[dict[str, int]] = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "昨晚": -1, "今天": 0, "今日": 0, "今晚": 0, "今早": 0,
    "今儿": 0, "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "明儿": 1, "后天": 2, "大后天": 3,
}  # fmt: skip
_PERIODS: Final[dict[str, tuple[int, int]]] = {
    "凌晨": (0, 6), "清晨": (5, 8), "早上": (7, 10), "早晨": (7, 10), "上午": (8, 12), "中午": (11, 14),
    "下午": (13, 18), "傍晚": (17, 19), "晚上": (18, 23), "夜里": (21, 24), "半夜": (0, 5), "白天": (8, 18),
    "一大早": (6, 9), "一早": (6, 9), "下班以后": (18, 22), "下班后": (18, 22),
}  # fmt: skip
_DAY_START: Final[int] = 8
"""The hour from which "before a time" (10点前) runs on a day with no period named: the start of service hours."""
_AFTER_HOURS: Final[int] = 3
"""How long "after a time" (4点以后) runs with no period named to end it."""
_MONTH_OFFSETS: Final[dict[str, int]] = {"上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}
_DAY_IMPLIED_PERIOD: Final[dict[str, str]] = {
    "今晚": "晚上",
    "昨晚": "晚上",
    "明晚": "晚上",
    "今早": "早上",
    "明早": "早上",
}
_PM_PERIODS: Final[frozenset[str]] = frozenset({"下午", "傍晚", "晚上", "夜里"})

_DAY = (
    r"(?P<rel>大前天|前天|昨天|昨日|昨晚|今天|今日|今晚|今早|今儿|明天|明日|明早|明晚|明儿|大后天|后天)"
    r"|(?P<wkpre>上上|上个?|下下|下个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[1-7一二三四五六日天])"
    r"|(?P<weekend>(?P<wepre>上上|上个?|下下|下个?|这个?|本)?周末)"
    r"|(?:(?P<mrel>上|这|本|下下|下)个?月|(?P<mon>\d{1,2})月)?(?P<dom>\d{1,2})(?:日|号)(?!楼|单元|栋|房)"
)
_PERIOD = r"(?P<period>" + "|".join(_PERIODS) + ")"
_CLOCK = r"(?P<h1>\d{1,2})(?:点|:|：|时)(?P<m1>半|一刻|三刻|\d{1,2}分?)?(?:钟)?"
_CLOCK_END = (
    r"(?:到|至|-|~|—)(?:(?P<period2>" + "|".join(_PERIODS) + r"))?(?P<h2>\d{1,2})(?:点|:|：|时)?(?P<m2>半|\d{1,2}分?)?"
)
_EDGE = r"(?P<edge>之前|以前|前(?![台面门])|之后|以后|后(?![面门台]))?"
"""Before or after the clock time: 7点前 is the period (or the day) up to 7, 8点以后 from 8 to the period's end."""
_EXPR = re.compile(
    r"(?:" + _DAY + r")?\s*(?:" + _PERIOD + r")?\s*(?:" + _CLOCK + r"(?:" + _CLOCK_END + r"|" + _EDGE + r"))?"
)


def _minutes(token: str | None) -> int:
    if not token:
        return 0
    if token == "半":
        return 30
    if token == "一刻":
        return 15
    if token == "三刻":
        return 45
    return min(59, int(token.rstrip("分")))


def _hour(hour: int, period: str | None) -> int:
    if period in _PM_PERIODS and hour < 12:
        return hour + 12
    if period == "中午" and hour <= 2:
        return hour + 12
    if period is None and 1 <= hour <= 7:
        return hour + 12  # 两点到四点 with no period: the afternoon, in service hours
    return hour


def _day(match: re.Match[str], now: datetime) -> date | None:
    today = now.date()
    if match.group("rel"):
        return today + timedelta(days=_RELATIVE_DAYS[match.group("rel")])
    weekend = match.group("weekend")
    if match.group("wd") or weekend:
        weekday = 5 if weekend else _WEEKDAYS[match.group("wd")]  # a weekend starts on Saturday
        prefix = (match.group("wepre") if weekend else match.group("wkpre")) or ""
        monday = today - timedelta(days=today.weekday())
        if prefix.startswith("上上"):
            return monday + timedelta(days=-14 + weekday)
        if prefix.startswith("上"):
            return monday + timedelta(days=-7 + weekday)
        if prefix.startswith("下下"):
            return monday + timedelta(days=14 + weekday)
        if prefix.startswith("下"):
            return monday + timedelta(days=7 + weekday)
        if prefix:
            return monday + timedelta(days=weekday)
        ahead = (weekday - today.weekday()) % 7
        return today + timedelta(days=ahead)
    if match.group("dom"):
        day_of_month = int(match.group("dom"))
        month = int(match.group("mon")) if match.group("mon") else today.month
        year = today.year
        if match.group("mrel"):  # 下个月5号, 这个月28号: counted from this month
            months = today.year * 12 + today.month - 1 + _MONTH_OFFSETS[match.group("mrel")]
            year, month = divmod(months, 12)
            month += 1
            try:
                return date(year, month, day_of_month)
            except ValueError:
                return None
        try:
            candidate = date(year, month, day_of_month)
        except ValueError:
            return None
        if candidate < today - timedelta(days=60):
            try:
                candidate = date(year + 1, month, day_of_month) if match.group("mon") else None
            except ValueError:
                candidate = None
            if candidate is None and not match.group("mon"):
                month, year = (1, year + 1) if today.month == 12 else (today.month + 1, year)
                try:
                    candidate = date(year, month, day_of_month)
                except ValueError:
                    return None
        return candidate
    return None


def _at(day: date, hour: int, minute: int, now: datetime) -> datetime:
    base = datetime.combine(day, time(0, 0), tzinfo=now.tzinfo)
    return base + timedelta(hours=hour, minutes=minute)


def _resolve(match: re.Match[str], now: datetime) -> TimeRange | None:
    day = _day(match, now)
    period = match.group("period") or _DAY_IMPLIED_PERIOD.get(match.group("rel") or "")
    explicit_day = day is not None
    day = day or now.date()
    if match.group("h1"):
        hour = int(match.group("h1"))
        if hour > 24:
            return None
        start = _at(day, _hour(hour, period), _minutes(match.group("m1")), now)
        if match.group("h2"):
            end_hour = _hour(int(match.group("h2")), match.group("period2") or period)
            if end_hour > 24:
                return None
            if end_hour < start.hour and end_hour + 12 <= 24:
                end_hour += 12
            end = _at(day, end_hour, _minutes(match.group("m2")), now)
            if end <= start:
                end = start + timedelta(hours=1)
        elif match.group("edge"):
            start, end = _edge_range(match.group("edge"), start, period, explicit_day, now)
        else:
            end = start + timedelta(hours=1)
    elif period:
        first, last = _PERIODS[period]
        start, end = _at(day, first, 0, now), _at(day, last, 0, now)
    elif explicit_day:
        days = 2 if match.group("weekend") else 1  # a weekend is Saturday and Sunday
        start, end = _at(day, 0, 0, now), _at(day, 24 * days, 0, now)
    else:
        return None
    if not explicit_day and end <= now:
        start, end = start + timedelta(days=1), end + timedelta(days=1)
    return TimeRange(start, end, match.group().strip())


def _edge_range(
    edge: str, clock: datetime, period: str | None, explicit_day: bool, now: datetime
) -> tuple[datetime, datetime]:
    """The range before (7点前) or after (8点以后) a clock time: bounded by the period named, else by the start of
    service hours (or now, today) before it and a few hours after it."""
    day = clock.date()
    if edge.endswith("前"):
        first = _PERIODS[period][0] if period else _DAY_START
        start = _at(day, first, 0, now)
        if period is None and not explicit_day and start < now < clock:
            start = now
        return (start, clock) if start < clock else (clock - timedelta(hours=1), clock)
    end = _at(day, _PERIODS[period][1], 0, now) if period else clock + timedelta(hours=_AFTER_HOURS)
    return (clock, end) if end > clock else (clock, clock + timedelta(hours=1))


_TRIGGER = re.compile(r"[天日晚早周期拜号点:：午晨夜班]")
# Every part of _EXPR is optional, so it matches (empty) at every position. A non-empty match starts where one of
# its parts can start: a date or a clock (one or two digits, then 月, 日, 号, 点, : or 时), a space, a relative day,
# a week day or weekend, a month named relative to this one (下个月5号) or a period of the day.
_START = re.compile(
    r"\d{1,2}[月日号点:：时]|\s|"
    + "|".join(_RELATIVE_DAYS)
    + r"|(?:上上|上个?|下下|下个?|这个?|本)?(?:周|星期|礼拜)|(?:上|这|本|下下|下)个?月\d|"
    + "|".join(_PERIODS)
)


def _expressions(text: str) -> Iterator[re.Match[str]]:
    """The non-empty matches of `_EXPR.finditer(text)`, trying `_EXPR` only where a match can start."""
    pos = 0
    while (start := _START.search(text, pos)) is not None:
        match = _EXPR.match(text, start.start())
        if match is not None and match.end() > match.start():
            yield match
            pos = match.end()
        else:
            pos = start.start() + 1


def find_times(text: str, now: datetime | None = None) -> list[TimeRange]:
    """Every time expression in a normalised text (numerals already digits), resolved against `now`.

    Without `now`, the local time when the first expression is resolved (most messages name no time: no clock read).
    """
    found: list[TimeRange] = []
    if not _TRIGGER.search(text):
        return found
    for match in _expressions(text):
        if not match.group().strip():
            continue
        # A bare number with 点 is a time only with a day, a period, or a clock form (点半, 10:30, a range).
        day_named = match.group("rel") or match.group("wd") or match.group("dom") or match.group("weekend")
        if not (day_named or match.group("period")):
            clock = match.group()
            if not (match.group("h2") or match.group("m1") or re.search(r"\d点", clock)):
                continue
        if now is None:
            now = datetime.now().astimezone()
        resolved = _resolve(match, now)
        if resolved is not None:
            found.append(resolved)
    return found
