"""Room numbers in resident text, in the canonical form of the NLU contract: 3-2-502, B-1203, 3-502, 502."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

_B = r"(?P<b>\d{1,3}|[A-Za-z])"
_U = r"(?P<u>\d{1,2})"
_R = r"(?P<r>\d{3,4})"
_BUILDING_WORD = r"(?:号楼|号栋|栋楼|栋|幢|座|号|#|区|楼)"
_ROOM_WORD = r"(?:室|房间|房|号房|号|户)?"
_SEP = r"\s*[-/—_~\s]\s*"
_NOT_DIGIT_BEFORE = r"(?<![\d.:A-Za-z])"
_NOT_DIGIT_AFTER = r"(?![\d.:%])(?!\s*(?:元|块|年|月|日|天|点|分|个|次|米|平|万|斤|度|w|W|kg|%))"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 3栋2单元502, 3号楼二单元502室, B座1单元1203
    ("bur", re.compile(_NOT_DIGIT_BEFORE + _B + r"\s*" + _BUILDING_WORD + r"\s*" + _U + r"\s*单元\s*(?:的)?\s*" + _R
                       + _ROOM_WORD + _NOT_DIGIT_AFTER)),
    # 3栋2-502, 3#2-502
    ("bur", re.compile(_NOT_DIGIT_BEFORE + _B + r"\s*" + _BUILDING_WORD + r"\s*" + _U + r"\s*[-/]\s*" + _R
                       + _NOT_DIGIT_AFTER)),
    # 3-2-502, 3/2/502
    ("bur", re.compile(_NOT_DIGIT_BEFORE + _B + r"\s*[-/]\s*" + _U + r"\s*[-/]\s*" + _R + _NOT_DIGIT_AFTER)),
    # 3号楼502, B座1203, 3栋-502
    ("br", re.compile(_NOT_DIGIT_BEFORE + _B + r"\s*(?:号楼|号栋|栋楼|栋|幢|座|#|区)\s*-?\s*" + _R + _ROOM_WORD
                      + _NOT_DIGIT_AFTER)),
    # B-1203
    ("br", re.compile(r"(?<![\dA-Za-z])(?P<b>[A-Za-z])\s*-\s*" + _R + _NOT_DIGIT_AFTER)),
    # 2单元502 without a building
    ("ur", re.compile(_NOT_DIGIT_BEFORE + _U + r"\s*单元\s*" + _R + _ROOM_WORD + _NOT_DIGIT_AFTER)),
    # 502室, 502房, 房号502, 我家502, 住502
    ("r", re.compile(_NOT_DIGIT_BEFORE + _R + r"\s*(?:室|房(?!子)|号房|户)")),
    ("r", re.compile(r"(?:房号|房间号|门牌号?|我家|我们家|家住|住在|住|业主|我是)\s*(?:是|:)?\s*" + _R
                     + _NOT_DIGIT_AFTER + r"(?!\s*号)")),
    ("r", re.compile(_NOT_DIGIT_BEFORE + _R + r"\s*(?:的业主|的住户|业主|住户)")),
]  # fmt: skip

_HAS_ROOM_DIGITS = re.compile(r"\d{3}")
"""Every room pattern needs a room part of 3-4 digits: a text without three digits in a row has no room."""

_RUN_ANCHORS: Final[tuple[str, ...]] = (_NOT_DIGIT_BEFORE, r"(?<![\dA-Za-z])")
"""A pattern that opens with one of these lookbehinds and then a building, unit or room part (a digit or a letter)
can only match from a digit or letter with no digit or letter just before it."""
_RUN_START = re.compile(r"(?<![\dA-Za-z])[\dA-Za-z]")
"""Where such a match can start. A lookbehind at the front of a pattern stops the regex engine from skipping ahead
to a likely start, so it tries every position; matching only at these few is the same and much cheaper."""


def _matches(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` finds, `starts` being the run starts of the text (ascending)."""
    if not pattern.pattern.startswith(_RUN_ANCHORS):
        if pattern.search(text):  # a search is much cheaper than setting up a finditer that finds nothing
            yield from pattern.finditer(text)
        return
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)) is not None:
            yield match
            end = match.end()


