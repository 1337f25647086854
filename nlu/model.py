"""The linear classifiers (one per field) trained by `python -m nlu.train`, scored together in one matrix lookup."""

from __future__ import annotations

import base64
import json
import math
import operator
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Final

import numpy as np

from nlu.features import Features, cjk_trigrams, word_features, word_pair_keys

_INTERCEPT_ROW: Final[int] = 0
_LONG_LOWER_CASE_OF_A_CHARACTER: Final[frozenset[str]] = frozenset({"\u0130".lower()})
"""Lower cases of more than one character of a single character (İ, alone in Unicode; a test checks)."""
MODEL_PATH: Final[Path] = Path(__file__).parent / "data" / "model.json"
"""The artefact. Rebuilt from the corpus by `python -m nlu.train`; never edited by hand."""


@dataclass(frozen=True, slots=True)
class FieldModel:
    """A multinomial logistic regression for one field: its classes and its columns in the shared matrix."""

    classes: tuple[str, ...]
    columns: slice


class Models:
    """All fields' weights in one (features × classes-of-all-fields) matrix, so a message costs one lookup."""

    def __init__(self, spec: dict, trained_on: str = "") -> None:
        self.trained_on = trained_on
        self.fields: dict[str, FieldModel] = {}
        vocabulary: dict[str, int] = {}  # feature → its row, from 1: row 0 holds the intercepts
        width = 0
        tables = []
        for name, field in spec.items():
            n = len(field["classes"])
            self.fields[name] = FieldModel(tuple(field["classes"]), slice(width, width + n))
            width += n
            features, weights = _feature_table(field)
            tables.append((self.fields[name].columns, features, weights))
            for feature in features:
                vocabulary.setdefault(feature, len(vocabulary) + 1)
        matrix = np.zeros((len(vocabulary) + 1, width))
        for columns, features, weights in tables:
            if features:
                rows = np.fromiter(map(vocabulary.__getitem__, features), np.intp, len(features))
                matrix[rows, columns] = weights
        self.vocabulary = vocabulary
        # The rows by kind, keyed without the kind's prefix, so a message's words, bigrams and characters are looked up
        # as they stand. Only names `extract_features` can produce go in: a bigram or character key is Chinese, so a
        # lookup of any other pair or character of the text finds nothing, as the regexes of `Features.names` skip it.
        self._word_rows: dict[str, int] = {}
        self._bigram_rows: dict[str, int] = {}
        self._char_rows: dict[str, int] = {}
        self._trigram_rows: dict[str, int] = {}
        self._word_pair_rows: dict[tuple[str, str], int] = {}
        for feature, row in vocabulary.items():
            kind, key = feature[:2], feature[2:]
            if kind == "w:":
                self._word_rows[key] = row
            elif kind == "c:" and len(key) == 2 and _is_cjk(key):
                self._bigram_rows[key] = row
            elif kind == "u:" and len(key) == 1 and _is_cjk(key):
                self._char_rows[key] = row
            elif kind == "t:" and len(key) == 3 and _is_cjk(key):
                self._trigram_rows[key] = row
            elif kind == "p:":
                first, _, second = key.partition(" ")  # a word feature has no space (see word_features)
                self._word_pair_rows[first, second] = row
        # The same bigram and character rows keyed by code: a text's UTF-16 code units, read two at a time as one
        # 32-bit number (`_pair_code`), are its bigrams, without making a string of each pair.
        self._bigram_codes: dict[int, int] = {_pair_code(key): row for key, row in self._bigram_rows.items()}
        self._char_codes: dict[int, int] = {ord(key): row for key, row in self._char_rows.items()}
        self._number_row = self._word_rows.get("<num>")
        # Words are looked up in lower case as they stand unless a key is the lower case of a single character.
        self._words_as_they_stand = _LONG_LOWER_CASE_OF_A_CHARACTER.isdisjoint(self._word_rows)
        self.intercept = np.concatenate([np.array(field["intercept"], dtype=float) for field in spec.values()])
        matrix[_INTERCEPT_ROW] = self.intercept
        self.matrix = matrix
        self._field_rows: dict[str, dict[str, list[float]]] = {name: {} for name in self.fields}

    def _field_weights(self, field: str, feature: str) -> list[float] | None:
        """One known feature's weights for one field's classes, None if unknown. Kept: the extras are a handful."""
        known = self._field_rows[field]
        weights = known.get(feature)
        if weights is None:
            row = self.vocabulary.get(feature)
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
        text = features.text
        units = text.encode(_UTF16, "surrogatepass")
        if text and len(units) == 2 * len(text):  # one code unit a character: no character beyond the BMP
            # Every pair of characters as the 32-bit numbers of the code units at even, then odd offsets (a zero
            # unit pads the end: a pair ending in it is no key), every character as its code unit.
            if len(units) & 2:
                units += b"\0\0"
            pairs = self._bigram_codes.get
            rows = set(map(pairs, memoryview(units).cast("I").tolist()))
            rows.update(map(pairs, memoryview(units[2:] + b"\0\0").cast("I").tolist()))
            rows.update(map(self._char_codes.get, memoryview(units).cast("H").tolist()))
        else:
            rows = set(map(self._bigram_rows.get, map(operator.add, text, text[1:])))  # every pair of characters
            rows.update(map(self._char_rows.get, text))
        rows.update(map(self._trigram_rows.get, cjk_trigrams(text)))
        rows.update(map(self._word_pair_rows.get, word_pair_keys(features.words)))
        if self._words_as_they_stand:
            # The words as `word_features` makes them, without a Python step a word: every word in lower case, a
            # digit word as <num>. The lower case of a digit word or of a single character other than a Chinese one
            # is no key: the keys are <num>, single Chinese characters and longer words, and (checked at loading)
            # not the one longer lower case of a single character (İ → i̇).
            words = "".join(features.words)
            if words.lower() == words:  # no character lower case changes (Chinese, digits): nor in any word
                rows.update(map(self._word_rows.get, features.words))
            else:
                rows.update(map(self._word_rows.get, map(str.lower, features.words)))
            if self._number_row is not None and any(map(str.isdigit, features.words)):
                rows.add(self._number_row)
        else:
            rows.update(map(self._word_rows.get, word_features(features.words)))
        rows.update(map(self.vocabulary.get, features.others))
        rows.discard(None)
        if not rows:
            return self.intercept.tolist()
        # The rows in ascending order, then the intercepts: the additions `scores` makes, in its order. numpy makes
        # and sorts the index array (converting a sorted list costs more than both).
        ordered = np.fromiter(rows, np.intp, len(rows))
        ordered.sort()
        return (np.add.reduce(self.matrix.take(ordered, 0), 0) + self.intercept).tolist()

    def probabilities(self, field: str, scores: list[float], extra: Iterable[str] = ()) -> dict[str, float]:
        """Softmax over one field's classes, from `scores` plus any extra features for that field alone."""
        model = self.fields[field]
        logits = scores[model.columns]
        for feature in extra:
            weights = self._field_weights(field, feature)
            if weights is not None:
                logits = list(map(operator.add, logits, weights))  # same length: the field's classes
        top = max(logits)
        exps = list(map(math.exp, map(operator.sub, logits, repeat(top, len(logits)))))  # exp(v - top), v in logits
        total = sum(exps)
        return dict(zip(model.classes, map(operator.truediv, exps, repeat(total, len(exps))), strict=True))  # e / total


