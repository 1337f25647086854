"""Factors of danger (a person + harm to the body now, a thing about to fall + people below) become model features,
and the urgency a row teaches is the highest its gold allows."""

from nlu.analysis import analyse
from nlu.corpus import Example
from nlu.train import training_label


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


def test_training_label_takes_the_highest_acceptable_urgency() -> None:
    assert training_label(_row("urgent/critical"), "urgency") == "critical"
    assert training_label(_row("normal/urgent"), "urgency") == "urgent"
    assert training_label(_row("normal"), "urgency") == "normal"


def test_training_label_of_other_fields_is_the_first_listed() -> None:
    assert training_label(_row("normal", "repair/other"), "type") == "repair"
