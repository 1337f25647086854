"""Festivals and public holidays read as dates: Gregorian ones by month and day, lunar ones and solar terms by the
lunar calendar, the next one ahead (or the last one, read back), with before/after/around/holiday-span words."""

from datetime import datetime, timedelta, timezone

import pytest

from nlu.normalize import normalize
from nlu.time_expr import find_times

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=CST)  # a Tuesday morning in late November


def day(y: int, m: int, d: int, hour: int = 0) -> datetime:
    return datetime(y, m, d, hour, tzinfo=CST)


def times(text: str, now: datetime = NOW, looking_back: bool = False) -> list[tuple[datetime, datetime, str]]:
    return [(t.start, t.end, t.text) for t in find_times(normalize(text).text, now, looking_back=looking_back)]


def only(text: str, now: datetime = NOW, looking_back: bool = False) -> tuple[datetime, datetime]:
    found = times(text, now, looking_back)
    assert len(found) == 1, (text, found)
    return found[0][:2]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("元旦那天物业上班吗", day(2027, 1, 1), day(2027, 1, 2)),
        ("圣诞节晚上小区有活动吗", day(2026, 12, 25, 18), day(2026, 12, 25, 23)),
        ("平安夜能不能别放鞭炮", day(2026, 12, 24), day(2026, 12, 25)),
        ("春节物业有人值班吗", day(2027, 2, 6), day(2027, 2, 7)),  # 正月初一 of the lunar year 2027
        ("大年三十晚上停水怎么办", day(2027, 2, 5, 18), day(2027, 2, 5, 23)),  # 除夕: the last day of the 12th month
        ("除夕能来修吗", day(2027, 2, 5), day(2027, 2, 6)),
        ("大年初二能来修吗", day(2027, 2, 7), day(2027, 2, 8)),
        ("元宵节小区挂灯笼吗", day(2027, 2, 20), day(2027, 2, 21)),
        ("端午节有粽子发吗", day(2027, 6, 9), day(2027, 6, 10)),
        ("中秋节物业送月饼吗", day(2027, 9, 15), day(2027, 9, 16)),
        ("清明节那天车库开放吗", day(2027, 4, 5), day(2027, 4, 6)),  # a solar term, not a fixed date
        ("冬至那天供暖能加大点吗", day(2026, 12, 22), day(2026, 12, 23)),
        ("腊八节物业有活动吗", day(2027, 1, 15), day(2027, 1, 16)),
    ],
)  # fmt: skip
def test_a_festival_is_its_next_day(text: str, start: datetime, end: datetime) -> None:
    assert only(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("国庆节前能修好吗", NOW, day(2027, 10, 1)),  # before: from now until it begins
        ("元旦之前能把楼道灯修好吗", NOW, day(2027, 1, 1)),
        ("过年前能不能把外墙修好", NOW, day(2027, 2, 5)),  # 过年 begins on 除夕
        ("国庆假期物业上班吗", day(2027, 10, 1), day(2027, 10, 8)),  # the holiday: its usual days
        ("春节期间能报修吗", day(2027, 2, 5), day(2027, 2, 13)),  # 除夕 to 初七
        ("五一放假期间水电有人管吗", day(2027, 5, 1), day(2027, 5, 6)),
        ("元旦前后能来吗", day(2026, 12, 29), day(2027, 1, 5)),  # around: three days either side
        ("国庆节后再来修吧", day(2027, 10, 8), day(2027, 10, 15)),  # after: the week after its holiday
        ("十一长假能装修吗", day(2027, 10, 1), day(2027, 10, 8)),
        ("明年元旦前能交房吗", NOW, day(2027, 1, 1)),
    ],
)  # fmt: skip
def test_before_after_around_and_the_holiday_itself(text: str, start: datetime, end: datetime) -> None:
    assert only(text) == (start, end)


def test_a_festival_told_of_reads_back_to_the_last_one() -> None:
    assert only("国庆节那天楼上漏水到现在都没人管", looking_back=True) == (day(2026, 10, 1), day(2026, 10, 2))
    assert only("去年中秋节物业就答应修，到现在还没修") == (day(2025, 10, 6), day(2025, 10, 7))


def test_while_the_holiday_runs_it_is_this_one() -> None:
    during = datetime(2026, 10, 3, 9, 0, tzinfo=CST)
    assert only("国庆期间能来修吗", during) == (during, day(2026, 10, 8))


def test_the_festival_days_ahead_are_asked_for_in_a_request() -> None:
    [found] = find_times(normalize("元旦前能派人来修吗").text, NOW)
    assert found.asked


@pytest.mark.parametrize(
    "text",
    ["五一路那个小区是你们管的吗", "十一楼的灯坏了", "我家住在国庆路", "过年好", "初一十五烧香的味道很大", "明年再说"],
)
def test_look_alikes_are_no_festival(text: str) -> None:
    assert times(text) == []


def test_a_festival_greeting_is_no_time() -> None:
    assert times("中秋节快乐，祝物业的师傅们节日快乐") == []


def test_a_festival_coming_soon_is_the_next_one_even_in_a_complaint() -> None:
    assert only("这都快过年了 窗户还没修好", looking_back=True) == (day(2027, 2, 5), day(2027, 2, 6))
    assert times("圣诞节快到了 大堂的圣诞树装饰得很漂亮") == [(day(2026, 12, 25), day(2026, 12, 26), "圣诞节快到了")]


def test_a_period_of_the_festival_day_is_that_day() -> None:
    assert only("元旦那天上午来装窗帘杆") == (day(2027, 1, 1, 8), day(2027, 1, 1, 12))


def test_before_the_holiday_begins() -> None:
    assert only("春节放假前能不能通知一下停水检修") == (NOW, day(2027, 2, 5))


def test_bare_festival_while_its_holiday_runs_is_this_years() -> None:
    during = datetime(2026, 10, 3, 9, 0, tzinfo=CST)
    assert only("国庆 家里漏水 快来人", during) == (day(2026, 10, 1), day(2026, 10, 2))


def test_the_festivals_own_that_day_is_no_past() -> None:
    asked_on = datetime(2027, 4, 1, 10, 0, tzinfo=CST)
    assert only("清明那天小区后门开不开", asked_on) == (day(2027, 4, 5), day(2027, 4, 6))


def test_neither_asked_nor_told_as_past_it_is_the_nearer_one() -> None:
    next_morning = datetime(2026, 3, 4, 9, 0, tzinfo=CST)
    assert only("元宵节晚上有人放烟花把我车篷烧了个洞", next_morning) == (day(2026, 3, 3, 18), day(2026, 3, 3, 23))


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("劳动节前能把门禁卡办好吗", NOW, day(2027, 5, 1)),
        ("国庆前一天报的修", day(2026, 9, 30), day(2026, 10, 1)),
        ("年前能把我家窗户换好吗", NOW, day(2027, 2, 5)),  # 年 alone: the lunar new year
    ],
)  # fmt: skip
def test_more_ways_to_name_them(text: str, start: datetime, end: datetime) -> None:
    assert only(text) == (start, end)


@pytest.mark.parametrize("text", ["门口的春节对联被风刮掉了", "中秋月饼在哪里领", "一年前就报修了", "去年年底交的费"])
def test_a_thing_named_after_a_festival_is_no_time(text: str) -> None:
    assert [t for t in times(text) if t[2] in ("春节", "中秋", "年前")] == []
