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


def at(text: str, now: datetime) -> tuple[datetime, datetime] | None:
    times = find_times(normalize(text).text, now)
    return (times[0].start, times[0].end) if times else None


def cst(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CST)


# NOW is Monday 2026-11-23 10:00. Clock forms, the night after a day, approximate and bare ranges, dialect days.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("明天下午四点一刻", cst(2026, 11, 24, 16, 15), cst(2026, 11, 24, 17, 15)),
        ("十一点三刻来", cst(2026, 11, 23, 11, 45), cst(2026, 11, 23, 12, 45)),
        ("明晚十二点", cst(2026, 11, 25, 0, 0), cst(2026, 11, 25, 1, 0)),
        ("明天晚上一点", cst(2026, 11, 25, 1, 0), cst(2026, 11, 25, 2, 0)),
        ("下午三点左右来", cst(2026, 11, 23, 14, 30), cst(2026, 11, 23, 15, 30)),
        ("下午3-5点", cst(2026, 11, 23, 15, 0), cst(2026, 11, 23, 17, 0)),
        ("明天两到四点", cst(2026, 11, 24, 14, 0), cst(2026, 11, 24, 16, 0)),
        ("晚上七八点来看看", cst(2026, 11, 23, 19, 0), cst(2026, 11, 23, 21, 0)),
        ("后儿个上午来", cst(2026, 11, 25, 8, 0), cst(2026, 11, 25, 12, 0)),
        ("明儿个下午", cst(2026, 11, 24, 13, 0), cst(2026, 11, 24, 18, 0)),
        ("12.3下午能上门吗", cst(2026, 12, 3, 13, 0), cst(2026, 12, 3, 18, 0)),
        ("12-03上午十点来验收", cst(2026, 12, 3, 10, 0), cst(2026, 12, 3, 11, 0)),
        ("20号来吧", cst(2026, 12, 20, 0, 0), cst(2026, 12, 21, 0, 0)),
    ],
)  # fmt: skip
def test_clock_forms_and_days(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end)


def test_before_a_time_already_inside_its_period_runs_from_now() -> None:
    evening = cst(2026, 11, 26, 21, 10)
    assert at("今晚十点前能来吗", evening) == (evening, cst(2026, 11, 26, 22, 0))


# Words that look like a time and are none: greetings, a direction, points of a list, an amount, numbered things.
@pytest.mark.parametrize(
    "text",
    [
        "早上好，想问下停车费怎么交",
        "晚上好 门禁卡怎么补办",
        "车库十点钟方向那个灯不亮",
        "对绿化我有两点建议",
        "我提的意见第8点前台说转给经理了",
        "这期电费多扣了十点五元",
        "我家12号车位被人占了",
        "坐3号线到小区很方便",
        "热水器坏了三天了 等到现在也没人管",
        "自来水有点发白 放一会儿就清了",
        # a numbered lift, post, exit, passage or hall (3号梯 is lift 3, not the 3rd)
        "3号梯坏了好几次了",
        "5号岗的保安态度很差",
        "从东门3号口进来",
        "2号通道被电动车堵了",
        "快递放在1号馆门口",
        # how often, not a weekday (每周三次 is three times a week, 每周三 Wednesdays)
        "每周一次消杀太少了",
        "保洁一周两次够吗",
        "垃圾能不能每周三次清运",
        # amounts: 1.5 ten-thousands, 8.5 tenths off
        "装修押金要1点5万吗",
        "停车费打8点5折吗",
    ],
)
def test_look_alikes_are_no_time(text: str) -> None:
    assert at(text, NOW) is None


