"""Cue matching sees overlapping cues, each with its own negation scope (sentences written for these tests)."""

import pytest

from nlu import parse
from nlu.analysis import analyse
from nlu.lexicon import find_cues
from nlu.normalize import normalize


def cues(text: str) -> list[tuple[str, str, bool]]:
    return [(c.group, c.term, c.negated) for c in find_cues(normalize(text).text)]


def test_a_shorter_cue_inside_a_longer_one_of_another_group_is_seen() -> None:
    # 门锁 (a facility, engineering) used to hide 锁不上 (a door that will not lock: urgent, a fault)
    found = cues("我家门锁不上了")
    assert ("dept_engineering", "门锁", False) in found
    assert any(group == "fault" and term == "锁不上" for group, term, _ in found), found


def test_a_cue_inside_a_longer_cue_of_the_same_group_is_not_counted_twice() -> None:
    found = [c for c in cues("门锁不上") if c[0] == "urgent"]
    assert found == [("urgent", "门锁不上", False)]


def test_not_very_urgent_holds_a_negated_very_urgent() -> None:
    found = cues("不是很急 有空来看看")
    assert ("low_urgency", "不是很急", False) in found
    assert ("urgent", "很急", True) in found
    assert not any(group == "urgent" and not negated for group, _, negated in found), found


def test_not_very_urgent_does_not_make_a_drip_urgent() -> None:
    assert parse("厨房水龙头有点松 不是很急 有空来看看 5栋2单元801").urgency == "normal"


@pytest.mark.parametrize("text", ["热水器不出热水了 是燃气的 没有味道啊", "燃气灶打不着火 闻了一下没味道"])
def test_a_denied_smell_inside_a_gas_pattern_is_negated(text: str) -> None:
    critical = [c for c in find_cues(normalize(text).text) if c.group == "critical"]
    assert critical and all(c.negated for c in critical), critical


@pytest.mark.parametrize("text", ["燃气灶那边有味道", "燃气灶有没有味道 我闻着有点"])
def test_a_gas_smell_or_a_question_about_one_is_not_negated(text: str) -> None:
    critical = [c for c in find_cues(normalize(text).text) if c.group == "critical"]
    assert critical and not any(c.negated for c in critical), critical


@pytest.mark.parametrize("text", ["在吗", "在嗎？", "hello 请问是物业吗", "你好", "物业你好！"])
def test_a_message_of_greetings_only_is_marked(text: str) -> None:
    assert "shape:greeting_only" in analyse(text).features


@pytest.mark.parametrize("text", ["你好 我家卫生间漏水", "在吗 电梯坏了", "你好，物业费怎么交"])
def test_a_greeting_before_a_request_is_not_greeting_only(text: str) -> None:
    assert "shape:greeting_only" not in analyse(text).features


@pytest.mark.parametrize(
    ("text", "term"),
    [("外机歪了 怕掉下去砸到人", "掉下去"), ("楼道堆满纸箱 很容易着火", "着火"), ("地上有水 我差点摔倒", "摔倒")],
)
def test_a_fear_or_a_near_miss_just_before_a_cue_is_hypothetical(text: str, term: str) -> None:
    found = [c for c in find_cues(normalize(text).text) if c.term == term]
    assert found and all(c.hypothetical for c in found), found


@pytest.mark.parametrize(("text", "term"), [("我好害怕有人晕倒了", "晕倒"), ("太可怕了着火了", "着火")])
def test_being_afraid_of_what_is_happening_is_not_hypothetical(text: str, term: str) -> None:
    found = [c for c in find_cues(normalize(text).text) if c.term == term]
    assert found and not any(c.hypothetical for c in found), found
