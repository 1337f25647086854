"""Time expressions (明天下午, 周六上午, 今晚, 两点到四点) resolved to a [start, end) range relative to `now`.

This module reads days and clock times; `time_spans` reads times counted from now (半小时内, 刚才) and whole weeks
and months (下周, 月底前); `time_holidays` reads festivals and public holidays (国庆假期, 春节前); `time_english`
reads English (tomorrow 3pm). A request for a visit reads ahead of now, an
event told of reads back (see `time_words.Reading`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Final

from nlu.request import TimeRange
from nlu.time_english import english_times, may_hold_english_time
from nlu.time_holidays import HOLIDAY_TRIGGER, holiday_times
from nlu.time_spans import SPAN_TRIGGER, span_times
from nlu.time_words import (
    AFTER_HOURS,
    DAY_START,
    NIGHT_PERIODS,
    PERIODS,
    PM_PERIODS,
    RELATIVE_DAYS,
    WEEKDAYS,
    Reading,
    at,
    monday_of,
    month_start,
    weekday_near,
)

_MONTH_OFFSETS: Final[dict[str, int]] = {"上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}
_DAY_IMPLIED_PERIOD: Final[dict[str, str]] = {
    "今晚": "晚上",
    "昨晚": "晚上",
    "明晚": "晚上",
    "今早": "早上",
    "明早": "早上",
}
_APPROXIMATE_HOURS: Final[dict[str, int]] = {
    "一两": 1, "两三": 2, "三四": 3, "四五": 4, "五六": 5, "六七": 6, "七八": 7, "八九": 8, "九十": 9, "十一二": 11,
}  # fmt: skip
"""七八点: seven or eight o'clock, a range over both hours (the numerals stay words after normalisation)."""
_NUMBERED_THING = (
    r"楼|单元|栋|房|车位|车库|线|门|窗|柜|机|桩|箱|床|位|梯|电梯|岗|通道|馆|厅|院|仓|出口|入口|路口|口(?![头罩])"
)
"""After N号 these make it a numbered thing (12号车位, 3号线, 5号门, 3号梯 the lift, 2号岗 the guard post, 3号口
the exit), not a day of the month."""

_DAY = (
    r"(?P<rel>" + "|".join(sorted(RELATIVE_DAYS, key=len, reverse=True)) + ")"
    r"|(?P<wkpre>上上|上个?|下下|下个?|这个?|本)?(?:周|星期|礼拜)(?P<wd>[1-7一二三四五六日天])(?<![6六](?=日))"
    r"|(?P<weekend>(?P<wepre>上上|上个?|下下|下个?|这个?|本)?(?:周末|(?:周|星期|礼拜)[6六]日))"
    r"|(?:(?P<mrel>上|这|本|下下|下)个?月|(?P<mon>\d{1,2})月)?(?P<dom>\d{1,2})(?:日|号)(?!" + _NUMBERED_THING + ")"
    # 12月3上午: a month and day without 日 or 号, read only before a period or a clock (as 12.3下午 below)
    r"|(?P<mon3>1[0-2]|0?[1-9])月(?P<dom3>3[01]|[12]\d|0?[1-9])(?=\s*(?:" + "|".join(PERIODS) + r"|\d{1,2}(?:点|:)))"
    # 12.3下午, 12-03上午10点: a month and day written with a dot or dash, read only before a period or a clock
    r"|(?P<mon2>1[0-2]|0?[1-9])[.\-/](?P<dom2>3[01]|[12]\d|0?[1-9])(?=\s*(?:"
    + "|".join(PERIODS)
    + r"|\d{1,2}(?:点|:)))"
)
_PERIOD = r"(?P<period>" + "|".join(PERIODS) + ")"
_CLOCK = (
    r"(?:(?P<ap>" + "|".join(_APPROXIMATE_HOURS) + r")点"
    r"|(?P<h1>\d{1,2})(?:(?:点|:|：|时)(?P<m1>半|[13一三]刻|\d{1,2}分?)?(?:钟)?"
    r"|(?=\s*(?:到|至|-|~|—)\s*\d{1,2}\s*点))"  # 3-5点: the first hour of a range, written without its 点
    r"|(?P<two>两)(?=\s*(?:到|至)\s*\d{1,2}\s*点))"  # 两到4点 (两 stays a word before 到)
)
_CLOCK_END = (
    r"(?:到|至|-|~|—)(?:(?P<period2>" + "|".join(PERIODS) + r"))?(?P<h2>\d{1,2})(?:点|:|：|时)?(?P<m2>半|\d{1,2}分?)?"
)
_EDGE = (
    r"(?:(?P<approx>左右|前后(?![门窗院])|来钟)"
    r"|(?P<edge>之前|以前|前(?![台面门])|不到(?![位人场岗家])|之后|以后|后(?![面门台])))?"
)
"""Before or after the clock time: 7点前 (or 7点不到) is the period (or the day) up to 7, 8点以后 from 8 to the
period's end; 3点左右 (3点前后, 3点来钟) half an hour either side."""
_EXPR = re.compile(
    r"(?!\s)(?:" + _DAY + r")?\s*(?:" + _PERIOD + r")?\s*(?:" + _CLOCK + r"(?:" + _CLOCK_END + r"|" + _EDGE + r"))?"
)


