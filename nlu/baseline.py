"""The comparison baseline: TF-IDF over jieba tokens with logistic regression, one model per field (dev extras)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlu.corpus import Example
from nlu.normalize import normalize
from nlu.tokenizer import tokens

FIELDS = ("type", "urgency", "category", "tier")


@dataclass(frozen=True, slots=True)
class BaselinePrediction:
    """The baseline predicts the four classification fields; it has no entity extraction."""

    type: str
    urgency: str
    category: str
    tier: str | None
    room: str | None = None
    phone: str | None = None


def _tokens(text: str) -> list[str]:
    return tokens(normalize(text).text)


class Baseline:
    """TF-IDF (jieba tokens, unigrams and bigrams) + logistic regression, trained on the same split as the parser."""

    def __init__(self) -> None:
        self.pipelines: dict = {}

    def fit(self, examples: Sequence[Example]) -> Baseline:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        for name in FIELDS:
            rows = [ex for ex in examples if name != "tier" or (ex.first("type") == "complaint" and ex.first("tier"))]
            pipeline = make_pipeline(
                TfidfVectorizer(tokenizer=_tokens, lowercase=False, token_pattern=None, ngram_range=(1, 2)),
                LogisticRegression(max_iter=5000),
            )
            pipeline.fit([ex.text for ex in rows], [ex.first(name) for ex in rows])
            self.pipelines[name] = pipeline
        return self

    def predict(self, text: str) -> BaselinePrediction:
        labels = {name: pipeline.predict([text])[0] for name, pipeline in self.pipelines.items()}
        return BaselinePrediction(
            type=labels["type"],
            urgency=labels["urgency"],
            category=labels["category"],
            tier=labels["tier"] if labels["type"] == "complaint" else None,
        )
