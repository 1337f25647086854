"""Staff: add, list, duty on/off, chat identities, deactivate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import Conflict, InvalidInput, NotFound
from storage.residents.phone import normalize_mobile
from storage.staff.models import Staff, StaffIdentity
from storage.vocabulary import CHAT_CHANNELS, Department, StaffRole

#: Technician trades (by skill, for dispatch §3).
TRADES = frozenset({"plumbing", "electrical", "hvac", "elevator", "carpentry", "masonry", "locksmith", "general"})


async def add_staff(
    session: AsyncSession,
    *,
    name: str,
    role: str,
    department: str,
    now: datetime,
    community_id: int | None = None,
    phone: str | None = None,
    trade: str | None = None,
    on_duty: bool = False,
) -> Staff:
    """Add a staff member; technicians need a trade. Raises InvalidInput."""
    if not name.strip():
        raise InvalidInput("name", "must not be empty")
    role_value = _choice(StaffRole, role, "role")
    department_value = _choice(Department, department, "department")
    if role_value == StaffRole.TECHNICIAN and trade is None:
        raise InvalidInput("trade", f"a technician needs a trade ({', '.join(sorted(TRADES))})")
    if trade is not None and trade not in TRADES:
        raise InvalidInput("trade", f"{trade!r} is not one of {', '.join(sorted(TRADES))}")
    staff = Staff(
        community_id=community_id,
        name=name.strip(),
        phone=normalize_mobile(phone) if phone else None,
        role=role_value,
        trade=trade,
        department=department_value,
        on_duty=on_duty,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add(staff)
    await session.flush()
    return staff


async def get_staff(session: AsyncSession, staff_id: int) -> Staff:
    """The staff member; raises NotFound."""
    staff = await session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("staff", staff_id)
    return staff


async def list_staff(
    session: AsyncSession,
    *,
    community_id: int | None = None,
    department: str | None = None,
    role: str | None = None,
    on_duty: bool | None = None,
    include_inactive: bool = False,
) -> list[Staff]:
    """Staff filtered by community (company-wide staff included), department, role and duty."""
    query = select(Staff).order_by(Staff.id)
    if community_id is not None:
        query = query.where((Staff.community_id == community_id) | Staff.community_id.is_(None))
    if department is not None:
        query = query.where(Staff.department == department)
    if role is not None:
        query = query.where(Staff.role == role)
    if on_duty is not None:
        query = query.where(Staff.on_duty == on_duty)
    if not include_inactive:
        query = query.where(Staff.active.is_(True))
    return list(await session.scalars(query))


async def set_on_duty(session: AsyncSession, *, staff_id: int, on_duty: bool, now: datetime) -> Staff:
    """Start or end a shift."""
    staff = await get_staff(session, staff_id)
    staff.on_duty = on_duty
    staff.updated_at = now
    await session.flush()
    return staff


async def deactivate_staff(session: AsyncSession, *, staff_id: int, now: datetime) -> Staff:
    """Someone left: off duty, inactive; their history stays."""
    staff = await get_staff(session, staff_id)
    staff.active = False
    staff.on_duty = False
    staff.updated_at = now
    await session.flush()
    return staff


async def link_staff_identity(
    session: AsyncSession, *, staff_id: int, channel: str, external_id: str, now: datetime
) -> StaffIdentity:
    """Attach a chat identity to a staff member; raises Conflict if it is someone else's."""
    await get_staff(session, staff_id)
    if channel not in CHAT_CHANNELS:
        raise InvalidInput("channel", f"{channel!r} is not a chat channel")
    existing = await session.scalar(
        select(StaffIdentity).where(StaffIdentity.channel == channel, StaffIdentity.external_id == external_id)
    )
    if existing is not None:
        if existing.staff_id != staff_id:
            raise Conflict(f"{channel} identity {external_id} already belongs to staff {existing.staff_id}")
        return existing
    identity = StaffIdentity(staff_id=staff_id, channel=channel, external_id=external_id, created_at=now)
    session.add(identity)
    await session.flush()
    return identity


async def find_staff_by_identity(session: AsyncSession, *, channel: str, external_id: str) -> Staff | None:
    """The active staff member behind a chat identity (who pressed a group-chat button), or None."""
    return await session.scalar(
        select(Staff)
        .join(StaffIdentity, StaffIdentity.staff_id == Staff.id)
        .where(StaffIdentity.channel == channel, StaffIdentity.external_id == external_id, Staff.active.is_(True))
    )


async def staff_chats(session: AsyncSession, staff_ids: Iterable[int]) -> list[tuple[str, str]]:
    """Every chat identity (channel, external id) of these staff members, each once, in a stable order."""
    ids = sorted(set(staff_ids))
    if not ids:
        return []
    query = select(StaffIdentity).where(StaffIdentity.staff_id.in_(ids)).order_by(StaffIdentity.id)
    return [(identity.channel, identity.external_id) for identity in await session.scalars(query)]


def _choice(kind: type, value: str, field: str) -> str:
    try:
        return kind(value).value  # type: ignore[no-any-return]
    except ValueError as error:
        choices = ", ".join(member.value for member in kind)  # type: ignore[attr-defined]
        raise InvalidInput(field, f"{value!r} is not one of {choices}") from error