def _minutes(token: str | None) -> int:
    if not token:
        return 0
    if token == "半":
        return 30
    if token in ("一刻", "1刻"):
        return 15
    if token in ("三刻", "3刻"):
        return 45
    return min(59, int(token.rstrip("分")))


def _hour(hour: int, period: str | None, night_after: bool) -> int:
    """The hour of the day (past 24: the next day's small hours) a clock hour means in its period."""
    if night_after and (hour <= 4 or hour == 12):
        return 24 + hour % 12  # 晚上12点 is midnight, 夜里2点 the small hours after the evening
    if period in PM_PERIODS and hour < 12:
        return hour + 12
    if period == "中午" and hour <= 2:
        return hour + 12
    if period is None and 1 <= hour <= 7:
        return hour + 12  # 两点到四点 with no period: the afternoon, in service hours
    return hour


def _day(match: re.Match[str], now: datetime, back: Callable[[], bool]) -> date | None:
    today = now.date()
    if match.group("rel"):
        return today + timedelta(days=RELATIVE_DAYS[match.group("rel")])
    weekend = match.group("weekend")
    if match.group("wd") or weekend:
        weekday = 5 if weekend else WEEKDAYS[match.group("wd")]  # a weekend starts on Saturday
        prefix = (match.group("wepre") if weekend else match.group("wkpre")) or ""
        monday = monday_of(today)
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
        return weekday_near(today, weekday, back())
    if match.group("dom"):
        if match.group("mrel"):  # 下个月5号, 这个月28号: counted from this month
            first = month_start(today.year, today.month + _MONTH_OFFSETS[match.group("mrel")])
            return _date(first.year, first.month, int(match.group("dom")))
        return _day_of_month(today, match.group("mon"), match.group("dom"), back())
    if match.group("dom2"):
        return _day_of_month(today, match.group("mon2"), match.group("dom2"), back())
    if match.group("dom3"):
        return _day_of_month(today, match.group("mon3"), match.group("dom3"), back())
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_of_month(today: date, month: str | None, day_of_month: str, back: bool) -> date | None:
    """A day of a month (11月30号, or 30号 of this month or the next or last): the next such day, the last one when
    read back; a named month more than 60 days past is next year's (a visit in January asked for in December)."""
    dom = int(day_of_month)
    if month:
        candidate = _date(today.year, int(month), dom)
        if candidate is None:
            return None
        if back and candidate > today:
            return _date(today.year - 1, int(month), dom)
        if not back and candidate < today - timedelta(days=60):
            return _date(today.year + 1, int(month), dom)
        return candidate
    step = -1 if back else 1
    for months in (0, step, 2 * step):  # 31号 skips a month without a 31st
        first = month_start(today.year, today.month + months)
        candidate = _date(first.year, first.month, dom)
        if candidate is not None and (candidate <= today if back else candidate >= today):
            return candidate
    return None


