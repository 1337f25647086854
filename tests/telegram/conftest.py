"""Telegram fixtures: the fake Bot API server, an estate with staff and a plumbing group, the service app
(Telegram plugin + outbox worker) on a real database served over real HTTP, and people who chat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer, unused_port
from sqlalchemy import func, select

from bot.config import Settings
from bot.http import create_app
from bot.service import install_outbox_worker
from bot.telegram import install
from bot.telegram.fake_api import FakeBotApi
from storage.db import Database
from storage.groups.service import register_group
from storage.inbound.models import InboundMessage
from storage.outbox import OutboxMessage
from storage.staff.service import link_staff_identity
from storage.tickets.models import Ticket
from tests.factories import make_community, make_room, make_staff
from tests.storage.conftest import START, db, postgres_server, sqlite_template

__all__ = ["db", "postgres_server", "sqlite_template"]

TOKEN = "123456:TEST-token_for-the-fake"
#: The engineering (plumbing) department's group chat.
PLUMBING_GROUP = -1001
# A tiny valid PNG (1x1) and a different one (2x1) for the after-photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PNG_AFTER = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000010806000000"
    "f4225d1a0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class RunningClock:
    """Time that runs like the wall clock from START, and can jump ahead (a simulated outage)."""

    def __init__(self, start: datetime = START) -> None:
        self._start, self._t0, self._offset = start, time.monotonic(), timedelta(0)

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0) + self._offset

    def advance(self, **delta: float) -> None:
        self._offset += timedelta(**delta)


@dataclass
class Estate:
    """The test community: its id, staff ids by key and their Telegram user ids."""

    community_id: int
    staff: dict[str, int] = field(default_factory=dict)


#: Staff: key → (role, department, Telegram user id).
STAFF = {
    "plumber": ("technician", "engineering", 7001),
    "supervisor": ("supervisor", "service_centre", 7002),
}


@pytest.fixture
async def estate(db: Database) -> Estate:
    async with db.sessions.begin() as session:
        now = START
        community = await make_community(session, now, code="demo")
        for code in ("3-2-502", "3-2-501", "5-801"):
            await make_room(session, community, now, code=code)
        estate = Estate(community.id)
        for key, (role, department, user_id) in STAFF.items():
            staff = await make_staff(session, community, now, role=role, department=department, name=f"{key}师傅")
            await link_staff_identity(session, staff_id=staff.id, channel="telegram", external_id=str(user_id), now=now)
            estate.staff[key] = staff.id
        await register_group(
            session,
            community_id=community.id,
            department="engineering",
            channel="telegram",
            chat_id=str(PLUMBING_GROUP),
            now=now,
        )
    return estate


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    try:
        yield api
    finally:
        await close_fake(api)


async def close_fake(api: FakeBotApi) -> None:
    """Close the fake without waiting out a long poll the stopped bot left behind (the server's shutdown waits for
    every open request: up to the poll timeout, 0.7 s a test on average)."""
    async with api._new_update:  # the fake has no public way to end a waiting getUpdates early
        api._new_update.notify_all()
    await api.close()


@pytest.fixture
def clock() -> RunningClock:
    return RunningClock()


@dataclass
class Service:
    """The running service and the way to reach it."""

    app: web.Application
    server: TestServer
    db: Database
    clock: RunningClock

    async def count(self, model: Any, **where: Any) -> int:
        async with self.db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model).filter_by(**where)) or 0)

    async def outbox(self, **where: Any) -> list[OutboxMessage]:
        async with self.db.sessions() as session:
            return list(await session.scalars(select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)))

    async def tickets(self) -> list[Ticket]:
        async with self.db.sessions() as session:
            return list(await session.scalars(select(Ticket).order_by(Ticket.id)))

    async def inbound(self) -> int:
        return await self.count(InboundMessage)


async def start_service(
    tmp_path: Path,
    db: Database,
    fake: FakeBotApi,
    clock: RunningClock,
    *,
    webhook: bool = False,
    plugins: list[Callable[[web.Application], None]] | None = None,
) -> tuple[Service, Callable[[], Any]]:
    port = unused_port()
    settings = Settings(
        database_url=db.url,
        data_dir=tmp_path / "data",
        telegram_token=TOKEN,
        telegram_api_url=fake.url,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/webhook" if webhook else None,
        telegram_secret="s3cret-token_for-tests" if webhook else None,
    )

    def telegram(app: web.Application) -> None:
        install(app, poll_timeout=1)

    def worker(app: web.Application) -> None:
        install_outbox_worker(app, idle_seconds=0.2)

    app = create_app(settings, clock=clock, sessionmaker=db.sessions, plugins=[*(plugins or []), telegram, worker])
    server = TestServer(app, port=port)
    await server.start_server()
    return Service(app, server, db, clock), server.close


@pytest.fixture
async def service(
    tmp_path: Path, db: Database, estate: Estate, fake: FakeBotApi, clock: RunningClock
) -> AsyncIterator[Service]:
    """The service in polling mode (development)."""
    running, close = await start_service(tmp_path, db, fake, clock)
    try:
        yield running
    finally:
        await close()


@pytest.fixture
async def webhook_service(
    tmp_path: Path, db: Database, estate: Estate, fake: FakeBotApi, clock: RunningClock
) -> AsyncIterator[Service]:
    """The service in webhook mode (production): it registers its webhook with the fake on startup."""
    running, close = await start_service(tmp_path, db, fake, clock, webhook=True)
    await until(lambda: fake.webhook is not None)
    try:
        yield running
    finally:
        await close()


async def until(check: Callable[[], Any], *, timeout: float = 15.0, what: str = "") -> Any:
    """Wait until `check()` (sync or async) is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)


class Person:
    """Someone on Telegram: writes in a chat (private by default), sends photos, presses buttons."""

    def __init__(self, fake: FakeBotApi, user_id: int, name: str, chat_id: int | None = None) -> None:
        self.fake = fake
        self.user = {"id": user_id, "is_bot": False, "first_name": name}
        self.chat_id = chat_id if chat_id is not None else user_id
        self.last_update: dict[str, Any] | None = None

    async def send(self, update: dict[str, Any]) -> int:
        self.last_update = update
        return await self.fake.deliver(update)

    async def say(self, text: str, **extra: Any) -> int:
        return await self.send(self.fake.user_message(self.chat_id, self.user, text=text, **extra))

    async def photo(self, data: bytes, **extra: Any) -> int:
        return await self.send(self.fake.user_message(self.chat_id, self.user, photo=data, **extra))

    def button(self, label: str, chat_id: int | None = None) -> tuple[int, str]:
        """(message id, callback data) of the newest bot message in the chat with a button containing `label`."""
        for message in reversed(self.fake.messages(chat_id if chat_id is not None else self.chat_id)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for key in row:
                    if label in key["text"]:
                        return message["message_id"], key["callback_data"]
        raise AssertionError(f"no button {label!r} in chat {chat_id or self.chat_id}")

    async def press(self, label: str, *, chat_id: int | None = None) -> int:
        chat = chat_id if chat_id is not None else self.chat_id
        message_id, data = self.button(label, chat)
        return await self.send(self.fake.press(chat, message_id, self.user, data))

    def texts(self) -> list[str]:
        return self.fake.texts(self.chat_id)

    async def wait_for(self, needle: str, *, timeout: float = 15.0) -> str:
        """Wait until a bot message in this chat contains `needle`; returns that message's text."""

        def found() -> str | None:
            return next((t for t in reversed(self.texts()) if needle in t), None)

        return await until(found, timeout=timeout, what=f"{needle!r} in chat {self.chat_id}")
