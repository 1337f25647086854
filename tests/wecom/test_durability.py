"""A WeCom message is stored before it is acknowledged: a process that dies after answering WeCom (which then
never delivers the message again) handles it after the restart, once; WeCom's retries store nothing twice.
On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.wecom import WECOM
from bot.wecom.callback import MAX_ATTEMPTS
from storage.attachments.models import Attachment
from storage.clock import FrozenClock
from storage.db import Database
from storage.inbound.models import InboundMessage
from storage.inbound.service import hold_inbound
from storage.outbox import OutboxMessage
from tests.storage.conftest import db, postgres_server
from tests.wecom.conftest import World, settled, start_service
from tests.wecom.fake_wecom import message_xml

__all__ = ["db", "postgres_server"]

RESIDENT = "yezhu-07"


@pytest.fixture
def sessions(db: Database) -> async_sessionmaker[AsyncSession]:
    """On both backends: the world runs on the storage tests' `db` (a SQLite file, or the session's PostgreSQL)."""
    return db.sessions


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(300)


async def test_a_handling_that_died_mid_way_is_finished_once_after_a_restart(
    world: World, tmp_path: Path, clock: FrozenClock
) -> None:
    fake = world.fake
    fake.media_delay = 60.0  # the photo's download hangs: the process dies during it
    fields = world.wecom.base(RESIDENT, "image") | {
        "PicUrl": "http://p/1.jpg",
        "MediaId": fake.add_media(JPEG, "image/jpeg"),
        "MsgId": "7100000000000000001",
    }
    query, body = world.wecom.envelope(fields)
    assert await world.wecom.post_raw(query, body) == [200]
    await until(lambda: attempts(world.sessions), 1)
    running = list(world.app[WECOM].running)
    for task in running:  # the process dies: its handling never finishes, nothing more runs
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
    await world.server.close()
    [held] = await inbound(world.sessions)
    assert held.pending and held.processed_at is None and held.attempts == 1 and "<MediaId>" in (held.raw or "")
    assert await count(world.sessions, Attachment) == 0

    fake.media_delay = 0.0
    restarted = await start_service(tmp_path, fake, world.sessions, clock, [], world.technician_id)
    try:
        await settled(restarted)
        [handled] = await inbound(world.sessions)
        assert not handled.pending and handled.processed_at is not None and handled.attempts == 2
        assert handled.payload["kind"] == "photo"
        assert await count(world.sessions, Attachment) == 1
        replies = await count(world.sessions, OutboxMessage)
        assert replies >= 1
        # WeCom delivers the same message again (its retry): nothing is stored or answered twice
        assert await restarted.wecom.post_raw(query, body) == [200]
        await settled(restarted)
        assert await count(world.sessions, InboundMessage) == 1 and await count(world.sessions, Attachment) == 1
        assert await count(world.sessions, OutboxMessage) == replies
    finally:
        await restarted.server.close()


async def test_a_message_acknowledged_just_before_the_process_died_is_handled_at_start(
    world: World, tmp_path: Path, clock: FrozenClock
) -> None:
    """What the endpoint stores before answering 200, with no handling started (the process died right after)."""
    await world.server.close()
    fields = world.wecom.base(RESIDENT, "text") | {"Content": "卫生间马桶漏水 3-2-502", "MsgId": "7100000000000000002"}
    async with world.sessions.begin() as session:
        await hold_inbound(
            session,
            channel="wecom",
            dedupe_key=f"{RESIDENT}:7100000000000000002",
            raw=message_xml(fields).decode(),
            payload={"kind": "held", "text": fields["Content"]},
            sender_id=RESIDENT,
            now=clock.now(),
        )
    restarted = await start_service(tmp_path, world.fake, world.sessions, clock, [], world.technician_id)
    try:
        rows = await settled(restarted)
        [handled] = await inbound(world.sessions)
        assert not handled.pending and handled.processed_at is not None and handled.payload["text"].startswith("卫生间")
        assert [row.recipient for row in rows] and all(row.recipient == RESIDENT for row in rows)
        assert any(s.to.get("touser") == RESIDENT for s in world.fake.sent)  # the resident got the answer
        sent = len(world.fake.sent)
        assert await restarted.wecom.post(fields) == [200]  # WeCom's retry of it
        await settled(restarted)
        assert await count(world.sessions, InboundMessage) == 1 and len(world.fake.sent) == sent
    finally:
        await restarted.server.close()


async def test_a_message_that_keeps_killing_the_process_is_given_up(
    world: World, tmp_path: Path, clock: FrozenClock
) -> None:
    await world.server.close()
    fields = world.wecom.base(RESIDENT, "text") | {"Content": "你好", "MsgId": "7100000000000000003"}
    async with world.sessions.begin() as session:
        held, _ = await hold_inbound(
            session,
            channel="wecom",
            dedupe_key=f"{RESIDENT}:7100000000000000003",
            raw=message_xml(fields).decode(),
            payload={"kind": "held", "text": "你好"},
            sender_id=RESIDENT,
            now=clock.now(),
        )
        await session.execute(update(InboundMessage).where(InboundMessage.id == held.id).values(attempts=MAX_ATTEMPTS))
    restarted = await start_service(tmp_path, world.fake, world.sessions, clock, [], world.technician_id)
    try:
        await settled(restarted)
        [given_up] = await inbound(world.sessions)
        assert not given_up.pending and given_up.processed_at is None  # left for staff to see
        assert await count(world.sessions, OutboxMessage) == 0 and world.fake.sent == []
    finally:
        await restarted.server.close()


async def test_two_deliveries_at_once_store_and_answer_once(world: World) -> None:
    world.fake.media_delay = 0.5
    fields = world.wecom.base(RESIDENT, "image") | {
        "MediaId": world.fake.add_media(JPEG, "image/jpeg"),
        "MsgId": "7100000000000000004",
    }
    query, body = world.wecom.envelope(fields)
    first, second = await asyncio.gather(world.wecom.post_raw(query, body), world.wecom.post_raw(query, body))
    assert first == second == [200]
    await settled(world)
    assert await count(world.sessions, InboundMessage) == 1 and await count(world.sessions, Attachment) == 1


# --- helpers ---------------------------------------------------------------------------------------------------


async def inbound(sessions: async_sessionmaker[AsyncSession]) -> list[InboundMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def attempts(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.max(InboundMessage.attempts))) or 0)


async def until(probe: Callable[[], Awaitable[int]], wanted: int, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await probe() != wanted:
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)
