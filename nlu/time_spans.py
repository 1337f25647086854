"""Times counted from now (半小时内, 1个小时后, 刚才, 3天前) and whole weeks and months (下周, 上个月, 月底前)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Final

from nlu.request import TimeRange
from nlu.time_words import YEARS, Reading, at, monday_of, month_start

SPAN_TRIGGER: Final = re.compile(
    r"(?=[小钟分天过现马立会刚前上这本下月年周期拜今明近最])"  # the first characters, checked before the alternatives
    r"(?:小时|钟头|分钟|天\s*[以之内后前]|过\s*\d|现在|马上|立[刻即]|会|刚[才刚]|前几天|[上这本下]个?(?:周|星期|礼拜|月)"
    r"|月[初中底末上下]|年[底末]|(?:周|期|拜|月)\s*[以之内后前]|今年|今明|明后|[这近]\s*(?:2|一两|两三|2三|几|些)\s*天)"
)
"""Every span this module reads holds one of these: `find_times` skips a text with none."""

_FROM_NOW = re.compile(
    r"(?=[\d半过现马立一待等刚前今明这近最])"  # the first characters, checked before the alternatives
    r"(?:(?P<n>\d{1,3}|半)\s*个?\s*(?P<unit>小时|钟头|分钟|天|周|星期|礼拜|月)\s*(?P<dir>以内|之内|内|以后|之后|后|以前|之前|前)"
    r"|过\s*(?P<later_n>\d{1,3}|半)\s*个?\s*(?P<later_unit>小时|钟头|分钟|天)"  # 过1个小时再来, 过两天: later
    # 现在能来吗, 马上派人, 一会儿过来: now asked for (到现在还没修, 放一会儿就清了 are no time to record)
    r"|(?P<soon>现在|马上|立刻|立即|一会儿?|待会儿?|等会儿?)(?=\s*(?:就|再)?\s*(?:能|可以|过来|来|派|安排|上门|处理|到))"
    r"|(?P<just>刚才|刚刚)"
    r"|(?P<days>前几天)"
    # two days named together: 今明两天, 明后天
    r"|(?P<pair>今明|明后)\s*2?\s*天"
    # these days: 这两天, 这一两天, 这几天; recent days: 最近几天, 近两天
    r"|(?:(?P<recent>最?近)|这)\s*(?P<these>2|一两|两三|2三|几|些)\s*天)"
)
_WHOLE = re.compile(
    r"(?=[上这本下月年今\d])"  # the first characters, checked before the alternatives
    r"(?:(?P<wk>上上|上|这|本|下下|下)个?(?:周|星期|礼拜)(?![1-7一二三四五六日天末])(?P<wk_edge>之前|以前|前(?![台面门])|之内|以内|内)?"
    r"|(?P<mo>上|这|本|下)个?月(?P<part>初|上旬|中旬|下旬|中|底|末)?(?P<before>之前|以前|前(?![台面门])|之内|以内|内)?(?!份?\d)"
    r"|(?<!\d)(?P<mon_n>1[0-2]|0?[1-9])月份?(?P<part_n>初|上旬|中旬|下旬|中|底|末)(?P<before_n>之前|以前|前(?![台面门]))?"
    r"|(?<![上这本下个\d])月(?P<bare_part>初|上旬|中旬|下旬|中|底|末)(?P<bare_before>之前|以前|前)?"
    r"|年(?P<year_part>底|末)(?P<year_before>之前|以前|前)?"
    r"|(?:今|本)年(?P<year_in>之内|以内|内))"
)
_WEEKS: Final[dict[str, int]] = {"上上": -2, "上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}
_MONTHS: Final[dict[str, int]] = {"上": -1, "这": 0, "本": 0, "下": 1}
_SOON: Final[timedelta] = timedelta(hours=1)
"""现在, 马上, 一会儿 asked for: within the hour. 刚才: the hour just gone."""
_AGO_WIDTH: Final[timedelta] = timedelta(minutes=15)
"""半小时前, 10分钟前: a quarter of an hour either side of the moment counted back."""
_SHORT_UNITS: Final[frozenset[str]] = frozenset({"小时", "钟头", "分钟"})
_DAYS_IN: Final[dict[str, float]] = {"天": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30}
"""Days in a unit counted from now (半个月: 15 days; whole months are counted by the calendar)."""
_RECENT_DAYS: Final[int] = 5
"""前几天: the last five days."""
_THESE_DAYS: Final[dict[str, int]] = {"2": 2, "一两": 2, "两三": 3, "2三": 3, "几": 3, "些": 3}
"""这两天, 这几天: how many days, today included, ahead (asked for: from now), back (told of: up to now) or both."""


def span_times(text: str, now: datetime, looking_back: bool) -> list[tuple[int, int, TimeRange]]:
    """(start, end, range) of every time counted from now or week or month named in a normalised text."""
    found = []
    for pattern in (_FROM_NOW, _WHOLE):
        for match in pattern.finditer(text):
            reading = Reading(text, match.start(), match.end(), looking_back)
            start, end = (
                _from_now(match, now, reading.asks, reading.back)
                if pattern is _FROM_NOW
                else _whole(match, now, reading.back)
            )
            asked = end > now and reading.asks()
            found.append((match.start(), match.end(), TimeRange(start, end, match.group(), asked)))
    return found


def _from_now(
    match: re.Match[str], now: datetime, asks: Callable[[], bool], back: Callable[[], bool]
) -> tuple[datetime, datetime]:
    today = now.date()
    if match.group("pair"):
        first = today + timedelta(days=0 if match.group("pair") == "今明" else 1)
        return at(first, 0, 0, now), at(first + timedelta(days=2), 0, 0, now)
    if match.group("these"):  # ahead when asked for; the days up to now when told of; else both (我这几天出差)
        days = _THESE_DAYS[match.group("these")]
        ahead, behind = at(today + timedelta(days=days), 0, 0, now), at(today - timedelta(days=days - 1), 0, 0, now)
        if asks():
            return now, ahead
        return (behind, now) if match.group("recent") or back() else (behind, ahead)
    if match.group("soon"):
        return now, now + _SOON
    if match.group("just"):
        return now - _SOON, now
    if match.group("days"):
        return at(today - timedelta(days=_RECENT_DAYS), 0, 0, now), at(today, 0, 0, now)
    count = match.group("n") or match.group("later_n")
    amount = 0.5 if count == "半" else int(count)
    unit, direction = match.group("unit") or match.group("later_unit"), match.group("dir") or "后"
    if unit not in _SHORT_UNITS:  # days, weeks, months: a deadline from now, or the day that far off
        sign = -1 if direction.endswith("前") else 1
        if unit == "月" and count != "半":
            later = _months_from(now, sign * int(count))
        else:
            later = now + sign * timedelta(days=amount * _DAYS_IN.get(unit, 1))
        if direction.endswith("内"):
            # a deadline, even in a complaint (要求一周内答复; 说三天内给答复 到今天一个礼拜了 is a promise made
            # earlier, 一个月内被占了九次 the month gone: both rarer than a demand, and not told apart here)
            return now, later
        day = later.date()
        return at(day, 0, 0, now), at(day, 24, 0, now)
    span = timedelta(minutes=amount) if unit == "分钟" else timedelta(hours=amount)
    if direction.endswith("内"):
        return now, now + span
    if direction.endswith("后"):
        return now + span, now + span + _SOON
    moment = now - span
    return moment - _AGO_WIDTH, moment + _AGO_WIDTH


def _months_from(now: datetime, months: int) -> datetime:
    """The same day and time `months` later (or earlier), the month's last day where it is shorter (1月31日 + 1)."""
    first = month_start(now.year, now.month + months)
    following = month_start(first.year, first.month + 1)
    day = min(now.day, (following - first).days)
    return now.replace(year=first.year, month=first.month, day=day)


