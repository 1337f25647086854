"""Console fixtures: the service app (web chat + console + outbox worker) on a real migrated database with the
demo community (every test runs on a SQLite file and on PostgreSQL when WUYE_TEST_POSTGRES_URL is set), served
over real HTTP, and `Browser`, one staff member's browser with its own cookie jar."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, ClientSession
from aiohttp.test_utils import TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.console import install as install_console
from bot.demo import ensure_demo
from bot.http import create_app
from bot.service import install_outbox_worker
from bot.webchat import install as install_webchat
from storage.clock import FrozenClock
from storage.db import Database
from storage.staff.auth import set_password
from storage.staff.models import Staff
from tests.bot.webchat.conftest import browsers
from tests.storage.conftest import clock, db, postgres_server, sqlite_template

__all__ = ["clock", "db", "postgres_server", "sqlite_template"]

PASSWORD = "correct-horse-42"
#: Demo staff given console logins in the tests: login → name.
LOGINS = {
    "supervisor": "演示-赵主管",
    "agent": "演示-李客服",
    "manager": "演示-周经理",
    "plumber": "演示-张师傅",
    "electrician": "演示-刘师傅",
    "guard": "演示-吴保安",
}
_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


@dataclass
class Site:
    """What a test needs: the database, the clock, the settings and staff ids by login."""

    sessions: async_sessionmaker[AsyncSession]
    clock: FrozenClock
    settings: Settings
    staff: dict[str, int]


class Browser:
    """One staff member's browser: its own cookie jar; signs in, opens pages and posts forms with the CSRF token."""

    def __init__(self, http: ClientSession) -> None:
        self.http = http
        self.csrf = ""

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.http.cookie_jar if c.key == name), None)

    async def get(self, path: str, **kwargs: Any) -> tuple[ClientResponse, str]:
        async with self.http.get(path, allow_redirects=False, **kwargs) as response:
            body = await response.text()
        found = _CSRF.search(body)
        if found:
            self.csrf = found.group(1)
        return response, body

    async def post(self, path: str, data: Any, **kwargs: Any) -> tuple[ClientResponse, str]:
        async with self.http.post(path, data=data, allow_redirects=False, **kwargs) as response:
            return response, await response.text()

    async def login(self, login: str, password: str = PASSWORD) -> tuple[ClientResponse, str]:
        await self.get("/console/login")
        return await self.post(
            "/console/login", {"login": login, "password": password, "csrf_token": self.csrf, "next": "/console/"}
        )

    async def signed_in(self, login: str) -> Browser:
        response, _ = await self.login(login)
        assert response.status == 303, response.status
        await self.get("/console/")
        return self


@pytest.fixture
async def site(tmp_path: Path, db: Database, clock: FrozenClock) -> Site:
    """A migrated database (SQLite file or PostgreSQL) with the demo community; some demo staff have console logins."""
    staff: dict[str, int] = {}
    async with db.sessions() as session, session.begin():
        await ensure_demo(session, now=clock.now())
        hashed = None
        for login, name in LOGINS.items():
            member = await session.scalar(select(Staff).where(Staff.name == name))
            if hashed is None:  # argon2 is slow on purpose: hash once, give everyone the same password
                hashed = (
                    await set_password(session, staff_id=member.id, login=login, password=PASSWORD, now=clock.now())
                ).password_hash
            member.login, member.password_hash = login, hashed
            staff[login] = member.id
    settings = Settings(database_url=db.url, data_dir=tmp_path / "data")
    return Site(db.sessions, clock, settings, staff)


@asynccontextmanager
async def serving(site: Site, **changes: Any) -> AsyncIterator[TestServer]:
    """The service app as `wuye run` wires it (web chat, console, outbox worker) over real HTTP, with the site's
    settings changed by `changes` (e.g. `cookie_secure="true"`)."""
    app = create_app(
        dataclasses.replace(site.settings, **changes),
        clock=site.clock,
        sessionmaker=site.sessions,
        plugins=[install_webchat, install_console, install_outbox_worker],
    )
    server = TestServer(app)
    await server.start_server()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def server(site: Site) -> AsyncIterator[TestServer]:
    """The service app with the site's settings, over real HTTP."""
    async with serving(site) as server:
        yield server


@pytest.fixture
async def browser(server: TestServer) -> AsyncIterator[Callable[[], Awaitable[Browser]]]:
    """Open a new browser (its own cookie jar): `b = await browser()`."""
    async with browsers(server, Browser) as open_browser:
        yield open_browser
