"""Engine settings: WAL, foreign keys and busy timeout on SQLite; URL from WUYE_DATABASE_URL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.clock import FrozenClock
from storage.db import DEFAULT_DATABASE_URL, database_url, open_database
from storage.rooms import Room


def test_url_comes_from_the_environment() -> None:
    assert database_url({}) == DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///var/wuye.db"
    assert database_url({"WUYE_DATABASE_URL": "postgresql+asyncpg://x/y"}) == "postgresql+asyncpg://x/y"


async def test_sqlite_pragmas_and_foreign_keys(db, clock) -> None:
    if db.backend == "sqlite":
        async with db.engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 15000
    with pytest.raises(IntegrityError):
        async with db.sessions() as session, session.begin():
            session.add(
                Room(community_id=999, building="1", unit="1", room="101", code="1-1-101", created_at=clock.now())
            )


async def test_naive_datetimes_are_refused(session) -> None:
    session.add(Room(community_id=1, building="1", unit="", room="101", code="1-101", created_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive datetime"):
        await session.flush()


async def test_open_database_migrates_a_new_file(tmp_path) -> None:
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'fresh.db'}")
    try:
        async with database.engine.connect() as connection:
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()
            assert version == _head_revision()
    finally:
        await database.close()


def test_frozen_clock_moves_only_forward() -> None:
    clock = FrozenClock()
    start = clock.now()
    assert clock.advance(minutes=5) - start == clock.now() - start
    with pytest.raises(ValueError):
        clock.advance(minutes=-1)


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    from storage.migrations import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()  # type: ignore[return-value]
