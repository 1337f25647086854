"""The labelled corpus: reading the contract's TSV format, and the deterministic train/dev split."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

CORPUS_DIR: Final[Path] = Path(__file__).parent / "corpus"
COLUMNS: Final[tuple[str, ...]] = ("id", "text", "type", "urgency", "category", "tier", "room", "phone")
DEV_SHARE: Final[int] = 25
"""Percent of rows in the dev split, chosen by a hash of the row id (stable as rows are added)."""


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled message. Gold cells may hold several acceptable values separated by `/`."""

    id: str
    text: str
    type: str
    urgency: str
    category: str
    tier: str
    room: str
    phone: str

    def gold(self, field: str) -> set[str]:
        """The acceptable values of a field; {''} means none."""
        return set(getattr(self, field).split("/")) if getattr(self, field) else {""}

    def first(self, field: str) -> str:
        """The first (preferred) gold value, used for training."""
        return getattr(self, field).split("/")[0]


def read_tsv(path: Path | str) -> list[Example]:
    """Read a labelled TSV with the contract's header; raises ValueError naming the line of a malformed row."""
    examples = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header[: len(COLUMNS)]) != COLUMNS:
            raise ValueError(f"{path}: the header must be: {' '.join(COLUMNS)}")
        for lineno, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            row = (row + [""] * len(COLUMNS))[: len(COLUMNS)]
            if not row[1].strip():
                raise ValueError(f"{path}:{lineno}: empty text")
            examples.append(Example(*(cell.strip() for cell in row)))
    return examples


def id_hash(example_id: str, salt: str = "") -> int:
    """A stable number for a row, from its id (and a salt, so that splits chosen by it are independent)."""
    return int(hashlib.sha256((salt + example_id).encode()).hexdigest(), 16)


def in_dev(example_id: str) -> bool:
    """Whether a row belongs to the dev split."""
    return id_hash(example_id) % 100 < DEV_SHARE


def load_split(name: str) -> list[Example]:
    """`train` or `dev`: every raw_*.tsv in the corpus folder, split by id."""
    rows = [ex for path in sorted(CORPUS_DIR.glob("raw_*.tsv")) for ex in read_tsv(path)]
    want_dev = name == "dev"
    return [ex for ex in rows if in_dev(ex.id) == want_dev]


def write_split(name: str, path: Path) -> int:
    """Write one split as a TSV in the contract's format; returns the row count."""
    rows = load_split(name)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(COLUMNS) + "\n")
        for ex in rows:
            fh.write("\t".join(getattr(ex, c) for c in COLUMNS) + "\n")
    return len(rows)
