"""Room numbers in resident text, in the canonical form of the NLU contract: 3-2-502, B-1203, 3-502, 502."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import Final

from nlu.lexicon import corrections
from nlu.regex_factors import required_factors

_B = r"(?P<b>\d{1,3}|[A-Za-z]\d?)"
"""A building: a number, a letter (B座), or a letter and a digit (B2栋, as estates built in phases name them)."""
_B_LETTER = r"(?P<b>\d{1,3}|[A-Za-z])"
"""A building with no building word after it (3-2-502, B-1203): a letter and digit there is a parking level (B2-105)."""
_U = r"(?P<u>\d{1,2})"
_R = r"(?P<r>\d{3,4})"
_BUILDING_TYPO = r"动|洞|冻|顿|号搂"
"""What input methods and speech give for 栋 and 号楼 (4动2单元1102, 7洞603, 13顿502, 5号搂801): read only between a
building number and a unit or room."""
_BUILDING_WORD = rf"(?:号楼|号栋|栋楼|栋|幢|座|号|#楼|#|区|楼|{_BUILDING_TYPO})"
_UNIT_WORD = r"(?:单元|单玄|单圆|单员|单原|门|梯)"
"""单元 (or a homophone input methods give: 单玄, 单圆), or a regional word for it: 门 in Beijing (3号楼2门502), 梯 in
Guangdong (12栋2梯1003); only between a building and a room."""
_ROOM_WORD = r"(?:室|房间|房|号房|号|户)?"
_SEP = r"\s*[-/—_~\s]\s*"
_NOT_DIGIT_BEFORE = r"(?<![\d.A-Za-z])(?<!\d:)"
"""Not inside a number, a decimal or a time (10:30); a colon after a word (地址：3栋) is fine."""
_NOT_DIGIT_AFTER = r"(?![\d:%])(?!\.\d)(?!个)(?!\s*(?:元|块|年|月|日|天|点|分|次|米|平|万|斤|度|页|w|W|kg|%))"
"""Not a decimal, a time or an amount (502元, 1203 块). 个 counts only written right after the number (502个): after a
space it opens the next phrase (Cantonese 我係1座2601 個電錶箱, 3栋502 个人觉得)."""

_SELF_WORDS: Final[tuple[str, ...]] = ("我是", "我住", "住在", "家住", "我们是", "我们住")
"""Words with which residents say where they themselves are (我是楼下的, 我住隔壁)."""
_AM_THE_NEIGHBOUR = rf"(?:{'|'.join(_SELF_WORDS)})\s*在?\s*(?:楼上|楼下|隔壁|对门)的?"
"""The resident saying they are the neighbour upstairs, downstairs or opposite (我是楼下1102的); 我家楼上1402 is the
neighbour's room."""