def _until(start: datetime, end: datetime, edge: str | None, now: datetime) -> tuple[datetime, datetime]:
    """A week, a month or a part of one with 之前 (from now until it begins) or 之内 (from now until it ends), where
    that is ahead; the whole of it otherwise."""
    if edge:
        limit = end if edge.endswith("内") else start
        if limit > now:
            return now, limit
    return start, end


def _whole(match: re.Match[str], now: datetime, back: Callable[[], bool]) -> tuple[datetime, datetime]:
    today = now.date()
    if match.group("wk"):
        monday = monday_of(today) + timedelta(weeks=_WEEKS[match.group("wk")])
        return _until(at(monday, 0, 0, now), at(monday + timedelta(days=7), 0, 0, now), match.group("wk_edge"), now)
    if match.group("year_in"):
        return now, at(date(today.year + 1, 1, 1), 0, 0, now)
    if match.group("year_part"):
        year = today.year + YEARS.get(match.string[max(0, match.start() - 2) : match.start()], 0)  # 去年年底
        edge = "内" if match.group("year_before") else None  # 年底前: from now until the year ends
        return _until(at(date(year, 12, 1), 0, 0, now), at(date(year + 1, 1, 1), 0, 0, now), edge, now)
    part = match.group("part") or match.group("bare_part") or match.group("part_n")
    before = match.group("before") or match.group("bare_before") or match.group("before_n")
    if match.group("mo"):
        first = month_start(today.year, today.month + _MONTHS[match.group("mo")])
    elif match.group("mon_n"):  # 12月初, 3月中旬: this year's, unless over (read ahead) or to come (read back)
        first = _nearest(month_start(today.year, int(match.group("mon_n"))), part, 12, today, back, roll_ahead=True)
    else:  # 月底, 月初 of no month named: this month's, unless it is over (read ahead) or to come (read back)
        first = _nearest(month_start(today.year, today.month), part, 1, today, back, roll_ahead=not before)
    start, end = _part_of(first, part)
    # 月底前, 这个月内: from now until the part or month ends; 月初前, 下个月之前 until it begins
    edge = "内" if before and part in ("底", "末") else before
    return _until(at(start, 0, 0, now), at(end, 0, 0, now), edge, now)


def _nearest(
    first: date, part: str | None, months: int, today: date, back: Callable[[], bool], *, roll_ahead: bool
) -> date:
    """The month starting `first`, or the one `months` on where its part is over and the time reads ahead (and may
    roll: not 月底前), or `months` back where its part is still to come and the time reads back."""
    start, end = _part_of(first, part)
    if end <= today and roll_ahead and not back():
        return month_start(first.year, first.month + months)
    if start > today and back():
        return month_start(first.year, first.month - months)
    return first


def _part_of(first: date, part: str | None) -> tuple[date, date]:
    """[start, end) days of a month or of its beginning (days 1-5), middle (11-20) or end (the last five days), or of
    one of its thirds (上旬 1-10, 中旬 11-20, 下旬 21 to the end)."""
    following = month_start(first.year, first.month + 1)
    if part == "初":
        return first, first + timedelta(days=5)
    if part == "上旬":
        return first, first + timedelta(days=10)
    if part in ("中", "中旬"):
        return first + timedelta(days=10), first + timedelta(days=20)
    if part == "下旬":
        return first + timedelta(days=20), following
    if part in ("底", "末"):
        return following - timedelta(days=5), following
    return first, following
