"""Training exports each field as plain weights the parser's one-matrix model reads: NB-scaled one-vs-rest
regressions, whose weights already include the naive-Bayes ratios."""

import pytest

from nlu.corpus import Example
from nlu.labels import TYPES, URGENCIES
from nlu.model import Models
from nlu.train import fit_field

_WORDS = {"repair": "w:漏水", "inquiry": "w:请问", "complaint": "w:投诉"}


def _rows(n: int = 6) -> list[tuple[set[str], Example]]:
    """Each type but `other` taught by its own word, with a shared word and one of several filler words."""
    rows = []
    for type_, word in _WORDS.items():
        for i in range(n):
            feats = {"bias", "w:物业", word, f"w:填充{i % 3}"}
            rows.append((feats, Example(f"{type_}{i}", "text", type_, "normal", "engineering", "", "", "")))
    return rows


def _top(spec: dict, field: str, features: set[str]) -> str:
    models = Models.from_fields({field: spec})
    probs = models.probabilities(field, models.scores(features))
    return max(probs, key=probs.__getitem__)


@pytest.mark.parametrize("field", ["type", "urgency"])
def test_a_fitted_field_ranks_the_class_its_word_teaches_first(field: str) -> None:
    classes = TYPES if field == "type" else URGENCIES
    rows = _rows()
    if field == "urgency":  # the same words, teaching urgencies instead of types
        levels = dict(zip(_WORDS, ("normal", "urgent", "critical"), strict=True))
        rows = [(f, Example(e.id, e.text, e.type, levels[e.type], e.category, "", "", "")) for f, e in rows]
    spec = fit_field(rows, field, classes, 4.0)
    assert spec["classes"] == list(classes)
    for type_, word in _WORDS.items():
        expected = type_ if field == "type" else levels[type_]
        assert _top(spec, field, {"bias", "w:物业", word}) == expected


def test_a_class_never_seen_cannot_win() -> None:
    spec = fit_field(_rows(), "type", TYPES, 4.0)
    other = TYPES.index("other")
    assert spec["intercept"][other] == -30.0
    assert all(weights[other] == -30.0 for weights in spec["weights"].values())
    assert _top(spec, "type", {"bias"}) != "other"


def test_a_row_whose_gold_allows_two_types_teaches_both() -> None:
    """A message that is as much a question as a repair request ("inquiry/repair") is a positive example of both
    classes' regressions: the evaluation accepts either, and teaching only the first listed would teach the repair
    regression that such words are evidence against repair."""
    rows = _rows()
    for i in range(6):
        feats = {"bias", "w:物业", "w:两可", f"w:填充{i % 3}"}
        rows.append((feats, Example(f"both{i}", "text", "inquiry/repair", "normal", "engineering", "", "", "")))
    spec = fit_field(rows, "type", TYPES, 4.0)
    weights = dict(zip(spec["classes"], spec["weights"]["w:两可"], strict=True))
    assert weights["inquiry"] > 0
    assert weights["repair"] > 0
    assert weights["complaint"] < 0


def test_a_learning_curve_share_is_stable_and_nested() -> None:
    """`--cv --curve` fits each fold on a share of its rows: the same rows every run, and a larger share holds every
    row of a smaller one, so the curve measures more data, not other data."""
    from nlu.train import in_share

    ids = [f"x{i:04d}" for i in range(2000)]
    quarter = {i for i in ids if in_share(i, 0.25)}
    half = {i for i in ids if in_share(i, 0.5)}
    assert quarter <= half
    assert {i for i in ids if in_share(i, 1.0)} == set(ids)
    assert 400 < len(quarter) < 600 and 900 < len(half) < 1100
    assert quarter == {i for i in ids if in_share(i, 0.25)}


def test_cross_validation_on_a_share_fits_on_fewer_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    from nlu import train
    from nlu.corpus import load_split

    examples = load_split("train")[:300]
    fitted: list[int] = []
    real_fit = train.fit_rows

    def counting_fit(rows, regularisation=train.REGULARISATION):
        fitted.append(len(rows))
        return real_fit(rows, regularisation)

    monkeypatch.setattr(train, "fit_rows", counting_fit)
    report = train.cross_validate(examples, folds=2, share=0.5)
    assert report.total == 300  # every row is still scored once
    assert len(fitted) == 2 and all(60 < n < 100 for n in fitted)  # about half of each fold's ~150 rows
