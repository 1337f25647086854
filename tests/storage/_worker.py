"""A separate process for concurrency and crash tests: `python -m tests.storage._worker MODE URL ...`.

accept URL STAFF_ID START_AT TICKET_ID...   try to accept each ticket once START_AT (unix time) arrives;
                                             prints one JSON line {"won": [...], "lost": {...}}
write URL COMMUNITY_ID RESIDENT_ID STAFF_ID  create-assign-accept tickets forever, printing each number
                                             after its commit; sleeps inside every transaction
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from storage.clock import SystemClock
from storage.db import create_engine, create_sessionmaker
from storage.errors import StorageError
from storage.tickets import Actor, accept_ticket, assign_ticket, create_ticket


async def accept(url: str, staff_id: int, start_at: float, ticket_ids: list[int]) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    async with engine.connect():
        pass  # connect before the start line so both processes race on the statements, not on start-up
    won, lost = [], {}
    await asyncio.sleep(max(0.0, start_at - time.time()))
    for ticket_id in ticket_ids:
        try:
            async with sessions() as session, session.begin():
                await accept_ticket(session, ticket_id=ticket_id, staff_id=staff_id, now=SystemClock().now())
            won.append(ticket_id)
        except StorageError as error:
            lost[ticket_id] = type(error).__name__
    await engine.dispose()
    print(json.dumps({"won": won, "lost": lost}), flush=True)


async def write(url: str, community_id: int, resident_id: int, staff_id: int) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    clock = SystemClock()
    while True:
        async with sessions() as session, session.begin():
            ticket = await create_ticket(
                session,
                community_id=community_id,
                type="repair",
                category="engineering",
                urgency="normal",
                description="崩溃测试",
                channel="webchat",
                now=clock.now(),
                actor=Actor.resident(resident_id),
                resident_id=resident_id,
            )
            await assign_ticket(
                session, ticket_id=ticket.id, assignee_id=staff_id, actor=Actor.system(), now=clock.now()
            )
            await asyncio.sleep(0.005)  # most of the time is spent inside an open transaction
            await accept_ticket(session, ticket_id=ticket.id, staff_id=staff_id, now=clock.now())
            number = ticket.number
        print(number, flush=True)


def main(argv: list[str]) -> None:
    mode, url, *rest = argv
    if mode == "accept":
        asyncio.run(accept(url, int(rest[0]), float(rest[1]), [int(t) for t in rest[2:]]))
    elif mode == "write":
        asyncio.run(write(url, int(rest[0]), int(rest[1]), int(rest[2])))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