_I_LIVE_IN = r"(?:I['’]?m in|I am in|I live in|we['’]?re in|we live in)"
"""English for the resident's own room (I'm in 1803): a room pattern of its own, and a mark of the resident's room."""

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 3栋2单元502, 3号楼二单元502室, B座1单元1203, 7号楼3门502, 12栋2梯1003
    ("bur", re.compile(_NOT_DIGIT_BEFORE + _B + r"\s*" + _BUILDING_WORD + r"\s*/?\s*" + _U + r"\s*" + _UNIT_WORD
                       + r"\s*(?:的|/)?\s*" + _R + _ROOM_WORD + _NOT_DIGIT_AFTER)),
    # 3栋2-502, 3#2-502
    ("bur", re.compile(_NOT_DIGIT_BEFORE + _B + r"\s*" + _BUILDING_WORD + r"\s*" + _U + r"\s*[-/]\s*" + _R
                       + _NOT_DIGIT_AFTER)),
    # 3-2-502, 3/2/502, 3.2.502
    ("bur", re.compile(_NOT_DIGIT_BEFORE + _B_LETTER + r"\s*[-/]\s*" + _U + r"\s*[-/]\s*" + _R + _NOT_DIGIT_AFTER)),
    ("bur", re.compile(_NOT_DIGIT_BEFORE + _B_LETTER + r"\." + _U + r"\." + _R + _NOT_DIGIT_AFTER)),
    # 3号楼502, B座1203, 3栋-502
    ("br", re.compile(_NOT_DIGIT_BEFORE + _B + rf"\s*(?:号楼|号栋|栋楼|栋|幢|座|#楼|#|区|{_BUILDING_TYPO})\s*-?\s*"
                      + _R + _ROOM_WORD + _NOT_DIGIT_AFTER)),
    # 16楼1603, 9层 902: a floor, then a room on that floor (`find_rooms` checks the floor); the room alone
    ("fr", re.compile(_NOT_DIGIT_BEFORE + r"(?P<f>\d{1,2})\s*[楼层]\s*(?:的)?\s*" + _R + _ROOM_WORD
                      + _NOT_DIGIT_AFTER)),
    # B-1203
    ("br", re.compile(r"(?<![\dA-Za-z])(?P<b>[A-Za-z])\s*-\s*" + _R + _NOT_DIGIT_AFTER)),
    # 9-603, 26-2601: a bare pair of numbers, read as building and room (as unit and room when the building is
    # named apart, see `_with_building`); only a plausible room (`_plausible_room`), not 1-100 or 500-1000
    ("pr", re.compile(r"(?<![-/—第])" + _NOT_DIGIT_BEFORE + r"(?P<b>[1-9]\d?)\s*[-—]\s*" + _R + _NOT_DIGIT_AFTER
                      + r"(?!\s*[-/—]\s*\d)")),
    # 2单元502 without a building
    ("ur", re.compile(_NOT_DIGIT_BEFORE + _U + r"\s*单元\s*" + _R + _ROOM_WORD + _NOT_DIGIT_AFTER)),
    # 502室, 502房, 房号502, 我家502, 住502
    ("r", re.compile(_NOT_DIGIT_BEFORE + _R + r"\s*(?:室|房(?!子)|号房|户)")),
    ("r", re.compile(r"(?:房号|房间号|门牌号?|我家|我们家|家住|住在|住|业主|我是)\s*(?:是|在|:)?\s*" + _R
                     + _NOT_DIGIT_AFTER + r"(?!\s*号)")),
    # 我是楼下1102的, 我住楼上1302: the resident is the neighbour upstairs or downstairs
    ("r", re.compile(_AM_THE_NEIGHBOUR + r"\s*" + _R + _NOT_DIGIT_AFTER)),
    ("r", re.compile(_NOT_DIGIT_BEFORE + _R + r"\s*(?:的业主|的住户|业主|住户)")),
    # Rm 1802, Room 1203, Flat 502; I'm in 1803, I live in 502
    ("r", re.compile(r"(?<![A-Za-z])(?:[Rr]oom|R[Mm]|rm|[Ff]lat|[Aa]pt)\.?\s*#?\s*" + _R + _NOT_DIGIT_AFTER)),
    ("r", re.compile(r"(?<![A-Za-z])" + _I_LIVE_IN + r"\s*" + _R + _NOT_DIGIT_AFTER)),
]  # fmt: skip

_GATED_PATTERNS: Final[tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]] = tuple(
    (kind, pattern, tuple(sorted(required_factors(pattern) or ("",), key=len)))  # "" is in every text
    for kind, pattern in _PATTERNS
)
"""The patterns with strings one of which each of their matches contains, shortest first."""

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


# The resident's own room: 我是1403的, 我家是702, 住在1203, 我是楼下602的 (preferred over a room named for a neighbour).
_OWN_WORDS = r"(?:我是|我家是?|我们家是?|我住|家住|住在|我们是|本人|" + _I_LIVE_IN + ")"
_OWN = re.compile(rf"(?:{_OWN_WORDS}\s*(?:在|:)?|{_AM_THE_NEIGHBOUR})\s*$")
_OWN_HEAD = re.compile(_OWN_WORDS)
"""The 住/我家 room pattern takes the word into its match (我住601 matches from 住): the mark is then at the head of the
match, or one character before it."""