# A room number that belongs to someone else: the resident's own comes from elsewhere in the message.
_OTHERS = re.compile(r"(?:楼上|楼下|隔壁|对门|对面|邻居|他家|她家|他们家|别人家)[^,，。!！?？\s]{0,3}$")


@dataclass(frozen=True, slots=True)
class RoomMention:
    """One room number found in a text: canonical form, where, and whether it is someone else's."""

    canonical: str
    start: int
    end: int
    others: bool


def _canonical(kind: str, match: re.Match[str]) -> str:
    groups = match.groupdict()
    building = (groups.get("b") or "").upper()
    unit = groups.get("u") or ""
    room = groups["r"]
    if building.isdigit():
        building = str(int(building))
    if unit:
        unit = str(int(unit))
    if kind == "bur":
        return f"{building}-{unit}-{room}"
    if kind == "br":
        return f"{building}-{room}"
    return room  # "ur" (a unit without a building) and "r": the room alone


def find_rooms(text: str) -> list[RoomMention]:
    """Every room number in a normalised text, in order, overlapping candidates resolved by pattern priority."""
    if not _HAS_ROOM_DIGITS.search(text):
        return []
    taken: list[tuple[int, int]] = []
    found: list[RoomMention] = []
    starts = [m.start() for m in _RUN_START.finditer(text)]
    for kind, pattern in _PATTERNS:
        for match in _matches(pattern, text, starts):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            others = bool(_OTHERS.search(text[max(0, start - 8) : start]))
            found.append(RoomMention(_canonical(kind, match), start, end, others))
    found.sort(key=lambda m: m.start)
    return _with_building(text, found, starts)


# A building (and unit) named on its own, apart from the room: 我家2102，22号楼 / 我是15栋1单元的，住1203.
_BUILDING_ALONE = re.compile(
    r"(?<![\d.:A-Za-z])(?P<b>\d{1,3}|[A-Za-z])\s*(?:号楼|号栋|栋楼|栋|幢|座)(?:\s*(?P<u>\d{1,2})\s*单元)?(?!\s*\d(?!\d?\s*[楼层]))"
)


_BARE = re.compile(
    r"(?<![\d.:A-Za-z#])(?P<r>\d{3,4})(?![\d.:%]|\s*(?:元|块|年|月|日|天|点|分|个|次|米|平|万|斤|度|号楼|栋|幢|座|楼|层|w|W))"
)


def _with_building(text: str, mentions: list[RoomMention], starts: list[int]) -> list[RoomMention]:
    """Complete bare room numbers with the one building (and unit) the message names elsewhere."""
    buildings = {
        (m.group("b").upper().lstrip("0") or "0", m.group("u") or "")
        for m in _matches(_BUILDING_ALONE, text, starts)
        if not any(r.start <= m.start() < r.end for r in mentions)
    }
    if len(buildings) != 1:
        return mentions
    if not mentions:
        # 1203的 8号楼 / 3201 25栋: with a building named, one bare 3-4 digit number is the room.
        bare = [m for m in _BARE.finditer(text) if not _BUILDING_ALONE.match(text, m.start())]
        if len(bare) != 1:
            return mentions
        mentions = [RoomMention(bare[0].group("r"), bare[0].start(), bare[0].end(), False)]
    building, unit = buildings.pop()
    prefix = f"{building}-{int(unit)}-" if unit else f"{building}-"
    return [
        RoomMention(prefix + m.canonical, m.start, m.end, m.others) if "-" not in m.canonical else m for m in mentions
    ]


def own_room(mentions: list[RoomMention]) -> str | None:
    """The resident's own room: the first mention not marked as a neighbour's, else the first one."""
    own = [m for m in mentions if not m.others]
    return (own or mentions)[0].canonical if mentions else None


def find_room(text: str) -> str | None:
    """The resident's own room in a normalised text, or None."""
    return own_room(find_rooms(text))
