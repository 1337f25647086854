"""Record each received message once: (channel, dedupe key) is unique, so redeliveries are dropped.

A message may be held first (`hold_inbound`: stored as pending before the channel answers its sender) and
logged later by its handler: `record_inbound` then takes the pending row over as if it were new, exactly once
even when two handlers race (the take is one conditional UPDATE).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
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

    `processed` marks it handled at once, for callers that handle it in the same transaction. A message held
    as pending (`hold_inbound`) is taken over: its payload replaced, no longer pending, and `is_new` True.
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
    taken: dict[str, Any] = {"payload": payload, "pending": False, "processed_at": now if processed else None}
    if sender_id is not None:
        taken["sender_id"] = sender_id
    if resident_id is not None:
        taken["resident_id"] = resident_id
    take = (
        update(InboundMessage)
        .where(
            InboundMessage.channel == channel,
            InboundMessage.dedupe_key == dedupe_key,
            InboundMessage.pending.is_(True),
        )
        .values(**taken)
        .returning(InboundMessage)
        .execution_options(synchronize_session="fetch")
    )
    held = (await session.scalars(take)).one_or_none()
    if held is not None:
        return held, True
    return await _logged(session, channel, dedupe_key), False


async def hold_inbound(
    session: AsyncSession,
    *,
    channel: str,
    dedupe_key: str,
    raw: str,
    payload: dict[str, Any],
    now: datetime,
    sender_id: str | None = None,
) -> tuple[InboundMessage, bool]:
    """Store a message before handling it (pending, with its `raw` text); (message, is_new).

    `is_new` False: the channel delivered it before (held or already logged), nothing was stored.
    """
    statement = (
        insert_for(session, InboundMessage)
        .values(
            channel=channel,
            dedupe_key=dedupe_key,
            payload=payload,
            sender_id=sender_id,
            received_at=now,
            raw=raw,
            pending=True,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["channel", "dedupe_key"])
    )
    message = (await session.scalars(statement.returning(InboundMessage))).one_or_none()
    if message is not None:
        return message, True
    return await _logged(session, channel, dedupe_key), False


async def _logged(session: AsyncSession, channel: str, dedupe_key: str) -> InboundMessage:
    """The row an insert just skipped as a conflict (it exists: the unique key said so)."""
    existing = await session.scalar(
        select(InboundMessage).where(InboundMessage.channel == channel, InboundMessage.dedupe_key == dedupe_key)
    )
    assert existing is not None
    return existing


async def start_attempt(session: AsyncSession, *, message_id: int) -> int | None:
    """Count one more handling of a pending message; the count, or None when it is no longer pending."""
    statement = (
        update(InboundMessage)
        .where(InboundMessage.id == message_id, InboundMessage.pending.is_(True))
        .values(attempts=InboundMessage.attempts + 1)
        .returning(InboundMessage.attempts)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def release(session: AsyncSession, *, message_id: int, now: datetime, processed: bool) -> bool:
    """A pending message that no handler took over is done with: handled (`processed`, e.g. nothing to do for
    it) or given up (left unprocessed for staff to see). False when it was not pending any more."""
    values: dict[str, Any] = {"pending": False}
    if processed:
        values["processed_at"] = now
    statement = (
        update(InboundMessage)
        .where(InboundMessage.id == message_id, InboundMessage.pending.is_(True))
        .values(**values)
        .returning(InboundMessage.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def pending_messages(session: AsyncSession, *, channel: str, limit: int = 500) -> list[InboundMessage]:
    """Held messages of `channel` no handler took over (e.g. the process died in between), oldest first."""
    query = (
        select(InboundMessage)
        .where(InboundMessage.pending.is_(True), InboundMessage.channel == channel)
        .order_by(InboundMessage.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


async def mark_processed(
    session: AsyncSession, *, message_id: int, now: datetime, ticket_id: int | None = None
) -> InboundMessage:
    """The dialog handled the message (optionally linking the ticket it created or touched)."""
    message = await session.get(InboundMessage, message_id)
    if message is None:
        raise NotFound("inbound message", message_id)
    message.processed_at = now
    message.pending = False
    if ticket_id is not None:
        message.ticket_id = ticket_id
    await session.flush()
    return message


async def unprocessed(session: AsyncSession, *, limit: int = 100) -> list[InboundMessage]:
    """Messages received but not handled (e.g. the process died in between), oldest first."""
    query = select(InboundMessage).where(InboundMessage.processed_at.is_(None)).order_by(InboundMessage.id)
    return list(await session.scalars(query.limit(limit)))
