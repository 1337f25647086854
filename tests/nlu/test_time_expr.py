from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.normalize import normalize
from nlu.time_expr import _EXPR, _expressions, find_times

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CST)  # a Monday morning


def first(text: str) -> tuple[datetime, datetime]:
    times = find_times(normalize(text).text, NOW)
    assert times, text
    return times[0].start, times[0].end


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("明天下午", datetime(2026, 11, 24, 13, 0), datetime(2026, 11, 24, 18, 0)),
        ("周六上午", datetime(2026, 11, 28, 8, 0), datetime(2026, 11, 28, 12, 0)),
        ("今晚", datetime(2026, 11, 23, 18, 0), datetime(2026, 11, 23, 23, 0)),
        ("两点到四点", datetime(2026, 11, 23, 14, 0), datetime(2026, 11, 23, 16, 0)),
        ("明天下午两点到四点", datetime(2026, 11, 24, 14, 0), datetime(2026, 11, 24, 16, 0)),
        ("下周三上午十点", datetime(2026, 12, 2, 10, 0),
         datetime(2026, 12, 2, 11, 0)),
        ("今天下午三点半", datetime(2026, 11, 23, 15, 30), datetime(2026, 11, 23, 16, 30)),
        ("12月1日", datetime(2026, 12, 1, 0, 0), datetime(2026, 12, 2, 0, 0)),
    ],
)  # fmt: skip
def test_resolved_against_now(text: str, start: datetime, end: datetime) -> None:
    assert first(text) == (start.replace(tzinfo=CST), end.replace(tzinfo=CST))


def test_a_passed_time_without_a_day_is_tomorrow() -> None:
    start, _ = first("早上七点半")
    assert start == datetime(2026, 11, 24, 7, 30, tzinfo=CST)


@pytest.mark.parametrize("text", ["我等了3个小时", "快一点", "1号楼502"])
def test_no_time(text: str) -> None:
    assert find_times(normalize(text).text, NOW) == []


TIME_ALPHABET = list(
    "0123456789 大前昨今明后天日晚早儿下个这本周星期礼拜一二三四五六七"
    "凌清晨上中午傍夜里半白月号点时分钟刻到至-~—:：楼单元栋房漏水"
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TIME_ALPHABET), max_size=40).map("".join))
def test_scan_finds_what_a_full_finditer_finds(text: str) -> None:
    """`_expressions` skips positions where no match can start; it must find exactly what finditer finds."""
    expected = [(m.span(), m.group()) for m in _EXPR.finditer(text) if m.group()]
    assert [(m.span(), m.group()) for m in _expressions(text)] == expected


# NOW is Monday 2026-11-23 10:00.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # a day of a named month: next month's 5th is not this month's, long past
        ("下个月5号", datetime(2026, 12, 5, 0, 0), datetime(2026, 12, 6, 0, 0)),
        ("这个月28号下午", datetime(2026, 11, 28, 13, 0), datetime(2026, 11, 28, 18, 0)),
        ("本月30日", datetime(2026, 11, 30, 0, 0), datetime(2026, 12, 1, 0, 0)),
        # the weekend: Saturday and Sunday
        ("这周末都可以", datetime(2026, 11, 28, 0, 0), datetime(2026, 11, 30, 0, 0)),
        ("周末", datetime(2026, 11, 28, 0, 0), datetime(2026, 11, 30, 0, 0)),
        ("下周末上午", datetime(2026, 12, 5, 8, 0), datetime(2026, 12, 5, 12, 0)),
        # before / after a time of day
        ("晚上7点前", datetime(2026, 11, 23, 18, 0), datetime(2026, 11, 23, 19, 0)),
        ("明天10点之前", datetime(2026, 11, 24, 8, 0), datetime(2026, 11, 24, 10, 0)),
        ("下午3点以前", datetime(2026, 11, 23, 13, 0), datetime(2026, 11, 23, 15, 0)),
        ("今晚八点以后", datetime(2026, 11, 23, 20, 0), datetime(2026, 11, 23, 23, 0)),
        ("明天下午4点后", datetime(2026, 11, 24, 16, 0), datetime(2026, 11, 24, 18, 0)),
        # early in the morning, after work
        ("明天一早", datetime(2026, 11, 24, 6, 0), datetime(2026, 11, 24, 9, 0)),
        ("明天一大早", datetime(2026, 11, 24, 6, 0), datetime(2026, 11, 24, 9, 0)),
        ("今天下班以后", datetime(2026, 11, 23, 18, 0), datetime(2026, 11, 23, 22, 0)),
        ("周五下班后", datetime(2026, 11, 27, 18, 0), datetime(2026, 11, 27, 22, 0)),
    ],
)  # fmt: skip
def test_months_weekends_and_edges(text: str, start: datetime, end: datetime) -> None:
    assert first(text) == (start.replace(tzinfo=CST), end.replace(tzinfo=CST))


def test_three_oclock_before_with_no_period_runs_from_now() -> None:
    assert first("3点前") == (NOW, datetime(2026, 11, 23, 15, 0, tzinfo=CST))


def test_front_desk_after_a_clock_is_no_before() -> None:
    # 前台 is the front desk: 8点前台开门吗 asks about 8 o'clock, not the hours before it
    assert first("明天8点前台开门吗") == (
        datetime(2026, 11, 24, 8, 0, tzinfo=CST),
        datetime(2026, 11, 24, 9, 0, tzinfo=CST),
    )