def _resolve(match: re.Match[str], now: datetime, back: Callable[[], bool]) -> TimeRange | None:
    """The range a match means; `back()` tells whether it reads back from now (asked only where it matters)."""
    day = _day(match, now, back)
    period = _period_of(match)
    explicit_day = day is not None
    day = day or now.date()
    night_after = period in NIGHT_PERIODS or (period == "半夜" and explicit_day)
    if match.group("ap"):
        first_hour = _hour(_APPROXIMATE_HOURS[match.group("ap")], period, night_after)
        start, end = at(day, first_hour, 0, now), at(day, first_hour + 2, 0, now)
    elif match.group("h1") or match.group("two"):
        hour = int(match.group("h1") or 2)
        if hour > 24:
            return None
        start = at(day, _hour(hour, period, night_after), _minutes(match.group("m1")), now)
        if match.group("h2"):
            end_hour = _hour(int(match.group("h2")), match.group("period2") or period, night_after)
            if end_hour > 28:
                return None
            if end_hour < start.hour and end_hour + 12 <= 24:
                end_hour += 12
            end = at(day, end_hour, _minutes(match.group("m2")), now)
            if end <= start:
                end = start + timedelta(hours=1)
        elif match.group("edge"):
            start, end = _edge_range(match.group("edge"), start, day, period, now)
        elif match.group("approx"):
            start, end = start - timedelta(minutes=30), start + timedelta(minutes=30)
        else:
            end = start + timedelta(hours=1)
    elif period:
        first, last = PERIODS[period]
        if night_after and period == "半夜":
            first, last = first + 24, last + 24  # 昨天半夜: the night after yesterday
        start, end = at(day, first, 0, now), at(day, last, 0, now)
    elif explicit_day:
        days = 2 if match.group("weekend") else 1  # a weekend is Saturday and Sunday
        start, end = at(day, 0, 0, now), at(day, 24 * days, 0, now)
    else:
        return None
    if not explicit_day:
        if start > now and back():
            start, end = start - timedelta(days=1), end - timedelta(days=1)
        elif end <= now and not back():
            start, end = start + timedelta(days=1), end + timedelta(days=1)
    if not period and not explicit_day and match.group("h1") and not match.group("h2") and back():
        # Told of as past, a clock without a period is the last time it struck if that was a few hours ago:
        # 都10点多了还在砸墙 at 22:15 is 22:00, 都12点了还在装修 at 00:10 midnight, 五点多就开始拖椅子 at 07:05 this
        # morning's five; longer ago (师傅说4点到 at 15:00) the afternoon's, as a visit is (see `_hour`).
        latest = _latest_at_or_before(start, now)
        if now - latest <= _RECENT:
            start, end = latest, end + (latest - start)
        elif start.hour < 12 and start + timedelta(hours=12) <= now:
            start, end = start + timedelta(hours=12), end + timedelta(hours=12)
    if start < now < end and not back():
        start = now  # 今天下午能来吗 at 15:00: the part of the range still ahead
    return TimeRange(start, end, match.group().strip())


_RECENT: Final[timedelta] = timedelta(hours=6)
"""How long ago the last stroke of a clock told of as past may be for it to be that one (see `_resolve`)."""


def _latest_at_or_before(clock: datetime, now: datetime) -> datetime:
    """The latest time at or before `now` that shows the same hand positions as `clock` (12 hours apart, any day)."""
    step = timedelta(hours=12)
    latest = clock
    while latest > now:
        latest -= step
    while latest + step <= now:
        latest += step
    return latest


def _period_of(match: re.Match[str]) -> str | None:
    """The period of the day a match names, or implies with its day (昨晚: 晚上)."""
    return match.group("period") or _DAY_IMPLIED_PERIOD.get(match.group("rel") or "")


def _edge_range(edge: str, clock: datetime, day: date, period: str | None, now: datetime) -> tuple[datetime, datetime]:
    """The range before (7点前) or after (8点以后) a clock time on `day`: bounded by the period named, else by the
    start of service hours before it and a few hours after it; a range before a time that has begun runs from now."""
    if edge.endswith("前") or edge == "不到":
        first = PERIODS[period][0] if period else DAY_START
        start = at(day, first, 0, now)
        if now < clock and (start < now or (period is None and day == now.date())):
            start = now  # 8点前 said at 06:50, 今晚10点前 at 21:10: from now
        return (start, clock) if start < clock else (clock - timedelta(hours=1), clock)
    end = at(day, PERIODS[period][1], 0, now) if period else clock
    return (clock, end) if end > clock else (clock, clock + timedelta(hours=AFTER_HOURS))


