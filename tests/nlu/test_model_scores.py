"""The parser's scoring by feature kind gives what scoring the features by name gives (training's view)."""

import json
import math

import numpy as np
import pytest

from nlu.analysis import analyse
from nlu.classify import _with_fine
from nlu.features import Features
from nlu.model import Models, models


@pytest.mark.parametrize(
    "text",
    [
        "",
        "在吗",
        "3栋2单元502 卫生间漏水了 13800138000",
        "电梯坏了!! 人还在电梯里",
        "Hello 物业费怎么交？",
        "空调清洗 😀 abc",
    ],
)
def test_scores_by_kind_equal_scores_by_name(text: str) -> None:
    analysis = analyse(text)
    assert models().message_scores(analysis.feature_kinds) == models().scores(analysis.features)


@pytest.mark.parametrize("text", ["İ 漏水", "ABC 漏水 123 ５号", "WiFi 没信号 2 3 a B"])
def test_scores_by_kind_with_odd_words(text: str) -> None:
    analysis = analyse(text)
    assert models().message_scores(analysis.feature_kinds) == models().scores(analysis.features)


def test_a_word_whose_lower_case_is_longer_is_scored_as_by_name() -> None:
    spec = {"type": {"classes": ["a", "b"], "intercept": [0.0, 0.0], "weights": {"w:i\u0307": [1.0, -1.0]}}}
    model = Models.from_fields(spec)
    for text in ["\u0130 坏了", "i\u0307 坏了"]:
        analysis = analyse(text)
        assert model.message_scores(analysis.feature_kinds) == model.scores(analysis.features), text


def test_a_stored_field_reads_back_as_trained() -> None:
    """The artefact's packed weights give the matrix the training dict gives, to the bit."""
    spec = {
        "type": {
            "classes": ["a", "b"],
            "intercept": [0.5, -0.5],
            "weights": {"w:x": [1.2345, -0.0001], "c:漏水": [-3.0, 2.5]},
        },
        "urgency": {"classes": ["n", "u", "c"], "intercept": [0.0, 0.1, 0.2], "weights": {"w:x": [0.1, 0.2, 0.3]}},
    }
    trained = Models.from_fields(spec, "a test")
    stored = Models.from_artefact(json.loads(json.dumps(trained.artefact())))
    assert stored.vocabulary == trained.vocabulary == {"w:x": 1, "c:漏水": 2}
    assert np.array_equal(stored.matrix, trained.matrix)
    assert stored.trained_on == "a test"
    assert stored.probabilities("urgency", stored.scores({"w:x"})) == trained.probabilities(
        "urgency", trained.scores({"w:x"})
    )


def test_an_artefact_of_another_format_asks_for_a_rebuild() -> None:
    with pytest.raises(ValueError, match="rebuild"):
        Models.from_artefact({"fields": {}, "weights": ""})


def test_the_two_type_models_are_averaged_into_four_types() -> None:
    m = models()
    scores = m.message_scores(analyse("麻烦约个保洁阿姨周六上午来做保洁").feature_kinds)
    probs = _with_fine(m, scores, "type")
    assert set(probs) == {"repair", "inquiry", "complaint", "other"}
    assert math.isclose(sum(probs.values()), 1.0)
    fine = m.probabilities("type_fine", scores)
    other = sum(p for label, p in fine.items() if label.startswith("other|"))
    assert math.isclose(probs["other"], (m.probabilities("type", scores)["other"] + other) / 2)


def test_the_two_urgency_models_are_averaged_into_three_levels() -> None:
    m = models()
    scores = m.message_scores(analyse("地库有股很浓的汽油味 有人在旁边抽烟").feature_kinds)
    probs = _with_fine(m, scores, "urgency")
    assert set(probs) == {"normal", "urgent", "critical"}
    assert math.isclose(sum(probs.values()), 1.0)
    fine = m.probabilities("urgency_fine", scores)
    critical = sum(p for label, p in fine.items() if label.startswith("critical|"))
    assert math.isclose(probs["critical"], (m.probabilities("urgency", scores)["critical"] + critical) / 2)


def test_word_features_are_remembered_and_stay_right_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from nlu import features

    words = ["电梯", "坏", "了", "3", "502", "Gas", "LEAK", ",", "a", "İ", "漏水"]
    expected = ["电梯", "坏", "了", "<num>", "<num>", "gas", "leak", "漏水"]  # a lone letter or mark is no word
    assert features.word_features(words) == expected
    assert features.word_pairs(words)[:2] == ["电梯 坏", "坏 了"]
    monkeypatch.setattr(features, "_WORD_FEATURE", features._WordFeatureMemo())
    monkeypatch.setattr(features._WordFeatureMemo, "LIMIT", 2)
    assert features.word_features(words) == expected  # not remembered past the limit, still worked out
    assert len(features._WORD_FEATURE) == 2


def test_a_model_without_character_features_scores_any_text() -> None:
    spec = {"type": {"classes": ["a", "b"], "intercept": [0.5, -0.5], "weights": {"w:漏水": [1.0, -1.0]}}}
    model = Models.from_fields(spec)
    features = Features("漏水\0了", ["漏水", "了"], {"bias"})
    assert model.message_scores(features) == model.scores(features.names()) == [1.5, -1.5]


def test_a_fine_field_lists_each_coarse_labels_classes_together() -> None:
    from nlu.model import FieldModel

    field = FieldModel(("normal|fees", "normal|other", "urgent|fees", "critical|fees"), slice(3, 7))
    assert field.coarse_groups == (("normal", slice(0, 2)), ("urgent", slice(2, 3)), ("critical", slice(3, 4)))
    with pytest.raises(ValueError, match="together"):
        _ = FieldModel(("normal|fees", "urgent|fees", "normal|other"), slice(0, 3)).coarse_groups
