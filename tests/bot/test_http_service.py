"""`wuye run`: the full app (demo seed, outbox worker, plugins) and the real process, started and stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.config import KNOWN_ENV_NAMES, Settings
from bot.http import keys
from bot.service import build_app
from storage.communities import Community
from storage.outbox import OutboxMessage, enqueue
from tests.bot._storage_fixtures import clock  # noqa: F401


class Inbox:
    """A channel sender that keeps what it is given."""

    channel = "webchat"

    def __init__(self) -> None:
        self.received: list[str] = []

    async def send(self, message: OutboxMessage) -> None:
        self.received.append(message.payload["text"])


async def test_the_service_app_seeds_the_demo_and_delivers_the_outbox(tmp_path: Path, clock) -> None:  # noqa: F811
    inbox = Inbox()

    def web_chat(app: web.Application) -> None:
        app[keys.SENDERS]["webchat"] = inbox

    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'wuye.db'}", demo=True)
    app = build_app(settings, clock=clock, plugins=[web_chat])
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/readyz")).status == 200
        assert "web chat" in await (await client.get("/")).text()
        sessions = app[keys.SESSIONMAKER]
        async with sessions() as session, session.begin():
            assert (await session.scalars(select(Community.code))).all() == ["demo"]
            await enqueue(
                session, channel="webchat", recipient="v1", kind="reply", payload={"text": "您好"}, now=clock.now()
            )
        app[keys.OUTBOX_WORKER].wake()
        for _ in range(300):
            if inbox.received:
                break
            await asyncio.sleep(0.01)
    assert inbox.received == ["您好"]


async def test_no_demo_when_turned_off(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'wuye.db'}", demo=False)
    app = build_app(settings, plugins=[])
    async with TestClient(TestServer(app)), app[keys.SESSIONMAKER]() as session:
        assert (await session.scalars(select(Community))).all() == []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wuye(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    """`wuye ARGS` in a child process with a clean WUYE_* environment, working in tmp_path."""
    environ = {k: v for k, v in os.environ.items() if k not in KNOWN_ENV_NAMES or k == "WUYE_CACHE_DIR"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=environ | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=2) as response:
        return response.status, response.read().decode()


def test_wuye_run_serves_until_sigterm(tmp_path: Path) -> None:
    port = free_port()
    process = wuye(tmp_path, "run", WUYE_HTTP_PORT=str(port))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"wuye run did not answer: {process.communicate(timeout=5)}")
                time.sleep(0.1)
        assert (status, body) == (200, '{"status": "ok"}')
        assert get(f"http://127.0.0.1:{port}/readyz")[0] == 200
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert f"wuye-desk is running: open http://127.0.0.1:{port}/" in out
    assert "telegram: off (WUYE_TELEGRAM_TOKEN not set)" in out
    assert "wuye-desk stopped." in out
    assert (tmp_path / "var" / "wuye.db").exists()
    assert "created the demo community" in err


def test_wuye_run_refuses_invalid_settings(tmp_path: Path) -> None:
    process = wuye(tmp_path, "run", WUYE_HTTP_PORT="eighty")
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "WUYE_HTTP_PORT" in err and "wuye config check" in err


def test_wuye_run_says_when_the_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = wuye(tmp_path, "run", WUYE_HTTP_PORT=str(port), WUYE_DEMO="false")
        _out, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err and "WUYE_HTTP_PORT" in err
