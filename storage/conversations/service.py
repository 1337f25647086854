"""Load and save a chat's conversation state inside the caller's transaction.

The row is locked for the turn (PostgreSQL `FOR UPDATE`; SQLite transactions are IMMEDIATE), so two
workers handling the same chat take turns instead of overwriting each other's state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from storage.communities.models import Community
from storage.conversations.models import Conversation
from storage.residents.models import Resident


async def load_conversation(session: AsyncSession, *, channel: str, external_id: str) -> Conversation | None:
    """The stored conversation of this chat identity (locked for the turn), or None on first contact."""
    query = select(Conversation).where(Conversation.channel == channel, Conversation.external_id == external_id)
    return await session.scalar(query.with_for_update())


async def load_chat(
    session: AsyncSession, *, channel: str, external_id: str
) -> tuple[Conversation | None, Resident | None, Community | None]:
    """The conversation (locked), its resident and community in one query; (None, None, None) on first contact.

    Keep the community referenced for the turn: the identity map holds rows weakly, and while it is
    there `policy_for` and every `session.get(Community, ...)` cost no query.
    """
    query = (
        select(Conversation, Resident, Community)
        .join(Community, Community.id == Conversation.community_id)
        .outerjoin(Resident, Resident.id == Conversation.resident_id)
        .where(Conversation.channel == channel, Conversation.external_id == external_id)
        .with_for_update(of=Conversation)
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None, None, None
    return row[0], row[1], row[2]


async def save_conversation(
    session: AsyncSession,
    conversation: Conversation | None,
    *,
    channel: str,
    external_id: str,
    community_id: int,
    resident_id: int | None,
    state: dict[str, Any],
    now: datetime,
) -> Conversation:
    """Store the state after a turn: update the loaded row, or create it on first contact."""
    if conversation is None:
        conversation = Conversation(
            channel=channel,
            external_id=external_id,
            community_id=community_id,
            resident_id=resident_id,
            state=state,
            created_at=now,
            updated_at=now,
        )
        session.add(conversation)
    else:
        conversation.state = state
        flag_modified(conversation, "state")  # nested lists/dicts may have changed in place
        conversation.resident_id = resident_id
        conversation.updated_at = now
    await session.flush()
    return conversation
