"""The scheduler runs inside the service: `install_scheduler` is one of build_app's plugins, and a started
app runs due jobs in the background with the app's clock."""

from __future__ import annotations

import asyncio

from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.config import Settings
from bot.http import create_app
from bot.scheduler import SCHEDULER, install_scheduler
from bot.service import build_app
from storage.clock import FrozenClock
from storage.db import Database
from storage.jobs.models import Job
from tests.bot.scheduler.conftest import Estate, outbox
from tests.bot.scheduler.test_deadlines import _open


def test_build_app_installs_the_scheduler(tmp_path) -> None:
    app = build_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", demo=False), plugins=[])
    assert isinstance(app[SCHEDULER].worker_name, str)


async def test_a_running_app_escalates_on_its_own(db: Database, clock: FrozenClock, estate: Estate) -> None:
    await _open(db, clock, estate)
    clock.advance(minutes=31)  # past the urgent arrival deadline
    app = create_app(
        Settings(database_url=db.url, demo=False),
        clock=clock,
        sessionmaker=db.sessions,
        plugins=[lambda app: install_scheduler(app, idle_seconds=0.05)],
    )
    server = TestServer(app)
    await server.start_server()
    try:
        for _ in range(200):
            if await outbox(db, kind="escalation"):
                break
            await asyncio.sleep(0.05)
    finally:
        await server.close()
    assert [m.recipient for m in await outbox(db, kind="escalation")] == ["tg-supervisor"]
    async with db.sessions() as session:
        assert await session.scalar(select(Job.kind).where(Job.key == "watch")) == "watch"
