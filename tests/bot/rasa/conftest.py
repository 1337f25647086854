"""Rasa action-server fixtures: the real aiohttp app on a real port, over the dialogs' test estate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.rasa import create_actions_app
from storage.clock import FrozenClock
from storage.db import Database
from tests.dialogs.conftest import Estate, estate, files, new_chat
from tests.storage.conftest import clock, db, postgres_server, sqlite_template

__all__ = ["clock", "db", "estate", "files", "new_chat", "postgres_server", "sqlite_template"]


@pytest.fixture
async def client(db: Database, estate: Estate, clock: FrozenClock) -> AsyncIterator[TestClient]:
    """An HTTP client talking to `wuye actions`' app, served on 127.0.0.1 on a free port."""
    app = create_actions_app(db.sessions, estate.community_id, clock)
    async with TestClient(TestServer(app)) as client:
        yield client
