"""How far a past or hypothetical marker reaches: its own matter, not everything a resident chains after it without
punctuation (sentences written for these tests)."""

import pytest

from nlu.lexicon import CueMatch, find_cues
from nlu.normalize import normalize


def cue(text: str, term: str) -> CueMatch:
    return next(c for c in find_cues(normalize(text).text) if c.term == term)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # a second matter chained after a question about last month or last year, without punctuation
        (
            "上个月的水费好像多算了 比去年同期贵了一倍 麻烦帮我查一下 3栋502 另外我刚进楼道就闻到一股很浓的煤气味",
            "煤气味",
        ),
        ("之前报修的马桶到现在没人来 门口的快递也被人拿错了 还有我爸刚才在卫生间摔倒了 叫他没反应", "摔倒"),
        # a booking for tomorrow, then a danger now
        ("明天上午想约个保洁 打扫两个小时 地址5栋301 电话13900001111 对了厨房现在有股燃气味 头有点晕", "燃气味"),
    ],
)
def test_a_marker_does_not_reach_a_danger_told_much_later(text: str, term: str) -> None:
    found = cue(text, term)
    assert found.live, found


@pytest.mark.parametrize(
    ("text", "term", "scope"),
    [
        ("上次楼道里冒烟 是电瓶车充电引起的", "冒烟", "past"),
        ("前几天电梯困人的事 你们处理得很及时 谢谢", "困人", "past"),
        ("如果半夜闻到煤气味 应该先打谁的电话", "煤气味", "hypothetical"),
        ("明天停电 家里老人的制氧机没电了怎么办", "制氧机没电", "hypothetical"),
        # what the news told, or another estate: not here, not now
        ("新闻上说有人在家烧炭中毒 我家能用炭盆吗", "中毒", "hypothetical"),
        ("听人说别的小区有小孩从窗户掉下去了 我家窗户能装限位器吗", "掉下去", "hypothetical"),
        ("那天半夜楼道里冒烟 你们保安半小时才到", "冒烟", "past"),
        ("前年楼里着火以后 消防栓换过没有", "着火", "past"),
        # a marker inside the words a cue pattern spans (狗 … 咬 … 孩子): the pattern's words tell one event
        ("那条狗上周咬了邻居家孩子 主人到今天也没道歉", "咬了邻居家孩子", "past"),
        ("我家狗昨天追着楼下小孩跑 家长找上门来了", "追着楼下小孩", "past"),
    ],
)
def test_a_marker_still_scopes_the_matter_it_opens(text: str, term: str, scope: str) -> None:
    found = next(c for c in find_cues(normalize(text).text) if term in c.term)
    assert getattr(found, scope), found


@pytest.mark.parametrize(
    ("text", "term"),
    [("隔壁在熏腊肉 烟飘进来 我还以为着火了", "着火"), ("警报一响 我妈以为真着火了 拖着我往楼下跑", "着火")],
)
def test_a_danger_mistaken_is_no_danger_now(text: str, term: str) -> None:
    assert cue(text, term).hypothetical


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("楼道里堆满了纸箱 真着火了根本跑不出去", "着火"),
        ("消防通道天天停着车 真着火了消防车怎么进来", "着火"),
        ("防火门被锁死了 真要着火我们上面几层往哪跑", "着火"),
        ("走廊里天天有人给电瓶车充电 真烧起来跑都跑不掉", "烧起来"),
    ],
)
def test_a_fire_supposed_in_order_to_ask_what_then_is_no_fire_now(text: str, term: str) -> None:
    """真着火了怎么办, "if there really were a fire, then what": 真 just before the danger, a consequence after."""
    assert cue(text, term).hypothetical


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # asking whether it is real, or saying it is: the fire may be happening now
        ("火警铃一直在响 不知道是不是真着火了 有没有人去看看", "着火"),
        ("楼下好多人在喊 到底是不是真的着火了", "着火"),
        # a drill or the real thing? the resident cannot tell: in doubt, a fire now
        ("火警铃响了 是演习还是真的着火了 要不要下楼", "着火"),
        ("消防演练拉警报了 是演练还是真着火了 楼道里有点烟味", "着火"),
        ("真着火了 快来人啊 三楼全是烟", "着火"),
        ("真着火了 快跑", "着火"),
        # a place that is burning, or people still inside: a report, not a supposition
        ("三楼真着火了怎么办 我们还在家里", "着火"),
        ("楼下真着火了 怎么办", "着火"),
    ],
)
def test_a_fire_asked_about_or_confirmed_stays_live(text: str, term: str) -> None:
    assert cue(text, term).live


@pytest.mark.parametrize(
    ("text", "term"),
    [
        # thanks or a complaint about a danger that is over, with 一直 / 到现在 about something else further on
        ("上周被困电梯那次 你们的人很快就到了 一直隔着门陪我说话 谢谢", "被困"),
        ("那次燃气管漏气 师傅半夜过来处理的 家里老人到现在还念叨他", "漏气"),
        ("前天晚上楼道冒烟 我打你们的值班电话打了半天 一直没人接", "冒烟"),
    ],
)
def test_a_word_of_going_on_far_after_a_past_danger_speaks_of_something_else(text: str, term: str) -> None:
    found = cue(text, term)
    assert found.past, found


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("昨天开始就有煤气味", "煤气味"),
        ("昨天晚上就有煤气味 现在还有", "煤气味"),
        ("上次电梯困人以后 到现在也没修好", "困人"),
    ],
)
def test_a_word_of_going_on_near_a_past_danger_keeps_it_live(text: str, term: str) -> None:
    found = cue(text, term)
    assert found.live, found


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("半年内电梯困人四次 每次都是同一个问题", "困人"),
        ("闭门器坏了 门砰砰甩 小孩手被夹过两次了", "被夹"),
        ("楼梯间老有人抽烟 有一次还烧着了纸箱", "烧着了"),
    ],
)
def test_a_danger_told_as_a_count_of_times_or_once_is_past(text: str, term: str) -> None:
    found = next(c for c in find_cues(normalize(text).text) if c.group == "critical" and term in c.term)
    assert found.past, found


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("今天电梯困人三次了 现在还有人在里面", "困人"),
        ("有人晕倒了 叫了好几次没反应", "晕倒"),
        ("有一次性饭盒着火了 快来", "着火"),
    ],
)
def test_a_count_or_once_about_something_else_leaves_a_danger_live(text: str, term: str) -> None:
    found = next(c for c in find_cues(normalize(text).text) if c.group == "critical" and term in c.term)
    assert found.live, found


def test_a_past_danger_that_happened_again_is_live() -> None:
    """又 anywhere after the past marker in its clause: it happened again, now (孩子上周被门夹了 … 今天又夹了一次)."""
    found = cue("上周我家孩子被单元门夹住了手 你们说修好了 可是今天早上又夹住了 快来看看", "夹住")
    assert found.live, found
