"""Festivals and public holidays (元旦, 春节, 国庆假期, 中秋节前, 大年三十晚上) resolved to dates.

Gregorian festivals fall on their month and day; lunar ones (春节, 端午, 中秋, 除夕) and the solar terms (清明, 冬至)
move every year and are read from the lunar calendar of lunar-python, loaded only when a message names one. A
festival named alone is its next day (today included), or its last one when read back (a complaint, 去年); the
words after it make a range: 前 until it begins, 后 the week after it, 前后 three days either side, and 期间, 假期,
放假 or 长假 the public holiday as the State Council set it that year (lunar-python's table), or its usual days
where the year's arrangement is not yet in the table.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Final, NamedTuple

import cn2an

from nlu.request import TimeRange
from nlu.time_words import PERIODS, YEARS, Reading, at


class Festival(NamedTuple):
    """When a festival falls: `calendar` is "solar" (month, day), "lunar" (lunar month, day; day 30 is the month's
    last day, for 除夕) or "term" (the solar term keyed `term` in lunar-python's table of the lunar year around June:
    清明, and DONG_ZHI for the 冬至 of December); `holiday` names the public holiday it belongs to in lunar-python's
    table (empty: none), and `days` how long that holiday usually runs, from `first` days after the festival (春节's
    starts on 除夕)."""

    calendar: str
    month: int = 0
    day: int = 0
    term: str = ""
    holiday: tuple[str, ...] = ()
    days: int = 1
    first: int = 0


_NEW_YEAR: Final = Festival("solar", 1, 1, holiday=("元旦节",), days=3)
_SPRING: Final = Festival("lunar", 1, 1, holiday=("春节",), days=8, first=-1)
_EVE: Final = Festival("lunar", 12, 30, holiday=("春节",), days=8)
_QINGMING: Final = Festival("term", term="清明", holiday=("清明节",), days=3)
_LABOUR: Final = Festival("solar", 5, 1, holiday=("劳动节",), days=5)
_DRAGON_BOAT: Final = Festival("lunar", 5, 5, holiday=("端午节",), days=3)
_MID_AUTUMN: Final = Festival("lunar", 8, 15, holiday=("中秋节", "国庆中秋"), days=3)
_NATIONAL: Final = Festival("solar", 10, 1, holiday=("国庆节", "国庆中秋"), days=7)

FESTIVALS: Final[dict[str, Festival]] = {
    "元旦节": _NEW_YEAR, "元旦": _NEW_YEAR,
    "春节": _SPRING, "过年": _EVE, "大年初一": _SPRING, "正月初一": _SPRING,
    "除夕夜": _EVE, "除夕": _EVE, "大年三十": _EVE, "年三十": _EVE, "大年夜": _EVE,
    "元宵节": Festival("lunar", 1, 15), "元宵": Festival("lunar", 1, 15), "正月十五": Festival("lunar", 1, 15),
    "清明节": _QINGMING, "清明": _QINGMING,
    "劳动节": _LABOUR, "五一": _LABOUR,
    "端午节": _DRAGON_BOAT, "端午": _DRAGON_BOAT,
    "七夕": Festival("lunar", 7, 7),
    "中秋节": _MID_AUTUMN, "中秋": _MID_AUTUMN,
    "国庆节": _NATIONAL, "国庆": _NATIONAL, "十一": _NATIONAL,
    "重阳节": Festival("lunar", 9, 9), "重阳": Festival("lunar", 9, 9),
    "冬至": Festival("term", term="DONG_ZHI"),
    "腊八节": Festival("lunar", 12, 8), "腊八": Festival("lunar", 12, 8),
    "小年": Festival("lunar", 12, 23),
    "平安夜": Festival("solar", 12, 24), "圣诞节": Festival("solar", 12, 25), "圣诞": Festival("solar", 12, 25),
    "儿童节": Festival("solar", 6, 1), "六一": Festival("solar", 6, 1),
    "妇女节": Festival("solar", 3, 8), "三八节": Festival("solar", 3, 8),
    "教师节": Festival("solar", 9, 10), "情人节": Festival("solar", 2, 14),
}  # fmt: skip
_NUMBER_NAMED: Final[frozenset[str]] = frozenset({"五一", "十一", "六一"})
"""Festivals named by their date, which also name roads, squares and floors (五一路, 十一楼): a festival only before
a word of a holiday or of time (五一假期, 十一前, 五一那天)."""
_AROUND_DAYS: Final[int] = 3
"""前后 and 左右: this many days either side."""
_AFTER_DAYS: Final[int] = 7
"""后, 之后, 过后, 结束后: the week after the festival (or its holiday) ends."""

_NAMES: Final[str] = "|".join(sorted(FESTIVALS, key=len, reverse=True))
_AFTER_NUMBER_NAMED: Final = re.compile(
    r"节|假|期间|放假|长假|小长假|黄金周|前|后|之|以|那|当天|左右|过完|回来|国庆|劳动"
)
_GREETING: Final = re.compile(r"好|快乐|安康")
"""过年好, 中秋节快乐, 端午安康: a greeting, no time."""
_PLACE: Final = re.compile(r"路|街|大道|广场|桥|村|小区|花园|苑|公园|商场|中学|小学|楼|号|轻")
"""Right after a name without 节: 五一路, 国庆路 (a place), 小年轻 (youngsters): no time."""
_THING: Final = re.compile(r"粥|树|老人|对联|春联|月饼|粽子|礼包|礼品|礼物|福利|红包")
"""Right after a name (or its 节): 腊八粥, 中秋月饼, 春节对联, 圣诞树, a thing named after the festival: no time."""
_EVENING_NAMES: Final[frozenset[str]] = frozenset({"除夕夜", "大年夜"})
HOLIDAY_TRIGGER: Final = re.compile(_NAMES + r"|大年初|正月初|年[前后]")  # each branch a literal: a fast scan
"""Every festival this module reads holds one of these (a name, a day of the new year, 年前 or 年后): `find_times`
skips a text with none. Built from the names, so a name added is never missed by the gate."""
_HOLIDAY: Final = re.compile(
    r"(?P<soon>快要?|就要|马上就?要?|即将)?(?P<year>去年|今年|明年)?\s*"
    r"(?:(?P<nth>(?:大年|正月)初[一二三四五六七八九十])|(?P<name>" + _NAMES + r")"
    r"|(?<![\d一二两三四五六七八九十几多去今明前后来新当过])(?P<year_alone>年)(?=前|后))节?"
    r"(?:\s*(?P<span>放假期间|期间|假期|放假|小长假|长假|黄金周|[这那]几天))?"
    r"(?:\s*(?:那天|当天|那日))?"
    r"(?:\s*(?P<day_before>前一天|前1天)|\s*(?P<day_after>后一天|后1天)"
    r"|\s*(?P<around>前后|左右)"
    r"|\s*(?P<before>之前|以前|前(?![台面门]))"
    r"|\s*(?P<after>之后|以后|过后|后(?![面门台])|结束后?)"
    r"|\s*(?P<period>" + "|".join(PERIODS) + r"))?"
    r"(?P<coming>快?要?到了|快到|要到了)?"
)
"""A festival, the year it is in, the holiday around it, the day itself, and before, after, around or a period of
it; 快过年了, 圣诞节快到了: the one ahead, whatever else the clause tells."""
_CALENDAR_MEMO: Final[int] = 4096
"""Calendar answers remembered (festival days by year, holidays, lunar years of dates): lunar-python takes about a
millisecond for each, and a festival, a year and today recur in every message that names one."""


def holiday_times(text: str, now: datetime, looking_back: bool) -> list[tuple[int, int, TimeRange]]:
    """(start, end, range) of every festival or public holiday named in a normalised text."""
    found = []
    for match in _HOLIDAY.finditer(text):
        name_end = match.end(next(g for g in ("name", "nth", "year_alone") if match.group(g)))
        if match.group("name") in _NUMBER_NAMED and not _AFTER_NUMBER_NAMED.match(text, name_end):
            continue
        after = name_end + text.startswith("节", name_end)
        if (
            _GREETING.match(text, after)
            or _THING.match(text, after)
            or (not text.startswith("节", name_end - 1) and _PLACE.match(text, name_end))
        ):
            continue
        # the clause read without the festival's own words (国庆那天 tells of no past)
        reading = Reading(_blanked(text, match.start(), match.end()), match.start(), match.end(), looking_back)
        resolved = _resolve(match, now, reading)
        if resolved is None:
            continue
        start, end = resolved
        asked = end > now and reading.asks()
        found.append((match.start(), match.end(), TimeRange(start, end, match.group().strip(), asked)))
    return found


def _blanked(text: str, start: int, end: int) -> str:
    """The text with [start, end) replaced by characters that are no word (nor a clause break)."""
    return text[:start] + "\0" * (end - start) + text[end:]


def _resolve(match: re.Match[str], now: datetime, reading: Reading) -> tuple[datetime, datetime] | None:
    """The range a festival match means."""
    festival, offset = _festival_of(match)
    today = now.date()
    span = match.group("span") is not None
    if match.group("year"):
        year = _festival_year(festival, today) + YEARS[match.group("year")]
        day: date | None = _day_in(festival, year) + timedelta(days=offset)
    else:
        ahead = bool(match.group("soon") or match.group("coming")) or reading.asks()
        day = _nearest(festival, offset, today, ahead=ahead, back=not ahead and reading.back())
    if day is None:
        return None
    first, last = _holiday(festival, day - timedelta(days=offset))
    if match.group("day_before") or match.group("day_after"):  # 国庆前一天
        day += timedelta(days=-1 if match.group("day_before") else 1)
        return at(day, 0, 0, now), at(day, 24, 0, now)
    if match.group("before"):  # until its holiday begins
        limit = at(first, 0, 0, now)
        return (now, limit) if limit > now else None
    if match.group("after"):  # the week after its holiday ends
        return at(last, 24, 0, now), at(last + timedelta(days=_AFTER_DAYS), 24, 0, now)
    if match.group("around"):
        return at(day - timedelta(days=_AROUND_DAYS), 0, 0, now), at(day + timedelta(days=_AROUND_DAYS), 24, 0, now)
    period = match.group("period")
    if span:
        start, end = at(first, 0, 0, now), at(last, 24, 0, now)
    elif period:
        start, end = at(day, PERIODS[period][0], 0, now), at(day, PERIODS[period][1], 0, now)
    elif match.group("name") in _EVENING_NAMES:
        start, end = at(day, 18, 0, now), at(day, 24, 0, now)
    else:
        start, end = at(day, 0, 0, now), at(day, 24, 0, now)
    if start < now < end and not reading.back():
        start = now  # 国庆期间能来吗, asked on 10-03: the part still ahead
    return start, end


def _festival_of(match: re.Match[str]) -> tuple[Festival, int]:
    """The festival matched and the days after it meant (大年初三: 春节 and 2)."""
    nth = match.group("nth")
    if nth:
        return _SPRING, int(cn2an.cn2an(nth[-1], "normal")) - 1
    if match.group("year_alone"):  # 年前, 年后: the lunar new year's
        return _EVE, 0
    return FESTIVALS[match.group("name")], 0


@lru_cache(maxsize=_CALENDAR_MEMO)
def _festival_year(festival: Festival, today: date) -> int:
    """The year 今年 means for a festival: the Gregorian year, or for a lunar festival the lunar year."""
    if festival.calendar != "lunar":
        return today.year
    return _lunar().Solar.fromYmd(today.year, today.month, today.day).getLunar().getYear()


def _nearest(festival: Festival, offset: int, today: date, *, ahead: bool, back: bool) -> date | None:
    """The festival's next day (today included, or any day of its holiday while it runs: 国庆 said on 10-03 is this
    year's) when asked for, its last when read back, and otherwise the nearer of the two (元宵节晚上有人放烟花, told
    the morning after, is last night's)."""
    year = _festival_year(festival, today)
    candidates = [_day_in(festival, y) + timedelta(days=offset) for y in (year - 1, year, year + 1)]
    last = max((d for d in candidates if d <= today), default=None)
    upcoming = next((d for d in candidates if max(d, _holiday(festival, d - timedelta(days=offset))[1]) >= today), None)
    if back or upcoming is None:
        return last
    if ahead or last is None:
        return upcoming
    return last if (today - last) < (upcoming - today) else upcoming