_TRIGGER = re.compile(r"[天日晚早周期拜号点:：午晨夜班儿]")
# Every part of _EXPR is optional, so it matches (empty) at every position. A non-empty match starts where one of
# its parts can start (never at a space: _EXPR skips one): a date or a clock (one or two digits, then 月, 日, 号, 点,
# : or 时, or a dot or dash of a date or a range), a relative day, a week day or weekend, a month named relative to
# this one (下个月5号), a period of the day, 两 of a range or an approximate pair of hours (七八点).
_START_WORDS: Final[tuple[str, ...]] = (*RELATIVE_DAYS, *PERIODS, *_APPROXIMATE_HOURS)
_START = re.compile(
    # a class of every first character, checked before the alternatives: most positions of a text start none
    "(?=[\\d两上下这本周星礼" + "".join(sorted({word[0] for word in _START_WORDS})) + "])"
    r"(?:\d{1,2}(?:[月日号点:：时]|\s*(?:到|至|-|~|—)\s*\d{1,2}\s*点|[.\-/]\d)|两\s*(?:到|至)|"
    + "|".join(_START_WORDS)
    + r"|(?:上上|上个?|下下|下个?|这个?|本)?(?:周|星期|礼拜)|(?:上|这|本|下下|下)个?月\d)"
)
_COUNTED_AFTER = re.compile(r"\s*(?:建议|意见|要求|问题|看法|想法|原因|理由|疑问|说明|内容|事项|不满|好处|注意)")
"""两点建议, 三点要求: points of a list, not o'clock."""
_AMOUNT_AFTER = re.compile(r"\s*(?:元|块|角|毛|倍|米|公里|斤|度|%|万|千|亿|折)")
"""十点五元 (10.5 yuan), 1点5万 (15,000), 8点5折 (15 % off): a decimal amount, not a time."""
_TIMES_AFTER = re.compile(r"\s*(?:次(?![卧日])|回|趟|遍)")
"""每周一次, 一周两次, 每周三次: how often, not a week day (每周三 alone is Wednesdays; 周一次卧 a room)."""
_DIGIT_DIAN = re.compile(r"\d点")
_GREETING_AFTER = re.compile(r"好(?:呀|啊|啦|哇|哦)?(?:$|[^\u4e00-\u9fff]|物业|管家|师傅|各位|大家|我|请|想|麻烦|问)")
"""早上好, 下午好 物业: a greeting. Not 早上好几个人摔了 (好几 = quite a few) or 晚上好打车吗 (easy to)."""
_SPAN_JOIN = re.compile(r"\s*(?:(?:开始|起)\s*(?:一直)?\s*(?:到|至)|到|至|-|~|—)\s*")
"""Between two days of one span: 到 (25号到27号, 下周一开始到周五)."""
_LIST_JOIN = re.compile(r"(?:\s*(?:或者|或|和|跟|、)\s*)?")
"""Between two days listed together (周三或周四, 周六周日, 周三和周五): one range where they follow each other. A space
alone is no list: voice input ends its clauses with one (能不能提前到周三 周四要出差)."""


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


def _is_time(match: re.Match[str], text: str) -> bool:
    """Whether a match is a time, not a look-alike: 早上好 (a greeting), 10点钟方向 (a direction), 第8点 or 两点建议
    (points of a list), 10点5元 (an amount), or a bare number with 点 and nothing to make it a clock."""
    after = text[match.end() : match.end() + 4]
    if after.startswith("方向") or _AMOUNT_AFTER.match(after):
        return False
    day_named = _has_day(match)
    if match.group("wd") and match.end() == match.end("wd") and _TIMES_AFTER.match(after):
        return False
    if not _has_clock(match):
        return day_named or not _GREETING_AFTER.match(text, match.end())
    if day_named or match.group("period"):
        return True
    if text[max(0, match.start() - 1) : match.start()] == "第" or _COUNTED_AFTER.match(after):
        return False
    # A bare number with 点 is a time only in a clock form (点半, 10:30, a range) or followed by no word of a count.
    return bool(match.group("h2") or match.group("m1") or match.group("ap") or _DIGIT_DIAN.search(match.group()))


def _has_day(match: re.Match[str]) -> bool:
    return any(match.group(g) for g in ("rel", "wd", "dom", "weekend", "dom2", "dom3"))


def _has_clock(match: re.Match[str]) -> bool:
    """A clock hour (3点), an approximate pair of hours (七八点) or the 两 of a range (两到4点)."""
    return bool(match.group("h1") or match.group("ap") or match.group("two"))


