"""Models.message_scores finds a text's character, bigram and trigram features in one automaton pass: every length
and character range gives what scoring the features by name gives."""

import pytest

from nlu.analysis import analyse
from nlu.features import Features
from nlu.model import models


@pytest.mark.parametrize(
    "text",
    ["漏", "漏水", "漏水了", "卫生间漏水了", "a漏水", "漏水a", "😀漏水了", "漏水😀了", "ÄBC 漏水", "Σ 电梯坏了"],
)
def test_every_length_and_character_range_gives_the_scores_of_the_names(text: str) -> None:
    analysis = analyse(text)
    assert models().message_scores(analysis.feature_kinds) == models().scores(analysis.features)


@pytest.mark.parametrize("text", ["\ud800漏水了", "漏水\udfff", "漏\ud83d\ude00水"])
def test_a_text_with_surrogates_is_scored_as_by_names(text: str) -> None:
    features = Features(text, ["漏水", "了"], {"bias"})
    assert models().message_scores(features) == models().scores(features.names())