# A room number that belongs to someone else: the resident's own comes from elsewhere in the message. Not where the
# resident says they are the neighbour (我是楼下602的, 我住楼上).
_OTHERS = re.compile(
    "".join(f"(?<!{word[-2:]})" for word in _SELF_WORDS)  # fixed-width lookbehinds: the last two characters
    + r"(?:楼上|楼下|隔壁|对门|对面|邻居|他家|她家|他们家|别人家)"
    r"[^,，。!！?？\s]{0,3}$"
)
_OTHERS_AFTER = re.compile(r"(?:的)?(?:那家|那户|那一户|那个业主|那位业主)")
"""Right after a room: that household (1502那家的狗, 801那户在装修): a neighbour's room."""

# Numbers that are not rooms: parking spaces (车位号B2-036, 车位A区115, B1-207, 负1层107车位) and emergency
# numbers after a dialling verb (打了119, 拨120, 报110), codes (取件码5-2-1003). They are blanked out before rooms are
# read.
_NOT_A_BUILDING = r"(?!\d)(?!\s*(?:号楼|栋|幢|座|单元|#|[-/]\s*\d))"
"""The number after 车位 or 负1层 is the space unless it is the building of an address that follows (车位 3栋502)."""
_NOT_ROOMS = re.compile(
    r"(?:停车位|车位|库位)(?:号码?|编号)?\s*(?:是|在|为|:)?\s*"
    r"(?:[A-Za-z]\d?\s*区?|负\d\s*层?|地下\d\s*层?)?\s*[-—_]?\s*\d{1,4}"
    + _NOT_A_BUILDING
    + r"|(?<![\dA-Za-z])(?:[A-Za-z]\d?\s*区?\s*[-—_]?\s*)?\d{1,4}号?(?:停车位|车位)"
    r"|(?<![\dA-Za-z])[Bb][1-3]\s*(?:区\s*[-—_]?|[-—_])\s*\d{2,4}(?!\d)"
    r"|(?:负|地下)\d\s*层\s*[-—_]?\s*\d{1,4}"
    + _NOT_A_BUILDING
    + r"|(?:打|拨|报|叫|呼叫|call)\s*(?:了|过)?\s*(?:110|119|120|122)(?!\d)"
    # codes shaped like an address: a parcel locker's pickup code (取件码3-1-1204), a password, an order number
    r"|(?:取件码|取货码|提货码|取件号|验证码|密码|单号)\s*(?:是|为|:)?\s*[\dA-Za-z]+(?:\s*[-—_/]\s*[\dA-Za-z]+)*"
)
_NOT_ROOM_HINT = re.compile(r"车位|[Bb][1-3]|负|地下|11[09]|12[02]|码|单号")
"""Every _NOT_ROOMS match contains one of these: a text with none skips the substitution."""


def _blank_not_rooms(text: str) -> str:
    """The text with parking spaces and dialled emergency numbers replaced by '·' (positions kept)."""
    if not _NOT_ROOM_HINT.search(text):
        return text
    return _NOT_ROOMS.sub(lambda m: "·" * len(m.group()), text)


@dataclass(frozen=True, slots=True)
class RoomMention:
    """One room number found in a text: canonical form, where, whether it is someone else's or marked as the
    resident's own, the unit written with a room that has no building (二单元703), and whether it is a bare pair of
    numbers (9-603) whose first number is a unit if a building is named apart."""

    canonical: str
    start: int
    end: int
    others: bool
    own: bool = False
    unit: str = ""
    pair: bool = False


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
    if kind in ("br", "pr"):
        return f"{building}-{room}"
    return room  # "ur" (a unit without a building) and "r": the room alone