def find_times(text: str, now: datetime | None = None, *, looking_back: bool = False) -> list[TimeRange]:
    """Every time expression in a normalised text (numerals already digits), resolved against `now`, in order.

    `looking_back`: the message tells of something that happened (a complaint): a time it names without a day reads
    back from now unless its clause asks for something. Without `now`, the local time when the first expression is
    resolved (most messages name no time: no clock read).
    """
    chinese = _TRIGGER.search(text) is not None
    spans = SPAN_TRIGGER.search(text) is not None
    english = may_hold_english_time(text)
    holidays = HOLIDAY_TRIGGER.search(text) is not None
    if not (chinese or spans or english or holidays):
        return []
    found: list[tuple[int, int, TimeRange]] = []
    previous: tuple[re.Match[str], TimeRange] | None = None  # a day a second day may join (25号到27号)
    night: tuple[re.Match[str], TimeRange] | None = None  # a period a clock may end (昨晚吵到两点)
    for match in _expressions(text) if chinese else ():
        if not _is_time(match, text):
            continue
        if now is None:
            now = datetime.now().astimezone()
        reading = Reading(text, match.start(), match.end(), looking_back)
        resolved = _resolve(match, now, reading.back)
        if resolved is None:
            continue
        listed = previous is not None and _listed(text, previous[0], match)
        joined = previous if previous is not None and _joins(text, *previous, match, resolved, listed) else None
        if joined is None and listed:  # days listed but apart: two ranges
            found[-1] = (*found[-1][:2], _with_period_of(match, previous[0], found[-1][2], now))
        if joined is not None:
            resolved = _span(text, joined[0], joined[1], match, resolved, now)
        elif night is not None and _until(text, night[0], match):
            joined = night
            resolved = _until_range(text, night[0], night[1], match)
        if joined is not None:
            found.pop()
            match_start = joined[0].start()
            reading = Reading(text, match_start, match.end(), looking_back)  # the clause of the whole span
        else:
            match_start = match.start()
            if _has_day(match) and not _has_clock(match):
                resolved = _deadline(text, match, resolved, now)
        if _period_of(match) and resolved.start < now and _UNTIL_NOW.match(text, match.end()):
            resolved = replace(resolved, end=now)  # 从半夜叫到现在, 从早上等到现在: until now
        if resolved.end <= now and joined is None and match.group("wd") and not match.group("wkpre") and reading.asks():
            # 周二上午能来吗 on Tuesday evening: next Tuesday's morning
            resolved = _moved_to(resolved, resolved.start.date() + timedelta(days=7))
        if resolved.end > now and reading.asks():
            resolved = replace(resolved, asked=True)
        found.append((match_start, match.end(), resolved))
        previous = (match, resolved) if _has_day(match) and not match.group("h1") else None
        night = (match, resolved) if joined is None and _period_of(match) and not match.group("h2") else None
    if (spans or english or holidays) and now is None:
        now = datetime.now().astimezone()
    others = span_times(text, now, looking_back) if spans else []
    if english:
        others += english_times(text, now, looking_back)
    if holidays:
        others += holiday_times(text, now, looking_back)
    for start, end, resolved in others:
        overlapping = [item for item in found if item[0] < end and start < item[1]]
        # a wider reading wins (English "10:30am on Friday" over the bare 10:30 read as Chinese)
        if all(start <= s and e <= end and (s, e) != (start, end) for s, e, _ in overlapping):
            found = [item for item in found if item not in overlapping]
            found.append((start, end, resolved))
    return [resolved for _, _, resolved in sorted(found, key=lambda item: item[0])]


_BEFORE_DAY = re.compile(r"\s*(?:之前|以前|前(?![台面门天几]))")
_AT_LATEST = re.compile(r"(?:最迟|最晚|不晚于)\s*$")


def _deadline(text: str, match: re.Match[str], day: TimeRange, now: datetime) -> TimeRange:
    """A day named as a deadline: 周五之前 (from now until it, or its period, begins), 最迟后天 (until it ends); the day
    itself where that limit has passed (昨天之前都好好的)."""
    if _BEFORE_DAY.match(text, match.end()):
        limit = day.start
    elif _AT_LATEST.search(text, max(0, match.start() - 4), match.start()):
        limit = day.end
    else:
        return day
    return replace(day, start=now, end=limit) if limit > now else day


def _in_month_of(first: TimeRange, second_match: re.Match[str], second: TimeRange) -> TimeRange:
    """The second day of a span that names its day of the month alone (12月1号到7号) is in the first day's month, or
    the next one when that day has passed by then (12月28号到3号)."""
    if not second_match.group("dom") or second_match.group("mon") or second_match.group("mrel"):
        return second
    first_day, dom = first.start.date(), int(second_match.group("dom"))
    for months in (0, 1):
        month = month_start(first_day.year, first_day.month + months)
        day = _date(month.year, month.month, dom)
        if day is not None and day >= first_day:
            return _moved_to(second, day)
    return second


_UNTIL = re.compile(r"[^\W\d_]{0,8}?到")
"""Between a period and the clock that ends it: a few words ending in 到 (吵到, 一直闹到, 开始打麻将打到)."""
_UNTIL_MAX: Final[timedelta] = timedelta(hours=18)
_UNTIL_NOW = re.compile(r"[^\W\d_]{0,8}?到现在")


