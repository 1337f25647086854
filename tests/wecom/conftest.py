"""WeCom fixtures: the fake WeCom, and our real service app (WeCom plugin + outbox worker) on a real migrated
SQLite file with the demo community, an engineering group (robot + department card) and a technician."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.demo import ensure_demo
from bot.http import create_app
from bot.service import install_outbox_worker
from bot.wecom import install
from bot.wecom.tasks import CardTasks
from storage.clock import FrozenClock
from storage.db import create_engine, create_sessionmaker
from storage.groups.service import register_group
from storage.outbox import OutboxMessage
from storage.staff.models import Staff
from storage.staff.service import link_staff_identity
from tests.storage.conftest import clock, sqlite_template
from tests.wecom.fake_wecom import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, FakeWeCom, WeComCallbacks

__all__ = ["clock", "sqlite_template"]

#: The engineering group on WeCom: its group robot, and the app's cards to WeCom department 2.
ENGINEERING_GROUP = "robot:engineering,party:2"
TECHNICIAN = "zhangshifu"


@dataclass
class World:
    fake: FakeWeCom
    wecom: WeComCallbacks
    sessions: async_sessionmaker[AsyncSession]
    app: web.Application
    technician_id: int
    network: SlowNetwork
    server: TestServer


@dataclass
class SlowNetwork:
    """Between WeCom and us: holds back our next answer(s) by `delay` seconds after we produced them."""

    delay: float = 0.0
    times: int = 0

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        if self.times > 0:
            self.times -= 1
            await asyncio.sleep(self.delay)
        return response


@pytest.fixture
async def fake() -> AsyncIterator[FakeWeCom]:
    fake = FakeWeCom()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def sessions(
    tmp_path: Path, sqlite_template: Path, clock: FrozenClock
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    path = tmp_path / "wuye.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    maker = create_sessionmaker(engine)
    try:
        yield maker
    finally:
        await engine.dispose()


@pytest.fixture
def tasks(sessions: async_sessionmaker[AsyncSession], clock: FrozenClock) -> CardTasks:
    """Card response codes in the test's database."""
    return CardTasks(sessions, clock)


def wecom_settings(tmp_path: Path, fake: FakeWeCom) -> Settings:
    return Settings(
        database_url="sqlite+aiosqlite:///unused.db",
        data_dir=tmp_path / "data",
        wecom_corp_id=CORP_ID,
        wecom_agent_id=AGENT_ID,
        wecom_secret=SECRET,
        wecom_token=TOKEN,
        wecom_aes_key=AES_KEY,
        wecom_api_url=fake.url,
        wecom_robot_engineering="robot-key-engineering",
    )


@pytest.fixture
def asr_plugins() -> list[Any]:
    """Plugins installed before the WeCom one (a test module overrides this to add speech to text)."""
    return []


@pytest.fixture
async def world(
    tmp_path: Path,
    fake: FakeWeCom,
    sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    asr_plugins: list[Any],
) -> AsyncIterator[World]:
    """The service app serving /wecom/callback over real HTTP, its outbox worker sending to the fake."""
    async with sessions.begin() as session:
        community = await ensure_demo(session, now=clock.now())
        await register_group(
            session,
            community_id=community.id,
            department="engineering",
            channel="wecom",
            chat_id=ENGINEERING_GROUP,
            now=clock.now(),
        )
        technician = await session.scalar(select(Staff).where(Staff.name == "演示-张师傅"))
        assert technician is not None
        await link_staff_identity(
            session, staff_id=technician.id, channel="wecom", external_id=TECHNICIAN, now=clock.now()
        )
        technician_id = technician.id
    world = await start_service(tmp_path, fake, sessions, clock, asr_plugins, technician_id)
    try:
        yield world
    finally:
        await world.server.close()


async def start_service(
    tmp_path: Path,
    fake: FakeWeCom,
    sessions: async_sessionmaker[AsyncSession],
    clock: FrozenClock,
    plugins: list[Any],
    technician_id: int,
) -> World:
    """Our service app on `sessions`, started and serving over real HTTP (a second call is a restarted process on
    the same database); the caller closes `world.server`."""
    app = create_app(
        wecom_settings(tmp_path, fake),
        clock=clock,
        sessionmaker=sessions,
        plugins=[*plugins, install, lambda app: install_outbox_worker(app, idle_seconds=0.05)],
    )
    network = SlowNetwork()
    app.middlewares.append(network.middleware)
    server = TestServer(app)
    await server.start_server()
    return World(
        fake,
        WeComCallbacks(fake, str(server.make_url("/wecom/callback")), now=clock.now),
        sessions,
        app,
        technician_id,
        network,
        server,
    )


async def outbox(sessions: async_sessionmaker[AsyncSession], **where: Any) -> list[OutboxMessage]:
    async with sessions() as session:
        query = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        return list(await session.scalars(query))


async def settled(world: World, *, timeout: float = 10.0) -> list[OutboxMessage]:
    """Wait until the callbacks are handled and every wecom outbox row is sent; the rows."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    from bot.wecom import WECOM

    while True:
        rows = await outbox(world.sessions, channel="wecom")
        busy = bool(world.app[WECOM].running)
        if (not busy and all(row.status == "sent" for row in rows)) or loop.time() > deadline:
            assert all(row.status == "sent" for row in rows), [(r.kind, r.status, r.last_error) for r in rows]
            return rows
        await asyncio.sleep(0.02)
