"""Resident profiles: find by channel identity, update the profile, bind rooms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import Conflict, InvalidInput, NotFound
from storage.residents.models import Resident, ResidentIdentity, ResidentRoom
from storage.residents.phone import normalize_mobile
from storage.rooms.models import Room
from storage.rooms.service import get_room
from storage.vocabulary import CHAT_CHANNELS, Channel

#: How a resident relates to a bound room.
ROOM_RELATIONS = frozenset({"owner", "tenant", "family"})


@dataclass(frozen=True)
class ProfileUpdate:
    """Fields to change on a profile; None leaves a field as it is."""

    name: str | None = None
    phone: str | None = None
    elderly: bool | None = None
    lives_alone: bool | None = None
    family_contact_name: str | None = None
    family_contact_phone: str | None = None


async def find_resident_by_identity(session: AsyncSession, *, channel: str, external_id: str) -> Resident | None:
    """The resident behind a chat identity, or None."""
    return await session.scalar(
        select(Resident)
        .join(ResidentIdentity, ResidentIdentity.resident_id == Resident.id)
        .where(ResidentIdentity.channel == _chat_channel(channel), ResidentIdentity.external_id == external_id)
    )


async def get_or_create_resident(
    session: AsyncSession, *, community_id: int, channel: str, external_id: str, now: datetime
) -> tuple[Resident, bool]:
    """The resident for this identity, creating an empty profile on first contact; (resident, created)."""
    found = await find_resident_by_identity(session, channel=channel, external_id=external_id)
    if found is not None:
        return found, False
    resident = Resident(community_id=community_id, created_at=now, updated_at=now)
    session.add(resident)
    await session.flush()
    session.add(
        ResidentIdentity(
            resident_id=resident.id, channel=_chat_channel(channel), external_id=external_id, created_at=now
        )
    )
    await session.flush()
    return resident, True


async def link_identity(
    session: AsyncSession, *, resident_id: int, channel: str, external_id: str, now: datetime
) -> ResidentIdentity:
    """Attach another chat identity to a resident; raises Conflict if it speaks for someone else."""
    await get_resident(session, resident_id)
    owner = await find_resident_by_identity(session, channel=channel, external_id=external_id)
    if owner is not None and owner.id != resident_id:
        raise Conflict(f"{channel} identity {external_id} already belongs to resident {owner.id}")
    if owner is not None:
        return await session.scalar(
            select(ResidentIdentity).where(
                ResidentIdentity.channel == channel, ResidentIdentity.external_id == external_id
            )
        )  # type: ignore[return-value]
    identity = ResidentIdentity(
        resident_id=resident_id, channel=_chat_channel(channel), external_id=external_id, created_at=now
    )
    session.add(identity)
    await session.flush()
    return identity


async def get_resident(session: AsyncSession, resident_id: int) -> Resident:
    """The resident; raises NotFound."""
    resident = await session.get(Resident, resident_id)
    if resident is None:
        raise NotFound("resident", resident_id)
    return resident


async def update_profile(session: AsyncSession, *, resident_id: int, update: ProfileUpdate, now: datetime) -> Resident:
    """Change name, phone, elderly / living-alone flags or family contact; phones are validated."""
    resident = await get_resident(session, resident_id)
    if update.name is not None:
        resident.name = update.name.strip() or None
    if update.phone is not None:
        resident.phone = normalize_mobile(update.phone)
    if update.elderly is not None:
        resident.elderly = update.elderly
    if update.lives_alone is not None:
        resident.lives_alone = update.lives_alone
    if update.family_contact_name is not None:
        resident.family_contact_name = update.family_contact_name.strip() or None
    if update.family_contact_phone is not None:
        resident.family_contact_phone = normalize_mobile(update.family_contact_phone, "family_contact_phone")
    resident.updated_at = now
    await session.flush()
    return resident


async def bind_room(
    session: AsyncSession, *, resident_id: int, room_code: str, now: datetime, relation: str = "owner"
) -> Room:
    """Bind a registered room to the resident; raises NotFound for a room not in the registry."""
    if relation not in ROOM_RELATIONS:
        raise InvalidInput("relation", f"must be one of {', '.join(sorted(ROOM_RELATIONS))}")
    resident = await get_resident(session, resident_id)
    room = await get_room(session, community_id=resident.community_id, code=room_code)
    if await session.get(ResidentRoom, (resident_id, room.id)) is None:
        session.add(ResidentRoom(resident_id=resident_id, room_id=room.id, relation=relation, created_at=now))
        await session.flush()
    return room


async def rooms_of(session: AsyncSession, resident_id: int) -> list[Room]:
    """The rooms bound to a resident, by code."""
    return list(
        await session.scalars(
            select(Room)
            .join(ResidentRoom, ResidentRoom.room_id == Room.id)
            .where(ResidentRoom.resident_id == resident_id)
            .order_by(Room.code)
        )
    )


def _chat_channel(channel: str) -> str:
    try:
        value = Channel(channel)
    except ValueError:
        value = None
    if value not in CHAT_CHANNELS:
        raise InvalidInput("channel", f"{channel!r} is not a chat channel ({', '.join(sorted(CHAT_CHANNELS))})")
    return value.value  # type: ignore[union-attr]
