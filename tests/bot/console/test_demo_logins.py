"""The demo seed gives a supervisor, a technician, a project manager and the company-wide general manager console
accounts with random passwords, written once to <data_dir>/demo-logins.txt; those accounts really sign in."""

from __future__ import annotations

import stat
from pathlib import Path

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.demo import DEMO_LOGINS_FILE
from bot.service import build_app
from tests.bot.console.conftest import Browser


def _accounts(path: Path) -> dict[str, tuple[str, str]]:
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {login: (password, role) for login, password, _name, role in rows}


async def test_first_seed_writes_demo_logins_that_sign_in_and_a_restart_keeps_them(tmp_path: Path, clock) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'wuye.db'}", data_dir=tmp_path / "var")
    server = TestServer(build_app(settings, clock=clock))
    await server.start_server()
    try:
        path = settings.data_dir / DEMO_LOGINS_FILE
        accounts = _accounts(path)
        assert {role for _, role in accounts.values()} == {
            "supervisor",
            "technician",
            "project_manager",
            "general_manager",
        }
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len({password for password, _ in accounts.values()}) == len(accounts)
        for login, (password, _) in accounts.items():  # each one signs in, the company-wide manager too
            async with ClientSession(base_url=server.make_url("/"), cookie_jar=CookieJar(unsafe=True)) as http:
                browser = Browser(http)
                response, _ = await browser.login(login, password)
                assert response.status == 303
                response, page = await browser.get("/console/")
                assert response.status == 200 and "工单队列" in page
    finally:
        await server.close()
    before = path.read_text(encoding="utf-8")
    server = TestServer(build_app(settings, clock=clock))  # a restart: the demo exists, nothing is regenerated
    await server.start_server()
    await server.close()
    assert path.read_text(encoding="utf-8") == before
