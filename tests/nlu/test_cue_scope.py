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
