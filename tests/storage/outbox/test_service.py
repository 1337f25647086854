"""Outbox: enqueue, claim with SKIP LOCKED, backoff, leases — including concurrent workers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage.errors import Conflict
from storage.outbox import OutboxMessage, backoff, claim_batch, enqueue, mark_failed, mark_sent, pending_count


async def _enqueue(session, clock, count: int) -> list[OutboxMessage]:
    return [
        await enqueue(
            session,
            channel="telegram",
            recipient=f"chat-{i}",
            kind="ticket_created",
            payload={"text": f"工单 {i}"},
            now=clock.now(),
        )
        for i in range(count)
    ]


async def test_claim_send_and_retry_with_backoff(session, clock) -> None:
    first, second = await _enqueue(session, clock, 2)
    claimed = await claim_batch(session, worker="w1", now=clock.now(), limit=10)
    assert [m.id for m in claimed] == [first.id, second.id]
    assert await claim_batch(session, worker="w2", now=clock.now()) == []
    await mark_sent(session, message_id=first.id, worker="w1", now=clock.now())
    failed = await mark_failed(
        session, message_id=second.id, worker="w1", error="429 Too Many Requests", now=clock.now()
    )
    assert failed.status == "pending" and failed.next_try_at == clock.now() + timedelta(seconds=30)
    assert await claim_batch(session, worker="w1", now=clock.advance(seconds=29)) == []
    again = await claim_batch(session, worker="w1", now=clock.advance(seconds=1))
    assert [m.id for m in again] == [second.id] and again[0].attempts == 2
    with pytest.raises(Conflict):
        await mark_sent(session, message_id=second.id, worker="someone-else", now=clock.now())
    await mark_sent(session, message_id=second.id, worker="w1", now=clock.now())
    assert await pending_count(session) == 0


async def test_message_dies_after_max_attempts(session, clock) -> None:
    message = await enqueue(
        session, channel="wecom", recipient="u1", kind="notice", payload={}, now=clock.now(), max_attempts=2
    )
    for _ in range(2):
        [claimed] = await claim_batch(session, worker="w", now=clock.advance(hours=2))
        result = await mark_failed(session, message_id=claimed.id, worker="w", error="blocked", now=clock.now())
    assert result.id == message.id and result.status == "dead" and result.last_error == "blocked"


async def test_expired_lease_is_taken_over(session, clock) -> None:
    [message] = await _enqueue(session, clock, 1)
    await claim_batch(session, worker="crashed", now=clock.now(), lease=timedelta(minutes=2))
    assert await claim_batch(session, worker="w2", now=clock.advance(minutes=1)) == []
    [taken] = await claim_batch(session, worker="w2", now=clock.advance(minutes=2))
    assert taken.id == message.id and taken.claimed_by == "w2"


async def test_dedupe_key_enqueues_once(session, clock) -> None:
    one = await enqueue(
        session,
        channel="telegram",
        recipient="c",
        kind="k",
        payload={"a": 1},
        now=clock.now(),
        dedupe_key="ticket:1:created",
    )
    two = await enqueue(
        session,
        channel="telegram",
        recipient="c",
        kind="k",
        payload={"a": 2},
        now=clock.now(),
        dedupe_key="ticket:1:created",
    )
    assert one.id == two.id and two.payload == {"a": 1}


def test_backoff_doubles_and_caps() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert backoff(30) == timedelta(hours=1)


async def test_concurrent_workers_never_take_a_message_twice(db, clock) -> None:
    async with db.sessions() as session:
        await _enqueue(session, clock, 60)
        await session.commit()
    taken: list[int] = []

    async def worker(name: str) -> None:
        while True:
            async with db.sessions() as session:
                batch = await claim_batch(session, worker=name, now=clock.now(), limit=4)
                await session.commit()
                if not batch:
                    return
                taken.extend(m.id for m in batch)
                await asyncio.sleep(0)  # "send"
                for message in batch:
                    await mark_sent(session, message_id=message.id, worker=name, now=clock.now())
                await session.commit()

    await asyncio.gather(*(worker(f"w{i}") for i in range(4)))
    assert sorted(taken) == list(range(1, 61))
    async with db.sessions() as session:
        assert await pending_count(session) == 0


async def test_skip_locked_lets_a_second_worker_past_an_open_claim(db, clock) -> None:
    if db.backend != "postgresql":
        pytest.skip("SQLite serialises writers: a second claim waits for the first to commit (tested above)")
    async with db.sessions() as session:
        await _enqueue(session, clock, 6)
        await session.commit()
    async with db.sessions() as first, db.sessions() as second:
        held = await claim_batch(first, worker="a", now=clock.now(), limit=3)  # transaction left open
        other = await asyncio.wait_for(claim_batch(second, worker="b", now=clock.now(), limit=10), timeout=5)
        assert {m.id for m in held}.isdisjoint(m.id for m in other)
        assert len(other) == 3