def find_rooms(text: str) -> list[RoomMention]:
    """Every room number in a normalised text, in order, overlapping candidates resolved by pattern priority."""
    if not _HAS_ROOM_DIGITS.search(text):
        return []
    text = _blank_not_rooms(text)
    taken: list[tuple[int, int]] = []
    found: list[RoomMention] = []
    starts = [m.start() for m in _RUN_START.finditer(text)]
    for kind, pattern, factors in _GATED_PATTERNS:
        for factor in factors:
            if factor in text:
                break
        else:
            continue  # none of the words every match holds (单元, 栋, 室 …): the pattern cannot match
        for match in _matches(pattern, text, starts):
            if kind == "pr" and not _plausible_room(match.group("r")):
                continue
            if kind == "fr" and match.group("r")[:-2] != match.group("f"):
                continue  # 5楼1203: not a room of the 5th floor (5楼 may be the building); left to the other readings
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            others = _neighbours(text, start, end)
            own = not others and bool(
                _OWN.search(text[max(0, start - 8) : start])
                or _OWN_HEAD.match(text, start)
                or _OWN_HEAD.match(text, max(0, start - 1))
            )
            unit = str(int(match.group("u"))) if kind == "ur" else ""
            found.append(RoomMention(_canonical(kind, match), start, end, others, own, unit, pair=kind == "pr"))
    found.sort(key=lambda m: m.start)
    if found and corrections().search(text):
        found = _corrected(text, found)
    return _with_building(text, found, starts)


@cache
def _correction() -> re.Pattern[str]:
    """A room corrected (803，不对，是903 / 1501 打错了 应该是1502): the word, then the number that replaces it."""
    return re.compile("(?:" + corrections().pattern + ")" + r"[^\d。!！?？]{0,6}?(?=\d)")


def _corrected(text: str, mentions: list[RoomMention]) -> list[RoomMention]:
    """The mentions with a room the resident corrected replaced by the correction; a correction that gives the room
    alone keeps the building and unit of the room it corrects (5栋1单元803，不对，是903 → 5-1-903)."""
    for marker in _correction().finditer(text):
        before = [m for m in mentions if m.end <= marker.start()]
        if not before:
            continue
        wrong, at = before[-1], marker.end()
        after = [m for m in mentions if m.start == at or (m.start <= at < m.end)]
        if after:  # the whole room again, or its unit and room (1单元1101，不对，是2单元1001: the building kept)
            right = after[0]
            if right.unit and wrong.canonical.count("-") == 2:
                building = wrong.canonical.partition("-")[0]
                fixed = replace(right, canonical=f"{building}-{right.unit}-{right.canonical}", unit="")
                mentions = [fixed if m is right else m for m in mentions]
            mentions = [m for m in mentions if m is not wrong]
            continue
        unit = _UNIT_FIX.match(text, at)
        if unit is not None and wrong.canonical.count("-") == 2:  # 3单元1102 不对 是2单元: the unit alone
            building, _, room = wrong.canonical.split("-")
            fixed = replace(wrong, canonical=f"{building}-{int(unit.group('u'))}-{room}")
            mentions = [fixed if m is wrong else m for m in mentions]
            continue
        bare = _BARE.match(text, at)
        if bare is None or not _plausible_room(bare.group("r")):
            continue
        prefix = wrong.canonical.rpartition("-")[0] if not wrong.pair else ""
        room = "-".join(filter(None, (prefix, bare.group("r"))))
        fixed = RoomMention(room, bare.start(), bare.end(), wrong.others, wrong.own, wrong.unit)
        mentions = [fixed if m is wrong else m for m in mentions]
    return sorted(mentions, key=lambda m: m.start)


_UNIT_FIX = re.compile(r"(?P<u>\d{1,2})\s*单元(?!\s*\d)")
"""A unit said alone after a correction word (不对 是二单元)."""

# A building (and unit) named on its own, apart from the room: 我家2102，22号楼 / 我是15栋1单元的，住1203.
# A digit right after it would be the room, unless it is a floor or a count (1号楼2台电梯, 5号楼3部电梯).
_BUILDING_ALONE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?P<b>\d{1,3}|[A-Za-z])\s*(?:号楼|号栋|栋楼|栋|幢|座|#楼)(?:\s*(?P<u>\d{1,2})\s*单元)?"
    + r"(?!\s*\d(?!\d?\s*[楼层台部个次天]))"
)

