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

from storage.conversations.models import Conversation


async def load_conversation(session: AsyncSession, *, channel: str, external_id: str) -> Conversation | None:
    """The stored conversation of this chat identity (locked for the turn), or None on first contact."""
    query = select(Conversation).where(Conversation.channel == channel, Conversation.external_id == external_id)
    return await session.scalar(query.with_for_update())


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
