"""The words of time shared by the Chinese and English readers: periods of the day, relative days, week days, and
the direction a message reads its times in (a visit asked for lies ahead, an event told of lies behind)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Final

WEEKDAYS: Final[dict[str, int]] = {
    "1": 0, "一": 0, "2": 1, "二": 1, "3": 2, "三": 2, "4": 3, "四": 3, "5": 4, "五": 4,
    "6": 5, "六": 5, "日": 6, "天": 6, "7": 6,
}  # fmt: skip
RELATIVE_DAYS: Final[dict[str, int]] = {
    "大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "昨晚": -1, "今天": 0, "今日": 0, "今晚": 0, "今早": 0,
    "今儿个": 0, "今儿": 0, "明天": 1, "明日": 1, "明早": 1, "明晚": 1, "明儿个": 1, "明儿": 1, "后天": 2,
    "后儿个": 2, "大后天": 3,
}  # fmt: skip
YEARS: Final[dict[str, int]] = {"去年": -1, "今年": 0, "明年": 1}
"""Years named relative to this one (去年年底, 明年春节)."""
PERIODS: Final[dict[str, tuple[int, int]]] = {
    "凌晨": (0, 6), "清晨": (5, 8), "早上": (7, 10), "早晨": (7, 10), "上午": (8, 12), "中午": (11, 14),
    "下午": (13, 18), "傍晚": (17, 19), "晚上": (18, 23), "夜里": (21, 24), "半夜": (0, 5), "白天": (8, 18),
    "一大早": (6, 9), "一早": (6, 9), "下班以后": (18, 22), "下班后": (18, 22), "下班前": (8, 18), "下班之前": (8, 18),
}  # fmt: skip
PM_PERIODS: Final[frozenset[str]] = frozenset({"下午", "傍晚", "晚上", "夜里"})
NIGHT_PERIODS: Final[frozenset[str]] = frozenset({"晚上", "夜里"})
"""Periods whose small hours belong to the night after the day (明天晚上1点 is 01:00 the day after tomorrow)."""
DAY_START: Final[int] = 8
"""The hour from which "before a time" (10点前) runs on a day with no period named: the start of service hours."""
AFTER_HOURS: Final[int] = 3
"""How long "after a time" (4点以后) runs with no period named to end it."""

# What tells the direction of a time in its clause. A request for a visit (能…吗, 安排, 来修) reads ahead; an event
# told as done or going on (还在, 报修的, 就开始…了) reads back, as does any time in a complaint without a request.
_FUTURE = re.compile(
    r"能|可以|安排|预约|约|方便|有空|派|请|麻烦|吗|过来|上门|来[修看换装收拿检处弄查](?![了过])|来一趟|来吧|来人|(?<!了)一下|希望|"
    r"就行|都行|行吗|好吗|"
    r"\b(?:can|could|please|come|will)\b"
)
_PAST = re.compile(
    r"还在|一直|就开始|开始了|已经|刚才|刚刚|报修的|报修过|报的|发生|的时候|那时|那天|那次|过了|没人|还没|到现在|至今|"
    r"了(?=$|[,，。!！?？\s])|\b(?:was|were|did|happened|last)\b"
)
CLAUSE_BREAK = re.compile(r"[,，。!！?？;；\n]|(?<=[\u4e00-\u9fff])\s|\s(?=[\u4e00-\u9fff])")
"""Clauses end at punctuation, and at a space beside Chinese: voice input separates its clauses with spaces (English
words are separated by them too, within a clause)."""


class Reading:
    """How the clause around one time (text[start:end]) reads: whether it asks for something (能来吗, 安排, 请), and
    whether the time reads back from now: its clause tells of something done or going on, or the whole message does
    (`looking_back`: a complaint), and the clause asks for nothing to be done. The clause is found once, when first
    needed (most times never ask)."""

    def __init__(self, text: str, start: int, end: int, looking_back: bool = False) -> None:
        self._text, self._start, self._end, self._looking_back = text, start, end, looking_back

    @cached_property
    def _clause(self) -> str:
        """From the break before the time to the break after it."""
        text = self._text
        left = max((m.end() for m in CLAUSE_BREAK.finditer(text, 0, self._start)), default=0)
        right_break = CLAUSE_BREAK.search(text, self._end)
        return text[left : right_break.start() if right_break else len(text)]

    @cached_property
    def _asks(self) -> bool:
        return _FUTURE.search(self._clause) is not None

    def asks(self) -> bool:
        """Whether the clause asks for something: the time is asked for."""
        return self._asks

    @cached_property
    def _back(self) -> bool:
        return not self._asks and (self._looking_back or _PAST.search(self._clause) is not None)

    def back(self) -> bool:
        """Whether the time reads back from now."""
        return self._back


def at(day: date, hour: int, minute: int, now: datetime) -> datetime:
    """`day` at hour:minute in `now`'s time zone; an hour past 24 runs into the next day."""
    return datetime.combine(day, time(0, 0), tzinfo=now.tzinfo) + timedelta(hours=hour, minutes=minute)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekday_near(today: date, weekday: int, back: bool) -> date:
    """The week day named without a week: the next one (today included), or the last one when read back."""
    if back:
        return today - timedelta(days=(today.weekday() - weekday) % 7)
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def month_start(year: int, month: int) -> date:
    """The first of a month counted from any month number (13 is next January, 0 last December)."""
    years, month_index = divmod(year * 12 + month - 1, 12)
    return date(years, month_index + 1, 1)
