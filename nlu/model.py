"""The linear classifiers (one per field) trained by `python -m nlu.train`, scored with plain dict lookups."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

MODEL_PATH: Final[Path] = Path(__file__).parent / "data" / "model.json"
"""The artefact. Rebuilt from the corpus by `python -m nlu.train`; never edited by hand."""


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A multinomial logistic regression: per-class intercepts and per-feature weight rows."""

    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """Softmax over the classes for a set of binary features."""
        scores = list(self.intercept)
        n = len(scores)
        weights = self.weights
        for feature in features:
            row = weights.get(feature)
            if row is not None:
                for i in range(n):
                    scores[i] += row[i]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True, slots=True)
class Models:
    """One classifier per field of the request, and what they were trained on."""

    fields: dict[str, LinearModel]
    trained_on: str


def load_models(path: Path = MODEL_PATH) -> Models:
    """Read a model artefact."""
    data = json.loads(path.read_text(encoding="utf-8"))
    fields = {
        name: LinearModel(
            classes=tuple(spec["classes"]),
            intercept=tuple(spec["intercept"]),
            weights={feature: tuple(row) for feature, row in spec["weights"].items()},
        )
        for name, spec in data["fields"].items()
    }
    return Models(fields=fields, trained_on=data.get("trained_on", ""))


@cache
def models() -> Models:
    """The shipped models, loaded once per process."""
    return load_models()
