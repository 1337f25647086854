"""Record each received message once: (channel, dedupe key) is unique, so redeliveries are dropped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._dialect import insert_for
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
    processed: bool = False,
) -> tuple[InboundMessage, bool]:
    """Log a message; (message, is_new). `is_new` False means a redelivery the bot already saw.

    `processed` marks it handled at once, for callers that handle it in the same transaction.
    """
    values = dict(
        channel=channel,
        dedupe_key=dedupe_key,
        payload=payload,
        sender_id=sender_id,
        resident_id=resident_id,
        received_at=now,
        processed_at=now if processed else None,
    )
    # One round trip for a new message: the ORM row comes back from INSERT ... RETURNING.
    statement = (
        insert_for(session, InboundMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["channel", "dedupe_key"])
    )
    message = (await session.scalars(statement.returning(InboundMessage))).one_or_none()
    if message is not None:
        return message, True
    existing = await session.scalar(
        select(InboundMessage).where(InboundMessage.channel == channel, InboundMessage.dedupe_key == dedupe_key)
    )
    assert existing is not None
    return existing, False


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