# A past event read back from now: 还在, 报修的, 刚才 … (a request for a visit reads forward).
@pytest.mark.parametrize(
    ("text", "now", "start", "end"),
    [
        ("凌晨三点楼上还在吵", NOW, cst(2026, 11, 23, 3, 0), cst(2026, 11, 23, 4, 0)),
        ("昨天夜里两点车库的报警器一直响", NOW, cst(2026, 11, 23, 2, 0), cst(2026, 11, 23, 3, 0)),
        ("晚上十二点了还在装修", NOW, cst(2026, 11, 23, 0, 0), cst(2026, 11, 23, 1, 0)),
        ("周一报修的，今天都周日了还没修", cst(2026, 11, 29, 19, 45), cst(2026, 11, 23, 0, 0),
         cst(2026, 11, 24, 0, 0)),
        ("早上六点多就开始装修了", cst(2026, 11, 23, 17, 40), cst(2026, 11, 23, 6, 0), cst(2026, 11, 23, 7, 0)),
        ("20号报修的到现在没人来", NOW, cst(2026, 11, 20, 0, 0), cst(2026, 11, 21, 0, 0)),
        # a clock told of as past, without a period, is the last time it struck (not the afternoon's by default)
        ("都十二点了还在装修", cst(2026, 11, 24, 0, 10), cst(2026, 11, 24, 0, 0), cst(2026, 11, 24, 1, 0)),
        ("都一点半了楼上还在蹦迪", cst(2026, 11, 24, 1, 40), cst(2026, 11, 24, 1, 30), cst(2026, 11, 24, 2, 30)),
        ("楼上五点多就开始拖椅子", cst(2026, 11, 24, 7, 5), cst(2026, 11, 24, 5, 0), cst(2026, 11, 24, 6, 0)),
        ("早上七点半能来吗", NOW, cst(2026, 11, 24, 7, 30), cst(2026, 11, 24, 8, 30)),
        ("周六上午能来修吗", NOW, cst(2026, 11, 28, 8, 0), cst(2026, 11, 28, 12, 0)),
    ],
)  # fmt: skip
def test_past_events_read_back(text: str, now: datetime, start: datetime, end: datetime) -> None:
    assert at(text, now) == (start, end)


def test_a_complaint_reads_its_time_back() -> None:
    from nlu import parse

    evening = cst(2026, 11, 23, 17, 40)
    result = parse("投诉！中午有保安在电梯里抽烟，烟味很大，太不像话了", now=evening)
    assert result.type == "complaint"
    assert (result.times[0].start, result.times[0].end) == (cst(2026, 11, 23, 11, 0), cst(2026, 11, 23, 14, 0))


# Times counted from now: 半小时内, 1个小时后, 刚才, 3天前.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("半小时内能来吗", cst(2026, 11, 23, 10, 0), cst(2026, 11, 23, 10, 30)),
        ("2个小时内能修好吗", cst(2026, 11, 23, 10, 0), cst(2026, 11, 23, 12, 0)),
        ("一个小时后能到吗", cst(2026, 11, 23, 11, 0), cst(2026, 11, 23, 12, 0)),
        ("四十分钟后到家", cst(2026, 11, 23, 10, 40), cst(2026, 11, 23, 11, 40)),
        ("现在能来人吗", cst(2026, 11, 23, 10, 0), cst(2026, 11, 23, 11, 0)),
        ("刚才有人乱按门铃", cst(2026, 11, 23, 9, 0), cst(2026, 11, 23, 10, 0)),
        ("半小时前电梯卡在了十楼", cst(2026, 11, 23, 9, 15), cst(2026, 11, 23, 9, 45)),
        ("三天前报修的空调没人管", cst(2026, 11, 20, 0, 0), cst(2026, 11, 21, 0, 0)),
    ],
)  # fmt: skip
def test_counted_from_now(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end)


