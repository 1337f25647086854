"""Outbox steps the worker needs on top of `storage.outbox`: claim only what it can send, in order; give back; retry.

These belong in `storage.outbox` (as `claim_batch(channels=..., per_recipient_order=True)`, `release_claim`,
`mark_failed(retry_after=..., final=...)`); they live here until storage grows them, and they reuse
`claim_batch` and `mark_failed` so lease, attempt and backoff rules stay in one place.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import and_, event, exists, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, aliased, with_loader_criteria

from storage.outbox import OutboxMessage, OutboxStatus, claim_batch, mark_failed

_UNFINISHED = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


async def claim_sendable(
    session: AsyncSession, *, worker: str, now: datetime, channels: Collection[str], limit: int = 20
) -> list[OutboxMessage]:
    """`claim_batch`, narrowed to `channels` and to each recipient's oldest unfinished message.

    Messages on other channels are not touched (they stay pending and never fill the batch), and a message
    waits while an older one to the same recipient is pending, in backoff or being sent, so a recipient
    always gets their messages in the order they were written.
    """
    if not channels:
        return []
    earlier = aliased(OutboxMessage)
    older_unfinished = exists().where(
        earlier.channel == OutboxMessage.channel,
        earlier.recipient == OutboxMessage.recipient,
        earlier.id < OutboxMessage.id,
        earlier.status.in_(_UNFINISHED),
    )
    criteria = with_loader_criteria(OutboxMessage, and_(OutboxMessage.channel.in_(list(channels)), ~older_unfinished))

    def narrow(state: ORMExecuteState) -> None:
        if state.is_select:
            state.statement = state.statement.options(criteria)

    event.listen(session.sync_session, "do_orm_execute", narrow)
    try:
        return await claim_batch(session, worker=worker, now=now, limit=limit)
    finally:
        event.remove(session.sync_session, "do_orm_execute", narrow)


async def release_claims(session: AsyncSession, *, message_ids: Collection[int], worker: str) -> None:
    """Give back claimed, unsent messages as if never claimed (no attempt counted), e.g. on shutdown."""
    if not message_ids:
        return
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(list(message_ids)),
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_by == worker,
        )
        .values(
            status=OutboxStatus.PENDING.value,
            attempts=OutboxMessage.attempts - 1,
            claimed_by=None,
            lease_until=None,
        )
    )


async def defer_claim(
    session: AsyncSession, *, message_id: int, worker: str, now: datetime, seconds: float, error: str
) -> bool:
    """Give a claimed message back to try after `seconds`, without counting the try (a flood limit, an outage).

    Returns False when `worker` no longer holds the message (its lease ran out and another took it).
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.SENDING.value,
            OutboxMessage.claimed_by == worker,
        )
        .values(
            status=OutboxStatus.PENDING.value,
            attempts=OutboxMessage.attempts - 1,
            claimed_by=None,
            lease_until=None,
            next_try_at=now + timedelta(seconds=seconds),
            last_error=error[:2000],
        )
    )
    return bool(result.rowcount)


async def record_failure(
    session: AsyncSession,
    *,
    message_id: int,
    worker: str,
    error: str,
    now: datetime,
    retry_after: float = 0.0,
    final: bool = False,
) -> OutboxMessage:
    """`mark_failed`, then wait at least `retry_after` seconds (a flood limit) or give up at once when `final`."""
    message = await mark_failed(session, message_id=message_id, worker=worker, error=error, now=now)
    if message.status == OutboxStatus.PENDING.value:
        if final:
            message.status = OutboxStatus.DEAD.value
        elif retry_after > 0:
            message.next_try_at = max(message.next_try_at, now + timedelta(seconds=retry_after))
        await session.flush()
    return message
