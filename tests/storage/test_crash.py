"""Kill a writer with SIGKILL mid-transaction: every committed ticket and event survives, nothing half-done."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import create_engine, create_sessionmaker
from storage.integrity import check_integrity
from storage.tickets import Ticket, get_ticket_by_number, ticket_events
from tests.factories import make_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
async def test_sigkill_loses_no_committed_ticket(db, clock) -> None:
    async with db.sessions() as session:
        world = await make_world(session, clock.now())
        await session.commit()
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.storage._worker",
            "write",
            db.url,
            str(world.community.id),
            str(world.resident.id),
            str(world.plumber.id),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    committed: list[str] = []
    try:
        while len(committed) < 25:
            line = await asyncio.wait_for(asyncio.to_thread(writer.stdout.readline), timeout=60)  # type: ignore[union-attr]
            assert line, writer.stderr.read()  # type: ignore[union-attr]
            committed.append(line.strip())
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL
    committed += [line.strip() for line in writer.stdout.read().splitlines()]  # type: ignore[union-attr]
    await db.engine.dispose()

    engine = create_engine(db.url)  # "restart": a fresh engine, fresh connections
    try:
        async with create_sessionmaker(engine)() as session:
            assert await check_integrity(session) == []
            for number in committed:
                ticket = await get_ticket_by_number(session, community_id=world.community.id, number=number)
                assert ticket.status == "accepted"
                assert [e.action for e in await ticket_events(session, ticket.id)] == ["create", "assign", "accept"]
            stored = await session.scalar(select(func.count()).select_from(Ticket))
            assert len(committed) <= stored <= len(committed) + 1  # at most the one committed before its print
    finally:
        await engine.dispose()
