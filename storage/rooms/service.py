"""Look up and add rooms in a community's registry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import Conflict, InvalidInput, NotFound
from storage.rooms.models import Room
from storage.rooms.room_number import make_room_number, parse_room_code


async def add_room(
    session: AsyncSession, *, community_id: int, building: str, unit: str | None, room: str, now: datetime
) -> Room:
    """Register one room; raises InvalidInput for a malformed number, Conflict if it exists."""
    number = make_room_number(building, unit, room)
    if await session.scalar(_by_code(community_id, number.code)) is not None:
        raise Conflict(f"room {number.code} already exists")
    row = Room(
        community_id=community_id,
        building=number.building,
        unit=number.unit,
        room=number.room,
        code=number.code,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def find_room(session: AsyncSession, *, community_id: int, code: str) -> Room | None:
    """The room with this code (any accepted spelling), or None if it is not registered."""
    try:
        canonical = parse_room_code(code).code
    except InvalidInput:
        return None
    return await session.scalar(_by_code(community_id, canonical))


async def get_room(session: AsyncSession, *, community_id: int, code: str) -> Room:
    """Like `find_room` but raises NotFound (the room must exist in the registry, §1)."""
    room = await find_room(session, community_id=community_id, code=code)
    if room is None:
        raise NotFound("room", code)
    return room


async def count_rooms(session: AsyncSession, *, community_id: int) -> int:
    """How many rooms the community has registered."""
    return int(await session.scalar(select(func.count()).where(Room.community_id == community_id)) or 0)


def _by_code(community_id: int, code: str):  # type: ignore[no-untyped-def]
    return select(Room).where(Room.community_id == community_id, Room.code == code)
