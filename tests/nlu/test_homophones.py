"""Pinyin-input slips of the domain's words are put right; ordinary text that sounds the same is left alone; the
shipped table is exactly what `python -m nlu.homophone_table` builds."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu import parse, parse_strict
from nlu.homophone_table import build, corpus_texts, domain_words
from nlu.homophones import HOMOPHONES_PATH, fix_homophones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("暖企突然不热了 屋里才十度", "暖气突然不热了 屋里才十度"),
        ("门尽卡丢了怎么补办", "门禁卡丢了怎么补办"),
        ("单元门口的垃级三天没人收", "单元门口的垃圾三天没人收"),
        ("插座一插上就冒眼", "插座一插上就冒烟"),
        ("帮忙叫个救户车", "帮忙叫个救护车"),
        ("无业费怎么交", "物业费怎么交"),
        # typed in pinyin, wholly or in part: the input method was left in Latin letters
        ("dianti坏了", "电梯坏了"),
        ("家里lou水了", "家里漏水了"),
        ("门jin卡丢了", "门禁卡丢了"),
    ],
)
def test_a_slip_is_put_right(text: str, expected: str) -> None:
    assert fix_homophones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "3号楼水管爆了",  # 楼 + 水管: the segmenter joins 水 to 管
        "拿毛巾垫着了",  # a verb before its particle is never taken for a slip (垫着了 / 点着了)
        "走廊都系烟咁",  # Cantonese 系 is 是: no slip of 吸烟
        "只有1部能用",  # a measure word after a number: no slip of 不能用
        "这到底谁管",  # ordinary words (谁管 / 水管)
        "我妈上礼拜摔了一跤",
        "下雨了衣服收不了",
        "meiyou人来",  # 没有, far more often than 煤油
        "我跟laoban说了",  # 老板, not 老伴
        "blouse上有水",
    ],
)
def test_ordinary_text_that_sounds_the_same_stays(text: str) -> None:
    assert fix_homophones(text) == text


@pytest.mark.parametrize("text", ["我爷爷在卫生间衰倒了 起不来", "楼下有个人口吐百沫 手脚抽畜"])
def test_a_danger_told_with_slips_is_critical(text: str) -> None:
    assert parse(text).urgency == "critical"


def test_the_table_is_built_from_the_domain_words_and_never_edited_by_hand() -> None:
    rows = [
        tuple(line.split("\t"))
        for line in HOMOPHONES_PATH.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert dict(rows) == build(domain_words(), corpus_texts()), "rebuild it with `python -m nlu.homophone_table`"


def test_no_slip_of_the_table_occurs_in_the_corpus() -> None:
    """The corpus is read as residents write; the table changes none of its messages (nor the model's features)."""
    assert all(fix_homophones(text) == text for text in corpus_texts())


_PIECES = ["暖企", "门尽", "lou水", "dianti", "meiyou", "3号楼", "水管", "垫着了", "1部", "能用"]
_PIECES += ["abc", " ", "，", "了", "😡"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=20).map("".join))
def test_slips_mixed_with_anything_never_break_the_parse(text: str) -> None:
    fixed = fix_homophones(text)
    assert len(fixed) <= len(text)  # a slip is never longer than its word's spelling
    parse_strict(text)
