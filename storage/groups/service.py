"""Register staff group chats and find the one a department's tickets go to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.communities.service import get_community
from storage.errors import Conflict, InvalidInput
from storage.groups.models import StaffGroup
from storage.vocabulary import CHAT_CHANNELS, Department


async def register_group(
    session: AsyncSession,
    *,
    community_id: int,
    department: str,
    channel: str,
    chat_id: str,
    now: datetime,
    title: str | None = None,
) -> StaffGroup:
    """Record a department's group chat on a channel (replacing the previous chat for that slot).

    Raises Conflict when the chat is already registered for another community or department.
    """
    await get_community(session, community_id)
    if department not in {d.value for d in Department}:
        raise InvalidInput("department", f"{department!r} is not a department")
    if channel not in CHAT_CHANNELS:
        raise InvalidInput("channel", f"{channel!r} is not a chat channel")
    taken = await group_by_chat(session, channel=channel, chat_id=chat_id)
    if taken is not None and (taken.community_id, taken.department) != (community_id, department):
        raise Conflict(f"chat {chat_id} is already the {taken.department} group of community {taken.community_id}")
    group = await group_for(session, community_id=community_id, department=department, channel=channel)
    if group is None:
        group = StaffGroup(
            community_id=community_id,
            department=department,
            channel=channel,
            chat_id=chat_id,
            title=title,
            created_at=now,
        )
        session.add(group)
    else:
        group.chat_id = chat_id
        group.title = title or group.title
    await session.flush()
    return group


async def group_for(session: AsyncSession, *, community_id: int, department: str, channel: str) -> StaffGroup | None:
    """The group chat of a department on a channel, or None."""
    return await session.scalar(
        select(StaffGroup).where(
            StaffGroup.community_id == community_id,
            StaffGroup.department == department,
            StaffGroup.channel == channel,
        )
    )


async def groups_for_department(session: AsyncSession, *, community_id: int, department: str) -> list[StaffGroup]:
    """Every channel's group chat for a department (where to post a new ticket)."""
    return list(
        await session.scalars(
            select(StaffGroup)
            .where(StaffGroup.community_id == community_id, StaffGroup.department == department)
            .order_by(StaffGroup.channel)
        )
    )


async def group_by_chat(session: AsyncSession, *, channel: str, chat_id: str) -> StaffGroup | None:
    """The group behind an incoming group-chat update, or None."""
    return await session.scalar(select(StaffGroup).where(StaffGroup.channel == channel, StaffGroup.chat_id == chat_id))


async def move_group_chat(session: AsyncSession, *, channel: str, chat_id: str, to_chat_id: str) -> StaffGroup | None:
    """A group chat got a new id (Telegram upgrades a group to a supergroup): keep its registration under the new id.

    Returns the moved group, or None when `chat_id` is not registered (already moved, or never a staff group).
    """
    group = await group_by_chat(session, channel=channel, chat_id=chat_id)
    if group is None:
        return None
    group.chat_id = to_chat_id
    await session.flush()
    return group
