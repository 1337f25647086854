"""Every labelled set that ships (the corpus and the challenge sets) uses only the contract's labels: a typo in a gold
cell would silently count as a miss, or as a hit for nothing."""

import re
from pathlib import Path

import pytest

from nlu.corpus import CORPUS_DIR, read_tsv
from nlu.labels import CATEGORIES, TIERS, TYPES, URGENCIES

CHALLENGE_DIR = CORPUS_DIR.parent / "challenge"
SETS = sorted(CORPUS_DIR.glob("raw_*.tsv")) + sorted(CHALLENGE_DIR.glob("*.tsv"))
CANONICAL_ROOM = re.compile(r"(?:(?:\d+|[A-Z]+)-(?:\d+-)?)?\d+")
"""building-unit-room, building-room or room (the contract's canonical form)."""
ALLOWED = {"type": set(TYPES), "urgency": set(URGENCIES), "category": set(CATEGORIES), "tier": {"", *TIERS}}


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_gold_cells_hold_contract_labels(path: Path) -> None:
    examples = read_tsv(path)
    assert examples
    assert len({ex.id for ex in examples}) == len(examples), "ids repeat"
    for ex in examples:
        for field, allowed in ALLOWED.items():
            assert ex.gold(field) <= allowed, (ex.id, field, getattr(ex, field))
        assert all(CANONICAL_ROOM.fullmatch(room) for room in ex.gold("room") - {""}), (ex.id, ex.room)
        assert all(phone.isdigit() and len(phone) == 11 for phone in ex.gold("phone") - {""}), (ex.id, ex.phone)
