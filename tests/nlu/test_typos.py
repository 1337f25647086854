"""The [typos] table corrects a homophone or slip only where its characters are not part of other words: 楼水 is 漏水
in 家里楼水了, but 3号楼 + 水管 in 3号楼水管爆了; 坐便 is 坐便器 only where 器 does not follow already."""

import pytest

from nlu.lexicon import fix_typos
from nlu.parser import parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("家里楼水了 卫生间顶上", "家里漏水了 卫生间顶上"),
        ("楼上楼水 滴到我家", "楼上漏水 滴到我家"),
        ("我家坐便漏水", "我家坐便器漏水"),
        ("你们电体又坏了", "你们电梯又坏了"),
        ("物业废怎么又涨了", "物业费怎么又涨了"),
        ("门口保按不在", "门口保安不在"),
        ("我们家停店了", "我们家停电了"),
    ],
)
def test_a_slip_is_corrected(text: str, expected: str) -> None:
    assert fix_typos(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "3号楼水管爆了",
        "整栋楼水都停了",
        "顶楼水箱溢出来了",
        "负1楼水泵房进水了",
        "这楼水压太低",
        "一楼水表箱门掉了",
        "卫生间的坐便器裂了",
        "请确保按时完成",
        "这是带电体 别碰",
        "暂停店铺营业",
        "物业废物一个 什么都不管",
    ],
)
def test_words_that_contain_a_slip_stay(text: str) -> None:
    assert fix_typos(text) == text


def test_a_building_before_water_is_no_leak() -> None:
    request = parse("整栋楼水都停了 什么时候来水")
    assert "漏水" not in request.normalized
    assert request.times == ()  # 3号楼 is no date either: see test_time_expr
