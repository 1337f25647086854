"""Record each received message once: (channel, dedupe key) is unique, so redeliveries are dropped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._dialect import insert_or_get_id
from storage.errors import NotFound
from storage.inbound.models import InboundMessage


async def record_inbound(
    session: AsyncSession,
    *,
    channel: str,
    dedupe_key: str,
    payload: dict[str, Any],
    now: datetime,
    sender_id: str | None = None,
    resident_id: int | None = None,
) -> tuple[InboundMessage, bool]:
    """Log a message; (message, is_new). `is_new` False means a redelivery the bot already saw."""
    values = dict(
        channel=channel,
        dedupe_key=dedupe_key,
        payload=payload,
        sender_id=sender_id,
        resident_id=resident_id,
        received_at=now,
    )
    message_id, created = await insert_or_get_id(session, InboundMessage, values, ["channel", "dedupe_key"])
    message = await session.get(InboundMessage, message_id)
    assert message is not None
    return message, created


async def mark_processed(
    session: AsyncSession, *, message_id: int, now: datetime, ticket_id: int | None = None
) -> InboundMessage:
    """The dialog handled the message (optionally linking the ticket it created or touched)."""
    message = await session.get(InboundMessage, message_id)
    if message is None:
        raise NotFound("inbound message", message_id)
    message.processed_at = now
    if ticket_id is not None:
        message.ticket_id = ticket_id
    await session.flush()
    return message


async def unprocessed(session: AsyncSession, *, limit: int = 100) -> list[InboundMessage]:
    """Messages received but not handled (e.g. the process died in between), oldest first."""
    query = select(InboundMessage).where(InboundMessage.processed_at.is_(None)).order_by(InboundMessage.id)
    return list(await session.scalars(query.limit(limit)))
