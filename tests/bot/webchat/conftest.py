"""Web chat fixtures: the service app on a real migrated SQLite file with the demo community, served over real
HTTP, and `Resident`, one browser (its own cookie jar) talking to it."""

from __future__ import annotations

import asyncio
import itertools
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import ClientResponse, ClientSession, CookieJar, FormData, web
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.demo import ensure_demo
from bot.http import create_app
from bot.service import install_outbox_worker
from bot.webchat import COOKIE_NAME, install
from storage.clock import FrozenClock
from storage.db import create_engine, create_sessionmaker
from storage.outbox import OutboxMessage
from tests.storage.conftest import clock, sqlite_template

T = TypeVar("T")

__all__ = ["clock", "sqlite_template"]

# A tiny valid PNG (1x1).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Resident:
    """One browser: its own cookie jar; says things, presses buttons, uploads photos and polls the replies."""

    _ids = itertools.count(1)

    def __init__(self, http: ClientSession) -> None:
        self.http = http
        self.seen: list[dict[str, Any]] = []
        self.last = 0

    @property
    def session_id(self) -> str | None:
        """The session id the server gave this browser (None before the first response)."""
        cookies = {cookie.key: cookie.value for cookie in self.http.cookie_jar}
        return cookies.get(COOKIE_NAME)

    async def open_page(self) -> ClientResponse:
        async with self.http.get("/") as response:
            await response.read()
            return response

    async def post(self, body: dict[str, Any]) -> ClientResponse:
        async with self.http.post("/webchat/messages", json=body) as response:
            await response.read()
            return response

    async def say(self, text: str, *, message_id: str | None = None) -> ClientResponse:
        return await self.post({"id": message_id or f"m{next(self._ids)}", "text": text})

    async def press(self, label: str) -> ClientResponse:
        """Press the newest button whose label contains `label`."""
        for message in reversed(self.seen):
            for row in message["buttons"]:
                for button in row:
                    if label in button["label"]:
                        body = {"id": f"m{next(self._ids)}", "payload": button["payload"], "ref": str(message["id"])}
                        return await self.post(body)
        raise AssertionError(f"no button {label!r} in {[m['buttons'] for m in self.seen]}")

    async def upload(
        self, data: bytes, *, filename: str = "scene.png", content_type: str = "image/png"
    ) -> ClientResponse:
        form = FormData()
        form.add_field("photo", data, filename=filename, content_type=content_type)
        async with self.http.post(f"/webchat/photos?id=p{next(self._ids)}", data=form) as response:
            await response.read()
            return response

    async def poll(self, wait: float = 0) -> list[dict[str, Any]]:
        """The replies after the last one seen (long-polls up to `wait` seconds)."""
        async with self.http.get("/webchat/messages", params={"after": self.last, "wait": wait}) as response:
            assert response.status == 200
            data = await response.json()
        self.seen += data["messages"]
        self.last = data["last"]
        return data["messages"]

    async def text(self) -> str:
        """Everything new the bot said, joined."""
        return "\n".join(message["text"] for message in await self.poll())


@pytest.fixture
async def sessions(
    tmp_path: Path, sqlite_template: Path, clock: FrozenClock
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated SQLite file with the demo community."""
    path = tmp_path / "wuye.db"
    shutil.copyfile(sqlite_template, path)
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    maker = create_sessionmaker(engine)
    async with maker() as session, session.begin():
        await ensure_demo(session, now=clock.now())
    try:
        yield maker
    finally:
        await engine.dispose()


@pytest.fixture
async def app(tmp_path: Path, sessions: async_sessionmaker[AsyncSession], clock: FrozenClock) -> web.Application:
    """The service app with the web chat and the outbox worker (as `wuye run` wires them)."""
    settings = Settings(database_url="sqlite+aiosqlite:///unused.db", data_dir=tmp_path / "data")
    return create_app(settings, clock=clock, sessionmaker=sessions, plugins=[install, install_outbox_worker])


@pytest.fixture
async def server(app: web.Application) -> AsyncIterator[TestServer]:
    server = TestServer(app)
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


@asynccontextmanager
async def browsers(server: TestServer, wrap: Callable[[ClientSession], T]) -> AsyncIterator[Callable[[], Awaitable[T]]]:
    """A way to open browsers (each with its own cookie jar) on `server`; all are closed on exit."""
    opened: list[ClientSession] = []

    async def open_browser() -> T:
        http = ClientSession(base_url=server.make_url("/"), cookie_jar=CookieJar(unsafe=True))
        opened.append(http)
        return wrap(http)

    try:
        yield open_browser
    finally:
        for http in opened:
            await http.close()


@pytest.fixture
async def browser(server: TestServer) -> AsyncIterator[Callable[[], Awaitable[Resident]]]:
    """Open a new browser (its own cookie jar) on the server: `resident = await browser()`."""
    async with browsers(server, Resident) as open_browser:
        yield open_browser


async def outbox(sessions: async_sessionmaker[AsyncSession], **where: Any) -> list[OutboxMessage]:
    """Outbox rows, oldest first, filtered by column values."""
    async with sessions() as session:
        query = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
        return list(await session.scalars(query))


async def all_sent(sessions: async_sessionmaker[AsyncSession], *, timeout: float = 10.0) -> list[OutboxMessage]:
    """The web chat rows once the outbox worker has delivered every one (waits for the background worker)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        rows = await outbox(sessions, channel="webchat")
        if all(row.status == "sent" for row in rows) or loop.time() > deadline:
            return rows
        await asyncio.sleep(0.02)
