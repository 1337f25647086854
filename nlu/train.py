"""Rebuild the model artefact (data/model.json) from the corpus's train split: `python -m nlu.train`.

Needs the dev extras (scikit-learn). Training is deterministic: the same corpus gives the same artefact.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from nlu.analysis import analyse
from nlu.corpus import CORPUS_DIR, Example, load_split
from nlu.labels import CATEGORIES, TIERS, TYPES, URGENCIES
from nlu.model import MODEL_PATH

REGULARISATION = {"type": 4.0, "urgency": 4.0, "category": 4.0, "tier": 2.0}
"""Inverse regularisation strength C per field, chosen by 5-fold cross-validation on the train split."""
MIN_FEATURE_COUNT = 2
"""A feature seen in fewer training messages is dropped (keeps the artefact small and less overfitted)."""


def training_rows(examples: list[Example]) -> list[tuple[set[str], Example]]:
    """Features of each example, as the parser computes them."""
    return [(analyse(ex.text).features, ex) for ex in examples]


def fit_field(rows: list[tuple[set[str], Example]], field: str, classes: tuple[str, ...], c: float) -> dict:
    """Fit one multinomial logistic regression and export it as plain weights."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts: dict[str, int] = {}
    for feats, _ in rows:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    keep = {f for f, n in counts.items() if n >= MIN_FEATURE_COUNT}
    samples, labels = [], []
    for feats, ex in rows:
        feats = feats & keep
        if field == "category":
            feats = feats | {"type:" + ex.first("type")}
        samples.append(dict.fromkeys(feats, 1))
        labels.append(ex.first(field))
    vectorizer = DictVectorizer(sparse=True)
    matrix = vectorizer.fit_transform(samples)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(matrix, labels)
    learned = list(model.classes_)
    order = [learned.index(label) if label in learned else None for label in classes]
    coef = model.coef_ if len(learned) > 2 else [-model.coef_[0], model.coef_[0]]
    intercept = model.intercept_ if len(learned) > 2 else [-model.intercept_[0], model.intercept_[0]]

    def pick(values, i):
        return round(float(values[i]), 4) if i is not None else -30.0

    weights = {}
    for j, name in enumerate(vectorizer.feature_names_):
        row = [pick([coef[k][j] for k in range(len(learned))], i) for i in order]
        if any(abs(w) >= 1e-3 for w in row):
            weights[name] = row
    return {"classes": list(classes), "intercept": [pick(intercept, i) for i in order], "weights": weights}


def train(examples: list[Example]) -> dict:
    """Fit the four classifiers on labelled examples."""
    rows = training_rows(examples)
    complaints = [r for r in rows if r[1].first("type") == "complaint" and r[1].first("tier")]
    return {
        "type": fit_field(rows, "type", TYPES, REGULARISATION["type"]),
        "urgency": fit_field(rows, "urgency", URGENCIES, REGULARISATION["urgency"]),
        "category": fit_field(rows, "category", CATEGORIES, REGULARISATION["category"]),
        "tier": fit_field(complaints, "tier", TIERS, REGULARISATION["tier"]),
    }


def corpus_digest() -> str:
    """sha256 over the raw corpus files, recorded in the artefact."""
    digest = hashlib.sha256()
    for path in sorted(CORPUS_DIR.glob("raw_*.tsv")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu.train", description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    examples = load_split("train")
    fields = train(examples)
    artefact = {
        "trained_on": f"train split, {len(examples)} messages, corpus {corpus_digest()}",
        "fields": fields,
    }
    args.out.write_text(json.dumps(artefact, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    sizes = {name: len(spec["weights"]) for name, spec in fields.items()}
    print(f"trained on {len(examples)} messages; features per field: {sizes}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
