"""Factors of danger (a person + harm to the body now, a thing about to fall + people below) become model features,
and the urgency a row teaches is the highest its gold allows."""

import pytest

from nlu import parse
from nlu.analysis import analyse
from nlu.corpus import Example
from nlu.train import training_labels


def test_a_person_harmed_now_lights_the_pair() -> None:
    assert "danger:person+harm" in analyse("地下室热水管爆了 一个保洁阿姨被烫到腿了").features


def test_a_past_harm_does_not() -> None:
    assert "danger:person+harm" not in analyse("上次保洁阿姨被烫到了，后来没事").features


def test_something_about_to_fall_over_people_lights_the_pair() -> None:
    features = analyse("外机就一根螺丝挂着 随时会掉 下面是人行道").features
    assert "danger:imminent+exposed" in features


def test_a_plain_repair_lights_no_danger_pair() -> None:
    assert not {f for f in analyse("厨房水龙头有点滴水，有空来修一下").features if f.startswith("danger:")}


def _row(urgency: str, type_: str = "repair") -> Example:
    return Example("x1", "text", type_, urgency, "engineering", "", "", "")


def test_a_row_that_may_be_critical_teaches_critical_alone() -> None:
    assert training_labels(_row("urgent/critical"), "urgency") == {"critical"}
    assert training_labels(_row("normal/critical"), "urgency") == {"critical"}


def test_a_row_below_critical_teaches_every_urgency_its_gold_allows() -> None:
    assert training_labels(_row("normal/urgent"), "urgency") == {"normal", "urgent"}
    assert training_labels(_row("normal"), "urgency") == {"normal"}


def test_the_fine_urgency_splits_the_highest_urgency_by_department() -> None:
    row = Example("x1", "text", "repair/other", "urgent/critical", "engineering/security_order", "", "", "")
    assert training_labels(row, "urgency_fine") == {"critical|engineering", "critical|security_order"}
    assert training_labels(_row("normal/urgent"), "urgency_fine") == {"urgent|engineering"}
    assert training_labels(_row("normal"), "urgency_fine") == {"normal|engineering"}


def test_a_row_teaches_every_type_its_gold_allows() -> None:
    assert training_labels(_row("normal", "repair/other"), "type") == {"repair", "other"}
    assert training_labels(_row("normal", "repair/other"), "type_fine") == {"repair", "other|engineering"}


@pytest.mark.parametrize(
    "text",
    [
        "我家孩子把洗衣凝珠当糖吃了 现在一直咳",
        "老爷子把玻璃瓶里的防冻液喝了一口",
        "车库里一辆面包车在滴汽油 两个人蹲在旁边抽烟",
        "楼道里有人往油桶里灌柴油 还有人在边上点烟",
        # followed by a stranger, and hiding or afraid now
        "下班回来有个男的一直跟着我 我现在躲在便利店里不敢出去",
        "有人尾随我进了单元门 现在还在楼道里 我好害怕",
    ],
)
def test_a_danger_pair_makes_a_message_critical(text: str) -> None:
    # something toxic swallowed; fuel spilt where someone strikes a flame: [danger_pairs] in the lexicon
    parsed = parse(text)
    assert parsed.urgency == "critical", parsed.cues
    assert any("+" in c.evidence for c in parsed.cues_for("urgency") if c.value == "critical")


@pytest.mark.parametrize(
    "text",
    [
        "洁厕灵用完了 物业有卖的吗",
        "楼下有人抽烟 烟味飘到我家",
        "我家狗在草坪上吃了你们放的老鼠药 现在在宠物医院",
        "地库有辆车漏油 地上一滩 麻烦通知车主",
        "刷卡进单元门的时候总有外人跟着我挤进来 能不能装个防尾随的门",
        "楼下的流浪狗一直跟着我 我好怕狗",
    ],
)
def test_one_factor_alone_or_a_pet_harmed_is_not_a_danger_pair(text: str) -> None:
    parsed = parse(text)
    assert not any("+" in c.evidence for c in parsed.cues_for("urgency") if c.value == "critical"), parsed.cues