# Deadlines: from now until a day, week, month or year begins (周五之前) or ends (这周之内, 最迟后天), or for a count of
# weeks or months (一周之内); a count of weeks or months later is that day (两周后). NOW is Monday 2026-11-23 10:00.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("周五之前给我个处理结果", NOW, cst(2026, 11, 27, 0, 0)),
        ("下周一之前一定要修好", NOW, cst(2026, 11, 30, 0, 0)),
        ("明天中午之前回复我", NOW, cst(2026, 11, 24, 11, 0)),
        ("这个周末前能弄好吗", NOW, cst(2026, 11, 28, 0, 0)),
        ("下周之前把垃圾站的臭味处理掉", NOW, cst(2026, 11, 30, 0, 0)),
        ("最迟后天 必须把漏水修好", NOW, cst(2026, 11, 26, 0, 0)),
        ("今天下班前给我回个电话", NOW, cst(2026, 11, 23, 18, 0)),
        ("这周之内能不能把暖气阀门换掉", NOW, cst(2026, 11, 30, 0, 0)),
        ("本周内能把电梯修好吗", NOW, cst(2026, 11, 30, 0, 0)),
        ("这个月内能把道闸换了吗", NOW, cst(2026, 12, 1, 0, 0)),
        ("今年之内能不能把外墙修了", NOW, cst(2027, 1, 1, 0, 0)),
        ("一周之内把楼道里的杂物清走", NOW, cst(2026, 11, 30, 10, 0)),
        ("一个月内没修好我就不交物业费了", NOW, cst(2026, 12, 23, 10, 0)),
        ("两周后再来回访吧", cst(2026, 12, 7, 0, 0), cst(2026, 12, 8, 0, 0)),
        ("半个月后再来复查一下", cst(2026, 12, 8, 0, 0), cst(2026, 12, 9, 0, 0)),
    ],
)  # fmt: skip
def test_deadlines_run_from_now(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end)


def test_a_count_within_in_a_complaint_is_a_deadline_ahead() -> None:
    times = find_times(normalize("要求贵处于一周内完成排查").text, NOW, looking_back=True)
    assert [(t.start, t.end) for t in times] == [(NOW, cst(2026, 11, 30, 10, 0))]


@pytest.mark.parametrize("text", ["周五前台没人接电话", "昨天之前都好好的"])
def test_a_day_before_that_is_past_or_a_desk_is_no_deadline(text: str) -> None:
    times = find_times(normalize(text).text, NOW)
    assert all(t.start != NOW for t in times)


# Weeks, months and their ends.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("月底前修好就行", NOW, cst(2026, 12, 1, 0, 0)),
        ("这个月底之前来一趟", NOW, cst(2026, 12, 1, 0, 0)),
        ("下个月初来换玻璃", cst(2026, 12, 1, 0, 0), cst(2026, 12, 6, 0, 0)),
        ("上个月底交的物业费", cst(2026, 10, 27, 0, 0), cst(2026, 11, 1, 0, 0)),
        ("年底前能修好吗", NOW, cst(2027, 1, 1, 0, 0)),
        ("下周随便哪天都行", cst(2026, 11, 30, 0, 0), cst(2026, 12, 7, 0, 0)),
        ("上周家里一直没热水", cst(2026, 11, 16, 0, 0), cst(2026, 11, 23, 0, 0)),
        ("上个月物业费多收了", cst(2026, 10, 1, 0, 0), cst(2026, 11, 1, 0, 0)),
    ],
)  # fmt: skip
def test_weeks_and_months(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end)


# Two days joined by 到 or 或: one range over both, the period named once applying to both.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("25号到27号之间哪天都行", cst(2026, 11, 25, 0, 0), cst(2026, 11, 28, 0, 0)),
        ("周三或周四下午都可以", cst(2026, 11, 25, 13, 0), cst(2026, 11, 26, 18, 0)),
        ("周一到周三晚上都行", cst(2026, 11, 23, 18, 0), cst(2026, 11, 25, 23, 0)),
        ("12月1号到7号我出差", cst(2026, 12, 1, 0, 0), cst(2026, 12, 8, 0, 0)),  # the month of the first day
        ("12月28号到1月3号不在家", cst(2026, 12, 28, 0, 0), cst(2027, 1, 4, 0, 0)),
        ("12月28号到3号不在家", cst(2026, 12, 28, 0, 0), cst(2027, 1, 4, 0, 0)),  # into the next month
        ("下周三到周五小区是不是要停水", cst(2026, 12, 2, 0, 0), cst(2026, 12, 5, 0, 0)),  # the first day's week
        ("周五到周一不在家", cst(2026, 11, 27, 0, 0), cst(2026, 12, 1, 0, 0)),  # into the next week
    ],
)  # fmt: skip
def test_spans_of_days(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end)


