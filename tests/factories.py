"""Factories for storage rows: real rows through the real services, with sensible defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.communities import Community, create_community
from storage.residents import ProfileUpdate, Resident, bind_room, get_or_create_resident, update_profile
from storage.rooms import Room, add_room, parse_room_code
from storage.staff import Staff, add_staff
from storage.tickets import Actor, Ticket, create_ticket

_serial = itertools.count(1)


async def make_community(
    session: AsyncSession, now: datetime, *, code: str | None = None, policy_toml: str | None = None
) -> Community:
    """A community (default policy unless given)."""
    code = code or f"c{next(_serial)}"
    return await create_community(session, code=code, name=f"测试小区{code}", now=now, policy_toml=policy_toml)


async def make_room(session: AsyncSession, community: Community, now: datetime, code: str = "3-2-502") -> Room:
    """A registered room."""
    number = parse_room_code(code)
    return await add_room(
        session, community_id=community.id, building=number.building, unit=number.unit, room=number.room, now=now
    )


async def make_resident(
    session: AsyncSession,
    community: Community,
    now: datetime,
    *,
    room_code: str | None = None,
    phone: str = "13800138000",
    channel: str = "telegram",
    external_id: str | None = None,
    elderly: bool = False,
) -> Resident:
    """A resident with a chat identity, a phone, and optionally a bound (existing) room."""
    resident, _ = await get_or_create_resident(
        session, community_id=community.id, channel=channel, external_id=external_id or f"user-{next(_serial)}", now=now
    )
    await update_profile(
        session, resident_id=resident.id, now=now, update=ProfileUpdate(name="王女士", phone=phone, elderly=elderly)
    )
    if room_code:
        await bind_room(session, resident_id=resident.id, room_code=room_code, now=now)
    return resident


async def make_staff(
    session: AsyncSession,
    community: Community | None,
    now: datetime,
    *,
    role: str = "technician",
    department: str = "engineering",
    trade: str | None = "plumbing",
    name: str | None = None,
    on_duty: bool = True,
) -> Staff:
    """A staff member (technicians get a trade; others none)."""
    return await add_staff(
        session,
        name=name or f"员工{next(_serial)}",
        role=role,
        department=department,
        now=now,
        community_id=community.id if community else None,
        trade=trade if role == "technician" else None,
        on_duty=on_duty,
    )


async def make_ticket(
    session: AsyncSession,
    community: Community,
    now: datetime,
    *,
    resident: Resident | None = None,
    room_code: str | None = "3-2-502",
    type: str = "repair",
    category: str = "engineering",
    urgency: str = "normal",
    complaint_tier: int | None = None,
    description: str = "厨房水管漏水",
    actor: Actor | None = None,
) -> Ticket:
    """A new ticket opened by `resident` (or by the system when no resident is given)."""
    return await create_ticket(
        session,
        community_id=community.id,
        type=type,
        category=category,
        urgency=urgency,
        description=description,
        channel="telegram",
        now=now,
        complaint_tier=complaint_tier,
        room_code=room_code,
        resident_id=resident.id if resident else None,
        contact_phone=resident.phone if resident else None,
        actor=actor or (Actor.resident(resident.id) if resident else Actor.system()),
    )


@dataclass
class World:
    """A small community with a room, a resident and one of each kind of staff."""

    community: Community
    room: Room
    resident: Resident
    agent: Staff
    supervisor: Staff
    manager: Staff
    plumber: Staff
    plumber2: Staff
    guard: Staff


async def make_world(session: AsyncSession, now: datetime) -> World:
    """Everything a ticket test needs, flushed (not committed)."""
    community = await make_community(session, now)
    room = await make_room(session, community, now)
    return World(
        community=community,
        room=room,
        resident=await make_resident(session, community, now, room_code=room.code),
        agent=await make_staff(session, community, now, role="service_agent", department="service_centre"),
        supervisor=await make_staff(session, community, now, role="supervisor", department="service_centre"),
        manager=await make_staff(session, community, now, role="project_manager", department="management"),
        plumber=await make_staff(session, community, now),
        plumber2=await make_staff(session, community, now),
        guard=await make_staff(session, community, now, role="security", department="security"),
    )
