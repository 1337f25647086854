"""Outbox: enqueue with the change, claim a batch (SKIP LOCKED), mark sent, or fail with backoff."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage._backoff import doubling
from storage._dialect import insert_or_get_id
from storage.errors import Conflict, NotFound
from storage.outbox.models import OutboxMessage

#: First retry delay; doubles each attempt up to MAX_BACKOFF.
BASE_BACKOFF: Final = timedelta(seconds=30)
MAX_BACKOFF: Final = timedelta(hours=1)
#: How long a claim holds before another worker may take the message over (a crashed sender).
DEFAULT_LEASE: Final = timedelta(minutes=2)


class OutboxStatus(StrEnum):
    """pending → sending → sent; dead after max_attempts failures."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed tries: 30 s, 1 min, 2 min ... capped at 1 h."""
    return doubling(attempts, base=BASE_BACKOFF, cap=MAX_BACKOFF)


async def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    recipient: str,
    kind: str,
    payload: dict[str, Any],
    now: datetime,
    ticket_id: int | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    max_attempts: int = 8,
) -> OutboxMessage:
    """Queue a message in the caller's transaction; with `dedupe_key` a repeat returns the first message."""
    values = dict(
        channel=channel,
        recipient=recipient,
        kind=kind,
        payload=payload,
        ticket_id=ticket_id,
        dedupe_key=dedupe_key,
        status=OutboxStatus.PENDING.value,
        attempts=0,
        max_attempts=max_attempts,
        next_try_at=not_before or now,
        created_at=now,
    )
    if dedupe_key is None:
        message = OutboxMessage(**values)
        session.add(message)
        await session.flush()
        return message
    message_id, _ = await insert_or_get_id(session, OutboxMessage, values, ["dedupe_key"])
    return await _get(session, message_id)


async def claim_batch(
    session: AsyncSession, *, worker: str, now: datetime, limit: int = 20, lease: timedelta = DEFAULT_LEASE
) -> list[OutboxMessage]:
    """Take up to `limit` due messages for `worker`; commit right after so others skip them.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so concurrent workers never take the same row. SQLite:
    every transaction begins IMMEDIATE (storage.db), so claims are serialised by the write lock.
    Messages whose lease ran out (their sender crashed) are due again.
    """
    due = or_(
        and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_try_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
    )
    query = (
        select(OutboxMessage)
        .where(due)
        .order_by(OutboxMessage.next_try_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    messages = list(await session.scalars(query))
    for message in messages:
        message.status = OutboxStatus.SENDING
        message.claimed_by = worker
        message.lease_until = now + lease
        message.attempts += 1
    await session.flush()
    return messages


async def mark_sent(
    session: AsyncSession, *, message_id: int, worker: str, now: datetime, external_ref: str | None = None
) -> OutboxMessage:
    """The channel accepted the message (as `external_ref`, its id there). Raises Conflict if `worker` lost it."""
    message = await _claimed(session, message_id, worker)
    message.status = OutboxStatus.SENT
    message.sent_at = now
    if external_ref is not None:
        message.external_ref = external_ref[:128]
    message.lease_until = None
    message.last_error = None
    await session.flush()
    return message


async def mark_failed(
    session: AsyncSession, *, message_id: int, worker: str, error: str, now: datetime
) -> OutboxMessage:
    """Sending failed: retry after `backoff(attempts)`, or give up (dead) after max_attempts."""
    message = await _claimed(session, message_id, worker)
    message.last_error = error[:2000]
    message.lease_until = None
    if message.attempts >= message.max_attempts:
        message.status = OutboxStatus.DEAD
    else:
        message.status = OutboxStatus.PENDING
        message.next_try_at = now + backoff(message.attempts)
    await session.flush()
    return message


async def sent_refs(session: AsyncSession, dedupe_keys: Collection[str]) -> dict[str, str]:
    """The channel ids of already delivered messages, by dedupe key (what an edit of them needs)."""
    if not dedupe_keys:
        return {}
    rows = await session.execute(
        select(OutboxMessage.dedupe_key, OutboxMessage.external_ref).where(
            OutboxMessage.dedupe_key.in_(list(dedupe_keys)),
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.external_ref.is_not(None),
        )
    )
    return {key: ref for key, ref in rows if key is not None and ref is not None}


async def pending_count(session: AsyncSession) -> int:
    """Messages not yet sent and not dead (for health checks)."""
    query = select(func.count()).where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))
    return int(await session.scalar(query) or 0)


async def _get(session: AsyncSession, message_id: int) -> OutboxMessage:
    message = await session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("outbox message", message_id)
    return message


async def _claimed(session: AsyncSession, message_id: int, worker: str) -> OutboxMessage:
    message = await session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if message is None:
        raise NotFound("outbox message", message_id)
    if message.status != OutboxStatus.SENDING or message.claimed_by != worker:
        raise Conflict(f"outbox message {message_id} is not held by {worker} (status {message.status})")
    return message
