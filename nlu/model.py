"""The linear classifiers (one per field) trained by `python -m nlu.train`, scored together in one matrix lookup."""

from __future__ import annotations

import base64
import json
import math
import operator
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import groupby, pairwise, repeat
from pathlib import Path
from typing import Final

import ahocorasick_rs
import numpy as np

from nlu.features import Features, word_features
from nlu.labels import coarse_label
from nlu.lexicon import find_overlapping

_INTERCEPT_ROW: Final[int] = 0
MODEL_PATH: Final[Path] = Path(__file__).parent / "data" / "model.json"
"""The artefact. Rebuilt from the corpus by `python -m nlu.train`; never edited by hand."""
ARTEFACT_FORMAT: Final[int] = 2
"""2: one vocabulary grouped by feature kind and one weight matrix for all fields (1 stored each field apart)."""
KINDS: Final[tuple[str, ...]] = ("w:", "c:", "u:", "t:", "p:", "")
"""Feature kinds in row order: words, bigrams, characters, trigrams, word pairs, then every other feature ("")."""


@dataclass(frozen=True)
class FieldModel:
    """One field's linear classifier (a score per class, read by a softmax): its classes and its columns in the shared
    matrix."""

    classes: tuple[str, ...]
    columns: slice

    @cached_property
    def coarse_groups(self) -> tuple[tuple[str, slice], ...]:
        """Each coarse label (`critical` of `critical|fees`, see `coarse_label`) with the run of classes it covers,
        relative to the field's columns; the classes of a fine field list each coarse label's together."""
        groups: list[tuple[str, slice]] = []
        start = 0
        for coarse, members in groupby(self.classes, key=coarse_label):
            size = len(list(members))
            groups.append((coarse, slice(start, start + size)))
            start += size
        if len({coarse for coarse, _ in groups}) < len(groups):
            raise ValueError(f"the classes of one coarse label are not listed together: {self.classes}")
        return tuple(groups)


def _kind_of(feature: str) -> str:
    """The kind a feature name is looked up by (see `Models.message_scores`): only names `extract_features` can
    produce are keyed without their prefix (a bigram, character or trigram key is Chinese, so a lookup of any other
    pair or character of the text finds nothing, as the regexes of `Features.names` skip it); the rest by full name."""
    kind, key = feature[:2], feature[2:]
    if kind == "w:" or kind == "p:":
        return kind
    if kind in _CJK_KEY_LENGTH and len(key) == _CJK_KEY_LENGTH[kind] and _is_cjk(key):
        return kind
    return ""


_CJK_KEY_LENGTH: Final[dict[str, int]] = {"c:": 2, "u:": 1, "t:": 3}


