"""Canonical room codes: `building-unit-room` (e.g. 3-2-502) or `building-room` (e.g. B-1203)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.errors import InvalidInput

_BUILDING_SUFFIX = re.compile(r"(号楼|栋|幢|座|#楼|楼|号|#)$")
_UNIT_SUFFIX = re.compile(r"(单元|门|梯)$")  # 门 and 梯: regional words for 单元
_ROOM_SUFFIX = re.compile(r"(室|号|房)$")
_PART = re.compile(r"^[0-9A-Z]{1,8}$")
_ROOM = re.compile(r"^[0-9]{1,6}[A-Z]?$|^[A-Z][0-9]{1,5}$")


@dataclass(frozen=True)
class RoomNumber:
    """A validated room address."""

    building: str
    unit: str
    room: str

    @property
    def code(self) -> str:
        """The canonical code."""
        return "-".join(part for part in (self.building, self.unit, self.room) if part)


def make_room_number(building: str, unit: str | None, room: str) -> RoomNumber:
    """Normalise the three parts (strip 栋/单元/室, full-width digits, case); raises InvalidInput."""
    b = _BUILDING_SUFFIX.sub("", _clean(building))
    u = _UNIT_SUFFIX.sub("", _clean(unit or ""))
    r = _ROOM_SUFFIX.sub("", _clean(room))
    if not _PART.match(b):
        raise InvalidInput("building", f"{building!r} is not a building number (letters/digits, up to 8)")
    if u and not _PART.match(u):
        raise InvalidInput("unit", f"{unit!r} is not a unit number (letters/digits, up to 8)")
    if not _ROOM.match(r):
        raise InvalidInput("room", f"{room!r} is not a room number (e.g. 502, 1203A)")
    return RoomNumber(b.lstrip("0") or "0", u.lstrip("0") or ("0" if u else ""), r)


def parse_room_code(code: str) -> RoomNumber:
    """Parse `3-2-502`, `B-1203` or `3-502` into parts; raises InvalidInput."""
    parts = re.split(r"\s*[-－—_/]\s*", _clean(code))
    if any(not part for part in parts):
        raise InvalidInput("room", f"{code!r} has an empty part")
    if len(parts) == 3:
        return make_room_number(parts[0], parts[1], parts[2])
    if len(parts) == 2:
        return make_room_number(parts[0], "", parts[1])
    raise InvalidInput("room", f"{code!r} is not building-unit-room or building-room")


def _clean(text: str) -> str:
    return (text or "").strip().translate(_FULL_WIDTH).upper()


_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
