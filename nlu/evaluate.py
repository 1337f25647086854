"""Score the parser on a labelled TSV: `python -m nlu.evaluate FILE.tsv` (format: ../shared/spec/nlu.md)."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from nlu.corpus import Example, load_split, read_tsv
from nlu.labels import TYPES, URGENCIES

FIELDS = ("type", "urgency", "category", "tier", "room", "phone")


class Prediction(Protocol):
    type: str
    urgency: str
    category: str
    tier: str | None
    room: str | None
    phone: str | None


@dataclass
class Report:
    """Per-field accuracy, confusion counts and critical recall of one run."""

    total: int = 0
    correct: Counter = field(default_factory=Counter)
    scored: Counter = field(default_factory=Counter)
    confusion: dict[str, Counter] = field(default_factory=lambda: {"type": Counter(), "urgency": Counter()})
    critical_gold: int = 0
    critical_found: int = 0
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.correct[name] / self.scored[name] if self.scored[name] else 1.0

    @property
    def critical_recall(self) -> float:
        return self.critical_found / self.critical_gold if self.critical_gold else 1.0


def score(examples: Sequence[Example], predict: Callable[[str], Prediction]) -> Report:
    """Run `predict` on every example and count what it got right."""
    report = Report()
    for ex in examples:
        pred = predict(ex.text)
        report.total += 1
        for name in FIELDS:
            if name == "tier" and ex.type != "complaint":
                continue
            value = getattr(pred, name) or ""
            report.scored[name] += 1
            if value in ex.gold(name):
                report.correct[name] += 1
            else:
                report.misses.append((ex.id, name, ex.__getattribute__(name) or "-", value or "-"))
        for name in ("type", "urgency"):
            report.confusion[name][(ex.first(name), getattr(pred, name))] += 1
        if "critical" in ex.gold("urgency"):
            report.critical_gold += 1
            report.critical_found += pred.urgency == "critical"
    return report


def _table(title: str, labels: Sequence[str], counts: Counter) -> list[str]:
    width = max(len(label) for label in labels) + 2
    lines = [
        f"{title} confusion (rows gold, columns predicted)",
        " " * width + "".join(f"{lb:>{width}}" for lb in labels),
    ]
    for gold in labels:
        lines.append(f"{gold:<{width}}" + "".join(f"{counts[(gold, p)]:>{width}}" for p in labels))
    return lines


def format_report(report: Report, *, show_misses: bool = False) -> str:
    """The human-readable report."""
    lines = [f"messages: {report.total}"]
    for name in FIELDS:
        lines.append(f"{name:<9} {100 * report.accuracy(name):6.2f} %  ({report.correct[name]}/{report.scored[name]})")
    lines.append(
        f"critical recall {100 * report.critical_recall:6.2f} %  ({report.critical_found}/{report.critical_gold})"
    )
    lines.append("")
    lines += _table("type", TYPES, report.confusion["type"])
    lines.append("")
    lines += _table("urgency", URGENCIES, report.confusion["urgency"])
    if show_misses:
        lines.append("")
        lines += [f"miss {i} {name}: gold {g} got {p}" for i, name, g, p in report.misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu.evaluate", description=__doc__)
    parser.add_argument(
        "file", help="labelled TSV (id text type urgency category tier room phone), or `train` / `dev`: a corpus split"
    )
    parser.add_argument("--misses", action="store_true", help="list every wrong field")
    args = parser.parse_args(argv)
    from nlu import parse

    examples = load_split(args.file) if args.file in ("train", "dev") else read_tsv(args.file)
    print(format_report(score(examples, parse), show_misses=args.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