class Models:
    """All fields' weights in one (features × classes-of-all-fields) matrix, so a message costs one lookup.

    Row 0 holds the intercepts; then the features by kind (`KINDS`), each kind keyed without its prefix, so a
    message's words and word pairs are looked up as they stand and its characters, bigrams and trigrams are found
    by one scan of its text.
    """

    def __init__(
        self,
        fields: dict[str, tuple[str, ...]],
        intercept: list[float],
        keys: dict[str, list[str]],
        matrix: np.ndarray,
        trained_on: str = "",
    ) -> None:
        self.trained_on = trained_on
        self.fields: dict[str, FieldModel] = {}
        width = 0
        for name, classes in fields.items():
            self.fields[name] = FieldModel(tuple(classes), slice(width, width + len(classes)))
            width += len(classes)
        self.keys = keys
        rows: dict[str, dict[str, int]] = {}  # kind → key → row
        start = 1
        for kind in KINDS:
            kind_keys = keys.get(kind, ())
            rows[kind] = dict(zip(kind_keys, range(start, start + len(kind_keys)), strict=True))
            start += len(kind_keys)
        self._rows_by_kind = rows
        if matrix.shape != (start, width):
            raise ValueError(f"model matrix is {matrix.shape}, its vocabulary and fields need {(start, width)}")
        # Every key of the Chinese character kinds (characters, bigrams, trigrams: runs of one to three Chinese
        # characters) in one Aho-Corasick automaton: one pass over a text finds the rows of all its character
        # features, where looking up each character, pair and triple of the text took three dictionary lookups a
        # character (and the trigram strings made first).
        ngram_rows = {**rows["u:"], **rows["c:"], **rows["t:"]}
        self._ngram_rows: list[int | None] = list(ngram_rows.values()) or [None]  # None: `_NO_KEY` is no feature
        self._ngrams = ahocorasick_rs.AhoCorasick(
            list(ngram_rows) or [_NO_KEY],
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )
        # Word keys interned, as `word_features` interns the words it gives: a key found is then the very string
        # looked up, and a lookup need not read the key's characters to compare them.
        self._word_rows: dict[str, int] = dict(zip(map(sys.intern, rows["w:"]), rows["w:"].values(), strict=True))
        # A pair key is its two words joined by a space; a word feature has no space (see word_features).
        self._word_pair_rows: dict[tuple[str, str], int] = dict(
            zip(_interned_pairs(rows["p:"]), rows["p:"].values(), strict=True)
        )
        self._other_rows: dict[str, int] = rows[""]
        self.intercept = np.array(intercept, dtype=float)
        matrix[_INTERCEPT_ROW] = self.intercept
        self.matrix = matrix
        self._intercept_row = matrix[_INTERCEPT_ROW]
        self._field_rows: dict[str, dict[str, list[float]]] = {name: {} for name in self.fields}

    @classmethod
    def from_fields(cls, spec: dict, trained_on: str = "") -> Models:
        """From each field's classes, intercepts and weights as training gives them (feature → weights)."""
        names = dict.fromkeys(feature for field in spec.values() for feature in field["weights"])
        keys: dict[str, list[str]] = {kind: [] for kind in KINDS}
        for feature in names:
            kind = _kind_of(feature)
            keys[kind].append(feature[len(kind) :])
        row_of = _vocabulary(keys)
        width = sum(len(field["classes"]) for field in spec.values())
        matrix = np.zeros((len(row_of) + 1, width), dtype=WEIGHT_DTYPE)
        column = 0
        for field in spec.values():
            weights = field["weights"]
            n = len(field["classes"])
            if weights:
                rows = np.fromiter(map(row_of.__getitem__, weights), np.intp, len(weights))
                matrix[rows, column : column + n] = np.array(list(weights.values()), dtype=float).reshape(-1, n)
            column += n
        intercept = [value for field in spec.values() for value in field["intercept"]]
        fields = {name: tuple(field["classes"]) for name, field in spec.items()}
        return cls(fields, intercept, keys, matrix, trained_on)

    @classmethod
    def from_artefact(cls, data: dict) -> Models:
        """From the stored form (see `artefact`)."""
        if data.get("format") != ARTEFACT_FORMAT:
            raise ValueError(f"model artefact format {data.get('format')!r}: rebuild it with `python -m nlu.train`")
        fields = {name: tuple(field["classes"]) for name, field in data["fields"].items()}
        intercept = [value for field in data["fields"].values() for value in field["intercept"]]
        width = len(intercept)
        units = np.frombuffer(zlib.decompress(base64.b64decode(data["weights"])), dtype="<i4")
        matrix = np.empty((len(units) // width + 1, width), dtype=WEIGHT_DTYPE)
        np.divide(units.reshape(-1, width), WEIGHT_SCALE, out=matrix[1:])
        return cls(fields, intercept, data["keys"], matrix, data.get("trained_on", ""))

    def artefact(self) -> dict:
        """The stored form: fields (classes, intercepts), the feature keys by kind in row order, and the weights as
        one zlib-compressed base64 block of little-endian int32 in units of 1/WEIGHT_SCALE (rows × all columns)."""
        units = np.rint(self.matrix[1:] * WEIGHT_SCALE).astype("<i4")
        intercepts = self.intercept.tolist()
        return {
            "format": ARTEFACT_FORMAT,
            "trained_on": self.trained_on,
            "fields": {
                name: {"classes": list(field.classes), "intercept": intercepts[field.columns]}
                for name, field in self.fields.items()
            },
            "keys": {kind: list(self.keys.get(kind, ())) for kind in KINDS},
            "weights": base64.b64encode(zlib.compress(units.tobytes(), 9)).decode("ascii"),
        }

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """Every feature by full name → its row (training's view; the parser looks features up by kind)."""
        return _vocabulary(self.keys)

    def _row(self, feature: str) -> int | None:
        """One feature's row by its full name, looked up in its kind's rows (without building `vocabulary`)."""
        kind = _kind_of(feature)
        return self._rows_by_kind[kind].get(feature[len(kind) :])

    def _field_weights(self, field: str, feature: str) -> list[float] | None:
        """One known feature's weights for one field's classes, None if unknown. Kept: the extras are a handful."""
        known = self._field_rows[field]
        weights = known.get(feature)
        if weights is None:
            row = self._row(feature)
            if row is None:
                return None
            weights = known[feature] = self.matrix[row, self.fields[field].columns].tolist()
        return weights

    def scores(self, features: Iterable[str]) -> list[float]:
        """Linear scores (intercepts included) of every field's classes for a set of binary features."""
        # The known features' rows (unknown ones map to None, which filter drops; no feature has row 0), sorted so
        # the sum does not depend on the set's iteration order (string hashing differs per process), then the
        # intercepts' row: numpy's axis-0 reduce adds them in that order, (((w1 + w2) + ...) + intercept).
        rows = sorted(filter(None, map(self.vocabulary.get, features)))
        rows.append(_INTERCEPT_ROW)
        return np.add.reduce(self.matrix.take(rows, axis=0), axis=0).tolist()

    def message_scores(self, features: Features) -> list[float]:
        """`scores(features.names())`, without building the names: each kind is looked up in its own rows."""
        rows = set(map(self._ngram_rows.__getitem__, map(_FIRST, find_overlapping(self._ngrams, features.text))))
        words = word_features(features.words)
        rows.update(map(self._word_rows.get, words))
        rows.update(map(self._word_pair_rows.get, pairwise(words)))
        rows.update(map(self._other_rows.get, features.others))
        rows.discard(None)
        if not rows:
            return self._intercept_row.tolist()
        # The rows in ascending order, then the intercepts' row: the additions `scores` makes, in its order and
        # precision. numpy makes and sorts the index array (converting a sorted list costs more than both).
        ordered = np.fromiter(rows, np.intp, len(rows))
        ordered.sort()
        return (np.add.reduce(self.matrix.take(ordered, 0), 0) + self._intercept_row).tolist()

    def coarse_probabilities(self, field: str, scores: list[float]) -> dict[str, float]:
        """Softmax over a fine field's classes (`critical|fees`), summed by coarse label (`critical`)."""
        model = self.fields[field]
        exps, total = _exponentials(scores[model.columns])
        return {coarse: sum(exps[part]) / total for coarse, part in model.coarse_groups}

    def probabilities(self, field: str, scores: list[float], extra: Iterable[str] = ()) -> dict[str, float]:
        """Softmax over one field's classes, from `scores` plus any extra features for that field alone."""
        model = self.fields[field]
        logits = scores[model.columns]
        for feature in extra:
            weights = self._field_weights(field, feature)
            if weights is not None:
                logits = list(map(operator.add, logits, weights))  # same length: the field's classes
        exps, total = _exponentials(logits)
        return dict(zip(model.classes, map(operator.truediv, exps, repeat(total, len(exps))), strict=True))  # e / total


def _exponentials(logits: list[float]) -> tuple[list[float], float]:
    """A softmax's numerators, exp(v - max) for each logit v (so none overflows), and their sum."""
    top = max(logits)
    exps = list(map(math.exp, map(operator.sub, logits, repeat(top, len(logits)))))
    return exps, sum(exps)


_FIRST = operator.itemgetter(0)


def _interned_pairs(keys: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each pair key ("word word") as its two words, interned."""
    for key in keys:
        first, second = key.split(" ")
        yield sys.intern(first), sys.intern(second)


_NO_KEY: Final[str] = "\0"
"""The one key of a model without character features: the automaton needs one, and its row is None (no feature)."""


def _vocabulary(keys: dict[str, list[str]]) -> dict[str, int]:
    """Every feature's full name → its row: the kinds in `KINDS` order, each kind's keys in order, from row 1."""
    names = (kind + key for kind in KINDS for key in keys.get(kind, ()))
    return {name: row for row, name in enumerate(names, start=1)}


def _is_cjk(key: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in key)


def type_features(type_: str, live_groups: Iterable[str]) -> list[str]:
    """The features a type-conditioned field reads besides the message's own: the type, and the type with each
    cue group that speaks of now (a fee word in a complaint is a billing dispute, in an inquiry a question)."""
    return ["type:" + type_] + [f"type:{type_}|cue:{group}:live" for group in live_groups]


WEIGHT_SCALE: Final[int] = 10_000
"""Weights are stored as integers in units of 1/WEIGHT_SCALE (training rounds them to 4 decimals), so the artefact
is compact and quick to read and a weight reads back as the WEIGHT_DTYPE nearest its decimal, as training gives it."""
WEIGHT_DTYPE: Final = np.float32
"""The matrix's number type. Single precision is exact enough (a weight is a multiple of 1e-4 of at most 30; a sum of a
message's rows is off by under 3e-5 on dev) and halves the matrix (48 columns × 134k rows: 26 instead of 51 MB),
which made scoring 2-3 % faster in context (message_scores 40 → 35 µs) than double precision once a second urgency
model widened it."""


def load_models(path: Path = MODEL_PATH) -> Models:
    """Read a model artefact."""
    return Models.from_artefact(json.loads(path.read_text(encoding="utf-8")))


@cache
def models() -> Models:
    """The shipped models, loaded once per process."""
    return load_models()
