"""Storage speaks the same label strings as `nlu.parse`."""

from __future__ import annotations

from nlu import labels
from storage.vocabulary import Category, TicketType, Urgency


def test_labels_match_the_nlu_contract() -> None:
    assert tuple(TicketType) == labels.TYPES
    assert tuple(Urgency) == labels.URGENCIES
    assert tuple(Category) == labels.CATEGORIES