def _until(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """A period, then in the same clause a verb with 到 and a time of day without a day (昨晚吵到两点, 半夜闹到凌晨):
    the second ends a range that the first begins."""
    return (
        not _has_day(second)
        and not second.group("h2")
        and bool(second.group("h1") or second.group("period"))
        and bool(_UNTIL.fullmatch(text, first.end(), second.start()))
    )


def _until_range(text: str, first_match: re.Match[str], first: TimeRange, second: re.Match[str]) -> TimeRange:
    """From the start of the first to the first time after it that the second names: its clock (两点: 02:00 after an
    evening, 14:00 after a morning), else the end of its period (凌晨: 06:00)."""
    period = second.group("period")
    if second.group("h1"):
        hour, minute = int(second.group("h1")) % 24, _minutes(second.group("m1"))
        hours = [_hour(hour, period, period in NIGHT_PERIODS) % 24] if period else sorted({hour % 12, hour % 12 + 12})
    else:
        hour, minute = PERIODS[period][1] % 24, 0
        hours = [hour]
    day = first.start.date()
    ends = [at(day + timedelta(days=days), h, minute, first.start) for days in (0, 1) for h in hours]
    end = min((e for e in ends if e > first.start), default=first.end)
    if end - first.start > _UNTIL_MAX:
        end = first.end
    return TimeRange(first.start, end, text[first_match.start() : second.end()].strip())


def _in_week_of(first: TimeRange, second_match: re.Match[str], second: TimeRange) -> TimeRange:
    """The second day of a span that names its week day alone (下周三到周五) is that day on or after the first day."""
    if not second_match.group("wd") or second_match.group("wkpre"):
        return second
    first_day = first.start.date()
    return _moved_to(second, first_day + timedelta(days=(WEEKDAYS[second_match.group("wd")] - first_day.weekday()) % 7))


def _moved_to(time: TimeRange, day: date) -> TimeRange:
    """The same hours of the range, starting on `day`."""
    shift = day - time.start.date()
    return replace(time, start=time.start + shift, end=time.end + shift)


def _joins(
    text: str,
    first: re.Match[str],
    first_range: TimeRange,
    second: re.Match[str],
    second_range: TimeRange,
    listed: bool,
) -> bool:
    """Two days joined by 到 (25号到27号), or listed together (`listed`, see `_listed`) and following each other
    (周三或周四下午, 周六周日): one range over both."""
    if not _has_day(second) or second.group("h1"):
        return False
    if _SPAN_JOIN.fullmatch(text, first.end(), second.start()):
        return True
    if not listed:
        return False
    second_range = _in_week_of(first_range, second, _in_month_of(first_range, second, second_range))
    return second_range.start.date() - first_range.start.date() == timedelta(days=1)


def _listed(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """Two days listed together (周二或周四下午, 周六周日): the first a day alone (not 昨晚 今天中午, two times), the
    second a day without a clock, with 或, 和 or nothing between them."""
    return (
        _has_day(second)
        and not second.group("h1")
        and not _period_of(first)
        and bool(_LIST_JOIN.fullmatch(text, _end(first), second.start()))
    )


def _end(match: re.Match[str]) -> int:
    """Where a match's words end (it may take the spaces after a day: 周六 周日 is two clauses of voice input)."""
    return match.start() + len(match.group().rstrip())


def _with_period_of(second: re.Match[str], first_match: re.Match[str], first: TimeRange, now: datetime) -> TimeRange:
    """A day listed before another that names a period (周二或周四下午): the same period of the first day."""
    period = second.group("period")
    if not period or _period_of(first_match) or first_match.group("h1"):
        return first
    day = first.start.date()
    start, end = PERIODS[period]
    return replace(first, start=at(day, start, 0, now), end=at(day, end, 0, now))


def _span(
    text: str,
    first_match: re.Match[str],
    first: TimeRange,
    second_match: re.Match[str],
    second: TimeRange,
    now: datetime,
) -> TimeRange:
    """The range from the first day to the end of the second; a period named with the second only (周一到周三晚上)
    starts the first day too."""
    start = first.start
    second = _in_week_of(first, second_match, _in_month_of(first, second_match, second))
    period = second_match.group("period")
    if period and not first_match.group("period"):
        start = at(first.start.date(), PERIODS[period][0], 0, now)
    end = max(second.end, first.end)
    return TimeRange(start, end, text[first_match.start() : second_match.end()].strip())
