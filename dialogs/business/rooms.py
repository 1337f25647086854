"""Slot checks shared by the built-in flows and the Rasa forms: a room against the registry, a mobile number."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from nlu import ParsedRequest
from nlu.normalize import normalize
from nlu.phone import find_phone
from nlu.room_number import find_room as read_room
from storage.residents.models import Resident
from storage.residents.service import rooms_of
from storage.rooms.models import Room
from storage.rooms.service import find_room

_ROOM_PART = re.compile(r"(?<![\d-])(\d{3,4})(?![\d-])")


@dataclass(frozen=True, slots=True)
class RoomCheck:
    """The outcome of checking a room the resident typed.

    `code` is the registered room (None when it is not registered); `read` is what was understood;
    `suggestion` is the closest registered room when the typed one is not registered.
    """

    code: str | None
    read: str | None = None
    suggestion: str | None = None


async def validate_room(session: AsyncSession, *, community_id: int, text: str, near: str | None = None) -> RoomCheck:
    """Read a room number from `text` and look it up in the community's registry (§1).

    `near` is the room already known (the bound one, or the one being corrected): a reply with only
    the room part ("是502") keeps its building and unit.
    """
    read = read_room(text) or _bare_code(text)
    candidates = [read] if read else []
    if read is None or "-" not in read:
        # Only the room part (是502): first in the building and unit of the room already known.
        candidates.insert(0, _room_part_of(text, near))
    candidates = [code for code in dict.fromkeys(candidates) if code]
    if not candidates:
        return RoomCheck(code=None)
    for code in candidates:
        room = await find_room(session, community_id=community_id, code=code)
        if room is not None:
            return RoomCheck(code=room.code, read=code)
    read = candidates[0]
    return RoomCheck(code=None, read=read, suggestion=await closest_room(session, community_id=community_id, code=read))


async def known_contact(
    session: AsyncSession,
    *,
    community_id: int,
    resident: Resident,
    parsed: ParsedRequest,
    room: str | None = None,
    phone: str | None = None,
) -> tuple[str | None, str | None]:
    """Room and phone for a request, those given first: the room written in the message when the registry knows
    it, else the resident's single bound room; the phone in the message, else the profile's."""
    if not room and parsed.room:
        room = (await validate_room(session, community_id=community_id, text=parsed.room)).code
    if not room:
        bound = await rooms_of(session, resident.id)
        if len(bound) == 1:
            room = bound[0].code
    return room, phone or parsed.phone or resident.phone


async def closest_room(session: AsyncSession, *, community_id: int, code: str) -> str | None:
    """The registered room most like `code` (a digit swapped or dropped), or None if nothing is close."""
    building = code.split("-")[0] if "-" in code else None
    query = select(Room.code).where(Room.community_id == community_id)
    if building is not None:
        near = list(await session.scalars(query.where(Room.building == building)))
        match = difflib.get_close_matches(code, near, n=1, cutoff=0.75)
        if match:
            return match[0]
    codes = list(await session.scalars(query))
    match = difflib.get_close_matches(code, codes, n=1, cutoff=0.75)
    return match[0] if match else None


def validate_phone(text: str) -> str | None:
    """The mainland mobile number in `text` (spaces, dashes and Chinese digits allowed), or None."""
    return find_phone(text) or find_phone(normalize(text).text)


def _room_part_of(text: str, near: str | None) -> str | None:
    """ "502" alone, completed with the building and unit of `near` (3-2-520 → 3-2-502)."""
    if not near or "-" not in near:
        return None
    numbers = _ROOM_PART.findall(normalize(text).text)
    if len(numbers) != 1:
        return None
    return near.rsplit("-", 1)[0] + "-" + numbers[0]


def _bare_code(text: str) -> str | None:
    """A room typed the canonical way (3-2-502, B-1203) that the free-text reader may skip."""
    candidate = text.strip().upper().replace("—", "-").replace("－", "-")
    parts = candidate.split("-")
    if 1 <= len(parts) <= 3 and all(p and (p.isdigit() or (p.isalpha() and len(p) <= 2)) for p in parts):
        return candidate if parts[-1].isdigit() else None
    return None