_UNIT_ALONE = re.compile(_NOT_DIGIT_BEFORE + r"(?P<u>\d{1,2})\s*单元(?!\s*\d)")
"""A unit said on its own (15栋的，3单元，602)."""

# A bare 3-4 digit number; never an emergency number (120说要20分钟, 已经打119了 once 打 is out of reach).
# Block F, Bldg 3, Tower B: an English building name (the letter or number after the word).
_BUILDING_EN = re.compile(
    r"(?<![A-Za-z])(?:[Bb]lock|[Bb]lk|[Bb]ldg|[Bb]uilding|[Tt]ower)\.?\s*(?P<b>\d{1,3}|[A-Za-z])(?![\dA-Za-z])"
)
# Unit 3, unit 1: the unit of an English address, before or after the room (Building 7 Unit 3 Room 1201 /
# room 502, unit 1).
_UNIT_EN = re.compile(r"(?<![A-Za-z])[Uu]nit\s*(?P<u>\d{1,2})(?!\d)")

_BARE = re.compile(
    r"(?<![\d.:A-Za-z#])(?<![-/—])(?!(?:110|119|120|122)(?!\d))(?P<r>\d{3,4})(?![\d:%]|\.\d|\s*[-/]\s*\d|\s*(?:元|块|年|月|日|天|点|分|个|次|米|平|万|斤|度|号楼|栋|幢|座|楼|层|w|W))"
)


def _with_building(text: str, mentions: list[RoomMention], starts: list[int]) -> list[RoomMention]:
    """Complete bare room numbers with the one building (and unit) the message names elsewhere."""
    buildings = {
        (m.group("b").upper().lstrip("0") or "0", m.group("u") or "")
        for m in _matches(_BUILDING_ALONE, text, starts)
        if not any(r.start <= m.start() < r.end for r in mentions)
    }
    if "k" in text or "g" in text or "w" in text:  # Block, Blk, Bldg, Building, Tower: a text without these has none
        english = {m.group("b").upper().lstrip("0") or "0" for m in _BUILDING_EN.finditer(text)}
        units = {m.group("u") for m in _UNIT_EN.finditer(text)} if english and "nit" in text else set()
        english_unit = next(iter(units)) if len(units) == 1 else ""  # one English unit named: the building's
        buildings.update((b, english_unit) for b in english)
    if not buildings:
        return _in_the_named_building(mentions) if mentions else _lone_room(text)
    if len(buildings) != 1:
        return mentions
    if not mentions:
        # 1203的 8号楼 / 3201 25栋: with a building named, one bare 3-4 digit number is the room.
        bare = _bare_rooms(text)
        if len(bare) != 1:
            return mentions
        mentions = bare
    building, unit = buildings.pop()
    if not unit:  # 703，1单元，20栋: the unit said apart too
        units = {
            u.group("u") for u in _UNIT_ALONE.finditer(text) if not any(r.start <= u.start() < r.end for r in mentions)
        }
        unit = units.pop() if len(units) == 1 else ""
    unit = str(int(unit)) if unit else ""
    return [_in_building(m, building, m.unit or unit) for m in mentions]


def _bare_rooms(text: str) -> list[RoomMention]:
    """The bare 3-4 digit numbers of a text that names a building apart, as rooms: one corrected gives way to the
    next (201，不好意思是202), one said again counts once (602对 602), one marked as a neighbour's stays marked."""
    bare = [m for m in _BARE.finditer(text) if not _BUILDING_ALONE.match(text, m.start())]
    rooms = [RoomMention(m.group("r"), m.start(), m.end(), _neighbours(text, m.start(), m.end())) for m in bare]
    kept = [  # not 我在1402 他们家应该是1302: a neighbour's room after it corrects nothing
        m for m, following in zip(rooms, [*rooms[1:], None], strict=False)
        if following is None or following.others or not corrections().search(text, m.end, following.start)
    ]  # fmt: skip
    return kept[:1] if len({m.canonical for m in kept}) == 1 else kept


def _neighbours(text: str, start: int, end: int) -> bool:
    """Whether a room is marked as a neighbour's: 楼上1302 or 对门的602 before it, 那家 after it."""
    return bool(_OTHERS.search(text[max(0, start - 8) : start]) or _OTHERS_AFTER.match(text, end))