_UTF16: Final[str] = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
"""UTF-16 in the machine's byte order, so that memoryview.cast reads its code units as numbers."""


def _pair_code(pair: str) -> int:
    """Two BMP characters as memoryview(pair.encode(_UTF16)).cast("I") reads them: one 32-bit number."""
    return int.from_bytes(pair.encode(_UTF16), sys.byteorder)


def _is_cjk(key: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in key)


def type_features(type_: str, live_groups: Iterable[str]) -> list[str]:
    """The features a type-conditioned field reads besides the message's own: the type, and the type with each
    cue group that speaks of now (a fee word in a complaint is a billing dispute, in an inquiry a question)."""
    return ["type:" + type_] + [f"type:{type_}|cue:{group}:live" for group in live_groups]


WEIGHT_SCALE: Final[int] = 10_000
"""Weights are stored as integers in units of 1/WEIGHT_SCALE (training rounds them to 4 decimals), so the artefact
is compact and quick to read and a weight reads back as the float its decimal would parse to."""


def pack_field(field: dict) -> dict:
    """A field as stored: classes, intercepts, the feature names in order, and their weights as one zlib-compressed
    base64 block of little-endian int32 (features × classes, row by row)."""
    features, table = _feature_table(field)
    units = np.rint(table * WEIGHT_SCALE)
    block = base64.b64encode(zlib.compress(units.astype("<i4").tobytes(), 9)).decode("ascii")
    return {"classes": field["classes"], "intercept": field["intercept"], "features": features, "weights": block}


def _feature_table(field: dict) -> tuple[list[str], np.ndarray]:
    """A field's feature names and their weights (features × classes), stored (see `pack_field`) or as trained (a
    dict of feature → weights)."""
    weights = field["weights"]
    if isinstance(weights, dict):
        return list(weights), np.array(list(weights.values()), dtype=float).reshape(len(weights), len(field["classes"]))
    units = np.frombuffer(zlib.decompress(base64.b64decode(weights)), dtype="<i4")
    return field["features"], (units / WEIGHT_SCALE).reshape(len(field["features"]), len(field["classes"]))


def load_models(path: Path = MODEL_PATH) -> Models:
    """Read a model artefact."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Models(data["fields"], data.get("trained_on", ""))


@cache
def models() -> Models:
    """The shipped models, loaded once per process."""
    return load_models()
