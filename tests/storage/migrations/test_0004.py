"""Migration 0004 down to 0003 and up again on SQLite and on a PostgreSQL database of its own: rows logged
before the upgrade become non-pending, the new columns, table and indexes come and go."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine
from storage.migrations import downgrade_engine, upgrade_engine
from tests.storage.conftest import BACKENDS, POSTGRES_URL_ENV, _drop_database, _recreate_database


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> AsyncIterator[AsyncEngine]:
    """A database migrated to head that this test alone uses (PostgreSQL: a fresh database, dropped after)."""
    if request.param == "sqlite":
        path = tmp_path / "wuye.db"
        shutil.copyfile(sqlite_template, path)
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        yield engine
        await engine.dispose()
        return
    admin_url = os.environ.get(POSTGRES_URL_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    name = f"wuye_m4_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        await _recreate_database(admin_url, name)
    except Exception as error:  # any failure to reach the server skips, like the other PostgreSQL tests
        pytest.skip(f"PostgreSQL unreachable: {error!r}")
    engine = create_engine(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    try:
        await upgrade_engine(engine)
        yield engine
    finally:
        await engine.dispose()
        await _drop_database(admin_url, name)


def _shape(sync) -> dict[str, object]:  # type: ignore[no-untyped-def]
    found = inspect(sync)
    return {
        "inbound": sorted(c["name"] for c in found.get_columns("inbound_messages")),
        "inbound_indexes": sorted(i["name"] for i in found.get_indexes("inbound_messages")),
        "ticket_indexes": sorted(i["name"] for i in found.get_indexes("tickets")),
        "card_codes": found.has_table("card_codes"),
    }


async def test_0004_down_and_up_keeps_the_log(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        head = await connection.run_sync(_shape)
    assert {"raw", "pending", "attempts"} <= set(head["inbound"])  # type: ignore[arg-type]
    assert "ix_inbound_messages_pending" in head["inbound_indexes"]  # type: ignore[operator]
    assert "ix_tickets_updated_at" in head["ticket_indexes"] and head["card_codes"]  # type: ignore[operator]

    await downgrade_engine(engine, "0003")
    async with engine.connect() as connection:
        before = await connection.run_sync(_shape)
    assert not {"raw", "pending", "attempts"} & set(before["inbound"])  # type: ignore[arg-type]
    assert "ix_tickets_updated_at" not in before["ticket_indexes"] and not before["card_codes"]  # type: ignore[operator]
    async with engine.begin() as connection:  # a message logged by the old code
        await connection.execute(
            text(
                "INSERT INTO inbound_messages (channel, dedupe_key, payload, received_at)"
                " VALUES ('wecom', 'u:1', '{}', CURRENT_TIMESTAMP)"
            )
        )

    await upgrade_engine(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_shape) == head
        row = (await connection.execute(text("SELECT pending, attempts, raw FROM inbound_messages"))).one()
    assert (bool(row.pending), row.attempts, row.raw) == (False, 0, None)