def _in_building(mention: RoomMention, building: str, unit: str) -> RoomMention:
    """A mention completed with the building named apart: a bare room gets it (and its unit); a bare pair of numbers
    (住27号楼，房号2-1101) is then a unit and a room, unless its first number is that building again."""
    if mention.pair:
        if mention.canonical.partition("-")[0] == building:
            return mention
        return replace(mention, canonical=f"{building}-{mention.canonical}")
    if "-" in mention.canonical:
        return mention
    return replace(mention, canonical="-".join(filter(None, (building, unit, mention.canonical))))


def _in_the_named_building(mentions: list[RoomMention]) -> list[RoomMention]:
    """A bare room the resident calls their own, beside a full one named for a neighbour, is in the same building
    and unit (对门 10号楼3单元1102, 我是1101的 → 10-3-1101)."""
    if not any(m.own and "-" not in m.canonical for m in mentions):
        return mentions
    prefixes = {m.canonical.rpartition("-")[0] for m in mentions if "-" in m.canonical}
    if len(prefixes) != 1:
        return mentions
    prefix = prefixes.pop()
    return [
        replace(m, canonical=f"{prefix}-{m.canonical}") if m.own and "-" not in m.canonical else m for m in mentions
    ]


_LONE_AFTER = re.compile(r"\s*(?:多|余|来|左右|以上|以下|台|号|人|户|套|张|份|条|路)")
"""An amount, a count or a bus route (300多, 1001台, 101路), not a room."""
_LONE_NOT_BEFORE = re.compile(
    r"(?:尾号|号码|编号|单号|工号|订单|验证码|密码|(?:交|花|付|收|扣|罚|赔|用|涨|多|少|贵)了?|共|约|第)\s*$"
)
_TRAILING = " ,，。.!！?？~"
_LONE_MARK_BEFORE = re.compile(r"(?:我|顶楼|顶层)\s*$")
_LONE_MARK_BEFORE_DIGIT = re.compile(r"(?:我|顶楼|顶层)\s*\d")


def _plausible_room(room: str) -> bool:
    """A room number a home has: floor 1-60, then 01-39 (not 0502, 100 or 1000)."""
    return room[0] != "0" and 1 <= int(room[:-2]) <= 60 and 1 <= int(room[-2:]) <= 39


def _lone_room(text: str) -> list[RoomMention]:
    """With no room and no building anywhere, one bare room-shaped number (floor 1-60, then 01-39) where residents
    put their room: opening the message (1702漏水), closing it (…有洞 803), or after 我/顶楼 (顶楼3201,)."""
    if not (text[:1].isdigit() or text.rstrip(_TRAILING)[-1:].isdigit() or _LONE_MARK_BEFORE_DIGIT.search(text)):
        return []  # no number where a lone room stands: skip the scan
    match = _BARE.search(text)
    if match is None or _BARE.search(text, match.end()) is not None:
        return []
    room, start, end = match.group("r"), match.start(), match.end()
    if not _plausible_room(room) or _LONE_AFTER.match(text, end):
        return []
    before = text[:start]
    if _LONE_NOT_BEFORE.search(before) or _OTHERS.search(before[-8:]):
        return []
    if before.strip() and text[end:].rstrip(_TRAILING).strip() and not _LONE_MARK_BEFORE.search(before):
        return []
    return [RoomMention(room, start, end, False)]


def own_room(mentions: list[RoomMention]) -> str | None:
    """The resident's own room: the first one they call their own (我是1403的), else the first mention not marked as
    a neighbour's, else the first one (对门王奶奶…她家是8-2-1103: the room the request is for)."""
    if not mentions:
        return None
    for m in mentions:
        if m.own:
            return m.canonical
    mine = [m for m in mentions if not m.others]
    return (mine or mentions)[0].canonical


def find_room(text: str) -> str | None:
    """The resident's own room in a normalised text, or None."""
    return own_room(find_rooms(text))