# Noise that went on from a night until a clock hour (吵到两点): one range from the night to that hour after it,
# not the night and a 14:00 of its own. Told in a complaint, so read back; NOW is Monday 10:00.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("楼上昨晚吵到两点 能不能管管", cst(2026, 11, 22, 18, 0), cst(2026, 11, 23, 2, 0)),
        ("隔壁昨天晚上打麻将闹到凌晨", cst(2026, 11, 22, 18, 0), cst(2026, 11, 23, 6, 0)),
        ("周六晚上楼下KTV吵到三点", cst(2026, 11, 21, 18, 0), cst(2026, 11, 22, 3, 0)),
        ("昨天晚上10点多开始一直吵到凌晨两点半", cst(2026, 11, 22, 22, 0), cst(2026, 11, 23, 2, 30)),
        ("昨天半夜吵到四点", cst(2026, 11, 23, 0, 0), cst(2026, 11, 23, 4, 0)),
        ("排风扇每天从早上十点转到晚上十二点", cst(2026, 11, 23, 10, 0), cst(2026, 11, 24, 0, 0)),
        ("昨天下午一直等到五点也没人来", cst(2026, 11, 22, 13, 0), cst(2026, 11, 22, 17, 0)),
    ],
)  # fmt: skip
def test_a_night_until_a_clock_is_one_range(text: str, start: datetime, end: datetime) -> None:
    times = find_times(normalize(text).text, NOW, looking_back=True)
    assert [(t.start, t.end) for t in times] == [(start, end)]


def test_a_clock_in_another_clause_is_not_the_end_of_the_night() -> None:
    times = find_times(normalize("昨天晚上停电了，师傅说到三点才能来").text, NOW)
    assert len(times) == 2
    assert times[1].start == cst(2026, 11, 23, 15, 0)


# English, as residents mix it in.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("tomorrow 3pm ok? 厨房灯不亮", cst(2026, 11, 24, 15, 0), cst(2026, 11, 24, 16, 0)),
        ("can u come tonight after 8?", cst(2026, 11, 23, 20, 0), cst(2026, 11, 23, 23, 0)),
        ("this Saturday morning can someone fix the lock", cst(2026, 11, 28, 8, 0), cst(2026, 11, 28, 12, 0)),
        ("tomorrow afternoon please", cst(2026, 11, 24, 13, 0), cst(2026, 11, 24, 18, 0)),
        ("come at 10:30am on Friday", cst(2026, 11, 27, 10, 30), cst(2026, 11, 27, 11, 30)),
    ],
)  # fmt: skip
def test_english_times(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end)


@pytest.mark.parametrize(
    ("text", "now", "start", "end"),
    [
        ("过一个小时再来吧 我在外面", NOW, cst(2026, 11, 23, 11, 0), cst(2026, 11, 23, 12, 0)),
        ("过两天再来修吧", NOW, cst(2026, 11, 25, 0, 0), cst(2026, 11, 26, 0, 0)),
        ("都10点多了楼上还在砸墙", cst(2026, 11, 23, 22, 15), cst(2026, 11, 23, 22, 0), cst(2026, 11, 23, 23, 0)),
        ("今天下午能来吗", cst(2026, 11, 23, 15, 0), cst(2026, 11, 23, 15, 0), cst(2026, 11, 23, 18, 0)),
        ("8点前能来修一下吗", cst(2026, 11, 23, 6, 50), cst(2026, 11, 23, 6, 50), cst(2026, 11, 23, 8, 0)),
    ],
)  # fmt: skip
def test_later_and_the_part_still_ahead(text: str, now: datetime, start: datetime, end: datetime) -> None:
    assert at(text, now) == (start, end)


def test_after_midnight_runs_a_few_hours() -> None:
    # 晚上12点以后: from midnight, not back to the evening's start
    assert at("保安晚上十二点以后就不在岗亭了", NOW) == (cst(2026, 11, 23, 0, 0), cst(2026, 11, 23, 3, 0))


