"""Concurrency: two processes race to accept the same tickets; concurrent creations get distinct numbers."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.tickets import Actor, TicketEvent, create_ticket, ticket_events
from tests.factories import make_ticket, make_world

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
async def test_two_processes_never_accept_the_same_ticket(db, clock) -> None:
    async with db.sessions() as session:
        world = await make_world(session, clock.now())
        tickets = [await make_ticket(session, world.community, clock.now(), resident=world.resident) for _ in range(15)]
        await session.commit()
    ids = [str(t.id) for t in tickets]
    start_at = f"{time.time() + 2.5:.3f}"
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.storage._worker", "accept", db.url, str(staff.id), start_at, *ids],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for staff in (world.plumber, world.plumber2)
    ]
    results = []
    for worker in workers:
        out, err = await asyncio.to_thread(worker.communicate, timeout=60)
        assert worker.returncode == 0, err
        results.append(json.loads(out))

    won = [set(r["won"]) for r in results]
    assert won[0] | won[1] == {t.id for t in tickets}
    assert not won[0] & won[1]
    assert {kind for r in results for kind in r["lost"].values()} <= {"TransitionNotAllowed"}
    async with db.sessions() as session:
        for ticket in tickets:
            actions = [e.action for e in await ticket_events(session, ticket.id)]
            assert actions == ["create", "accept"]


async def test_concurrent_creations_get_distinct_numbers_and_all_events(db, clock) -> None:
    async with db.sessions() as session:
        world = await make_world(session, clock.now())
        await session.commit()

    async def create_some(count: int) -> list[str]:
        numbers = []
        for _ in range(count):
            async with db.sessions() as session, session.begin():
                ticket = await create_ticket(
                    session,
                    community_id=world.community.id,
                    type="repair",
                    category="engineering",
                    urgency="normal",
                    description="并发",
                    channel="webchat",
                    now=clock.now(),
                    actor=Actor.system(),
                )
                numbers.append(ticket.number)
        return numbers

    batches = await asyncio.gather(*(create_some(10) for _ in range(4)))
    numbers = [n for batch in batches for n in batch]
    assert len(set(numbers)) == 40
    assert sorted(numbers) == [f"BX-20261122-{i:04d}" for i in range(1, 41)]
    async with db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(TicketEvent)) == 40
