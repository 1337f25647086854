from datetime import datetime, timedelta, timezone

import pytest

from nlu.normalize import normalize
from nlu.time_expr import find_times

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