@pytest.mark.parametrize(
    ("text", "name"),
    [("早上好几个人在台阶上滑倒了", "早上"), ("问问小区门口晚上好打车吗", "晚上"), ("最近晚上好像没人巡逻", "晚上")],
)
def test_hao_after_a_period_that_is_no_greeting(text: str, name: str) -> None:
    assert [t.text for t in find_times(normalize(text).text, NOW)] == [name]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("灯管老了 周末来换一下 15栋2单元1302", cst(2026, 11, 28, 0, 0)),  # voice input: clauses split by spaces
        ("周末能来修一下吗 灯坏了", cst(2026, 11, 28, 0, 0)),  # the fault is done, the visit asked for ahead
    ],
)
def test_direction_of_a_clause(text: str, start: datetime) -> None:
    assert at(text, NOW)[0] == start  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("明天下午能来修吗", True),
        ("周六上午安排师傅过来", True),
        ("tomorrow 3pm please come", True),
        ("半小时内能到吗", True),
        ("昨天晚上开始一直漏水", False),
        ("凌晨三点楼上还在吵", False),
        ("下周电梯要停几天吗", True),
        ("刚才有人按门铃", False),
    ],
)
def test_a_time_asked_for_is_marked(text: str, asked: bool) -> None:
    assert find_times(normalize(text).text, NOW)[0].asked is asked


def test_last_years_end_of_year() -> None:
    assert at("去年年底报的修 到现在都没弄", NOW) == (cst(2025, 12, 1, 0, 0), cst(2026, 1, 1, 0, 0))


def test_a_night_until_now() -> None:
    times = find_times(normalize("隔壁的狗从半夜叫到现在").text, NOW, looking_back=True)
    assert [(t.start, t.end) for t in times] == [(cst(2026, 11, 23, 0, 0), NOW)]


def test_last_years_end_of_year_before_is_no_deadline_ahead() -> None:
    """去年年底前 has passed: the end of last year, not a range from now back to it."""
    assert at("去年年底前就报过了", NOW) == (cst(2025, 12, 1, 0, 0), cst(2026, 1, 1, 0, 0))


# Two days named together (今明两天, 明后天) and "these days" (这两天, 这几天): ahead where a visit is asked for, the
# days before now where something is told of.
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("明后天来修都行", cst(2026, 11, 24, 0, 0), cst(2026, 11, 26, 0, 0)),
        ("明后两天我都在家", cst(2026, 11, 24, 0, 0), cst(2026, 11, 26, 0, 0)),
        ("今明两天都有人在家", cst(2026, 11, 23, 0, 0), cst(2026, 11, 25, 0, 0)),
        ("这两天能来修一下吗", cst(2026, 11, 23, 10, 0), cst(2026, 11, 25, 0, 0)),
        ("这一两天能修好吗", cst(2026, 11, 23, 10, 0), cst(2026, 11, 25, 0, 0)),
        ("这几天能安排师傅吗", cst(2026, 11, 23, 10, 0), cst(2026, 11, 26, 0, 0)),
        ("这几天一直漏水", cst(2026, 11, 21, 0, 0), cst(2026, 11, 23, 10, 0)),
        ("最近几天老是停电", cst(2026, 11, 21, 0, 0), cst(2026, 11, 23, 10, 0)),
        ("这两天楼上一直在装修", cst(2026, 11, 22, 0, 0), cst(2026, 11, 23, 10, 0)),
        ("我这几天出差不在家", cst(2026, 11, 21, 0, 0), cst(2026, 11, 26, 0, 0)),  # neither: around now
    ],
)  # fmt: skip
def test_two_days_and_these_days(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end)


# About a clock (九点前后, 八点来钟: as 左右, half an hour either side), and not yet a clock
# (十点不到: before it, as 前).
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("明天九点前后来", cst(2026, 11, 24, 8, 30), cst(2026, 11, 24, 9, 30)),
        ("明天晚上八点来钟到家", cst(2026, 11, 24, 19, 30), cst(2026, 11, 24, 20, 30)),
        ("明天上午十点不到能来吗", cst(2026, 11, 24, 8, 0), cst(2026, 11, 24, 10, 0)),
    ],
)  # fmt: skip
def test_about_and_not_yet_a_clock(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end), at(text, NOW)
    assert at(text.replace("不到", "前").replace("前后", "左右").replace("来钟", "左右"), NOW) == (start, end)