@lru_cache(maxsize=_CALENDAR_MEMO)
def _day_in(festival: Festival, year: int) -> date:
    """The festival's day in a year (the lunar year, for a lunar festival)."""
    if festival.calendar == "solar":
        return date(year, festival.month, festival.day)
    lunar = _lunar()
    if festival.calendar == "term":  # the terms of the lunar year around June of `year`
        solar = lunar.Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()[festival.term]
    elif festival.day == 30:  # the last day of the month: 除夕 is the day before the next new year
        solar = lunar.Lunar.fromYmd(year + 1, festival.month % 12 + 1, 1).next(-1).getSolar()
    else:
        solar = lunar.Lunar.fromYmd(year, festival.month, festival.day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _holiday(festival: Festival, day: date) -> tuple[date, date]:
    """The first and last day of the public holiday the festival on `day` belongs to: the year's arrangement in
    lunar-python's table, or its usual days (`Festival.days`)."""
    if not festival.holiday:
        return day, day
    official = _official_days(festival.holiday, day)
    if official:
        return official[0], official[-1]
    first = day + timedelta(days=festival.first)
    return first, first + timedelta(days=festival.days - 1)


@lru_cache(maxsize=_CALENDAR_MEMO)
def _official_days(names: tuple[str, ...], day: date) -> tuple[date, ...]:
    """The days off of a holiday named `names` within ten days of `day`, from the State Council's arrangement."""
    util = _lunar().HolidayUtil
    days = []
    for year in {day.year - 1, day.year, day.year + 1}:
        for holiday in util.getHolidays(year):
            when = date.fromisoformat(holiday.getDay())
            if holiday.getName() in names and not holiday.isWork() and abs((when - day).days) <= 10:
                days.append(when)
    return tuple(sorted(days))


class _LunarCalendar(NamedTuple):
    Lunar: type
    Solar: type
    HolidayUtil: type


@cache
def _lunar() -> _LunarCalendar:
    """lunar-python, imported on first use (about 10 ms; most messages name no festival)."""
    from lunar_python import Lunar, Solar
    from lunar_python.util import HolidayUtil

    return _LunarCalendar(Lunar, Solar, HolidayUtil)
