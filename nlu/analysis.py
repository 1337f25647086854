"""The evidence gathered from one message before any decision: normalised text, words, cues, entities, features."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.features import Features, extract_features
from nlu.homophones import fix_homophones
from nlu.lexicon import CueMatch, find_cues, fix_typos
from nlu.normalize import Normalized, normalize
from nlu.phone import find_phones, own_phone
from nlu.room_number import RoomMention, find_rooms
from nlu.tokenizer import tokens

_FAULT = re.compile(
    r"坏|爆|不亮|不通|不出|堵|漏|裂|掉了|脱落|不转|不响|不工作|不能用|失灵|异响|卡住|打不开|关不上|松动|破|起皮|发霉"
)
_PROBLEM_SPLIT = re.compile(r"[,;!?，。；！？\n]|另外|还有|而且|再就是|同时|以及|顺便")


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the classifiers and the entity fields read."""

    normalized: Normalized
    text: str
    words: list[str]
    cues: list[CueMatch]
    rooms: list[RoomMention]
    phones: list[str]
    phone: str | None
    """The resident's own contact among `phones` (see `own_phone`)."""
    feature_kinds: Features
    problems: int

    @property
    def features(self) -> set[str]:
        """The model's features by name, as training reads them."""
        return self.feature_kinds.names()


def split_problems(text: str) -> list[str]:
    """The clauses of a message that each report a fault ("厨房漏水，还有楼道灯不亮" → two), in order.

    One clause or none means one request; the dialog offers separate tickets when there are several.
    """
    return [clause.strip() for clause in _PROBLEM_SPLIT.split(text) if clause.strip() and _FAULT.search(clause)]


def count_problems(text: str) -> int:
    """How many separate faults the message reports (several problems may deserve separate tickets)."""
    if not _FAULT.search(text):  # no fault anywhere, none in any clause
        return 1
    return max(1, sum(1 for clause in _PROBLEM_SPLIT.split(text) if _FAULT.search(clause)))


def analyse(raw: str) -> Analysis:
    """Normalise, tokenise and gather cues and entities. Pure and side-effect free."""
    normalized = normalize(raw)
    text = fix_homophones(fix_typos(normalized.text))
    words = tokens(text)
    cues = find_cues(text)
    phones = find_phones(text)
    masked = text
    for _, start, end in phones:  # a phone number is never read as a room
        masked = masked[:start] + "#" * (end - start) + masked[end:]
    rooms = find_rooms(masked)
    features = extract_features(
        text,
        words,
        cues,
        emojis=normalized.emojis,
        exclamations=normalized.exclamations,
        has_room=bool(rooms),
        has_phone=bool(phones),
    )
    return Analysis(
        normalized,
        text,
        words,
        cues,
        rooms,
        [p for p, _, _ in phones],
        own_phone(text, phones),
        features,
        count_problems(text),
    )