# A month and day without 号 before a period (12月3上午), a part of a numbered month (12月初, 12月底前), both weekend
# days as 周六日, and a span of days joined by 开始到 (下周一开始到周五).
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("12月3上午来修", cst(2026, 12, 3, 8, 0), cst(2026, 12, 3, 12, 0)),
        ("12月初来修就行", cst(2026, 12, 1, 0, 0), cst(2026, 12, 6, 0, 0)),
        ("12月底前能修好吗", cst(2026, 11, 23, 10, 0), cst(2027, 1, 1, 0, 0)),
        ("3月中旬来装", cst(2027, 3, 11, 0, 0), cst(2027, 3, 21, 0, 0)),
        ("下个月下旬来装", cst(2026, 12, 21, 0, 0), cst(2027, 1, 1, 0, 0)),
        ("周六日在家", cst(2026, 11, 28, 0, 0), cst(2026, 11, 30, 0, 0)),
        ("下周一开始到周五都不在家", cst(2026, 11, 30, 0, 0), cst(2026, 12, 5, 0, 0)),
    ],
)  # fmt: skip
def test_numbered_months_both_weekend_days_and_spans_from_a_start(text: str, start: datetime, end: datetime) -> None:
    assert at(text, NOW) == (start, end), at(text, NOW)


def test_a_numbered_month_part_told_of_reads_back() -> None:
    assert at("11月初报修的到现在还没来", NOW) == (cst(2026, 11, 1, 0, 0), cst(2026, 11, 6, 0, 0))


def test_front_and_back_doors_after_a_clock_are_no_about() -> None:
    # told as done (锁了): last night's
    assert at("晚上十点前后门都锁了", NOW) == (cst(2026, 11, 22, 18, 0), cst(2026, 11, 22, 22, 0))


# Days listed with 和, 或, 、 or nothing between them are one range only where they follow each other (周六周日, 周三或
# 周四); days apart (周三和周五) stay two, a period named with the second applying to both.
@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("周六周日都行", [(cst(2026, 11, 28, 0, 0), cst(2026, 11, 30, 0, 0))]),
        ("礼拜六礼拜天都在家", [(cst(2026, 11, 28, 0, 0), cst(2026, 11, 30, 0, 0))]),
        ("周三或周四下午都可以", [(cst(2026, 11, 25, 13, 0), cst(2026, 11, 26, 18, 0))]),
        ("周三和周五都可以", [(cst(2026, 11, 25, 0, 0), cst(2026, 11, 26, 0, 0)),
                            (cst(2026, 11, 27, 0, 0), cst(2026, 11, 28, 0, 0))]),
        ("25号和27号都行", [(cst(2026, 11, 25, 0, 0), cst(2026, 11, 26, 0, 0)),
                          (cst(2026, 11, 27, 0, 0), cst(2026, 11, 28, 0, 0))]),
        ("周二或周四下午", [(cst(2026, 11, 24, 13, 0), cst(2026, 11, 24, 18, 0)),
                          (cst(2026, 11, 26, 13, 0), cst(2026, 11, 26, 18, 0))]),
        ("25号到27号之间哪天都行", [(cst(2026, 11, 25, 0, 0), cst(2026, 11, 28, 0, 0))]),  # 到: a range
    ],
)  # fmt: skip
def test_days_listed_together(text: str, ranges: list[tuple[datetime, datetime]]) -> None:
    assert [(t.start, t.end) for t in find_times(normalize(text).text, NOW)] == ranges


def test_a_week_day_asked_for_whose_time_has_passed_today_is_next_weeks() -> None:
    tuesday_evening = cst(2026, 11, 24, 20, 30)
    assert at("周二上午能来吗", tuesday_evening) == (cst(2026, 12, 1, 8, 0), cst(2026, 12, 1, 12, 0))
    assert at("周二能来吗", tuesday_evening) == (cst(2026, 11, 24, 20, 30), cst(2026, 11, 25, 0, 0))  # still today
    assert at("周二上午师傅来过了", tuesday_evening) == (cst(2026, 11, 24, 8, 0), cst(2026, 11, 24, 12, 0))  # told of
