"""Storage fixtures: a migrated database on SQLite (a real file) and on PostgreSQL, and a frozen clock.

PostgreSQL comes from WUYE_TEST_POSTGRES_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test).
The session creates its own database `wuye_test_<pid>_<random>` on that server, migrates it once and empties
every table (and restarts every id sequence) before each test; it is dropped at the end. Without the variable,
or when the server does not answer, the postgres half of every test is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.clock import FrozenClock
from storage.db import Database, create_engine, create_sessionmaker
from storage.migrations import upgrade
from storage.models import metadata

POSTGRES_URL_ENV = "WUYE_TEST_POSTGRES_URL"
#: 2026-11-22 09:00 in Shanghai: inside office hours, outside callback windows.
START = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
#: For tests whose outcome does not depend on the database (request handling, wording, a channel's protocol, drawing):
#: the SQL they go through is proven on both backends by the storage tests and the tests left on BACKENDS, so their
#: PostgreSQL half would only double the time. Use as a module's `pytestmark` or on one test.
SQLITE_ONLY = pytest.mark.parametrize("db", ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


class PostgresServer:
    """The session's own PostgreSQL database, or why there is none."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.skip_reason: str | None = None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Create and migrate `wuye_test_<pid>_<random>` on the server named by WUYE_TEST_POSTGRES_URL."""
    server = PostgresServer()
    admin_url = os.environ.get(POSTGRES_URL_ENV)
    if not admin_url:
        server.skip_reason = f"{POSTGRES_URL_ENV} is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
        yield server
        return
    name = f"wuye_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        asyncio.run(_recreate_database(admin_url, name))
    except (TimeoutError, OSError, Exception) as error:
        server.skip_reason = f"PostgreSQL at {make_url(admin_url).render_as_string()} unreachable: {error!r}"
        yield server
        return
    server.url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(server.url)
    yield server
    asyncio.run(_drop_database(admin_url, name))


async def _admin(admin_url: str, *statements: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _recreate_database(admin_url: str, name: str) -> None:
    await asyncio.wait_for(
        _admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"), timeout=20
    )


async def _drop_database(admin_url: str, name: str) -> None:
    await _admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


#: The append-only audit log (its triggers refuse DELETE) and the one table that points at it: truncated.
_TRUNCATED = ("attachments", "ticket_events")
#: Empties every table, children first, in one round trip. DELETE on the few rows a test leaves is far faster than
#: TRUNCATE, which rewrites each table's files (0.1 s a test for all of them); the id sequences restart as
#: TRUNCATE's RESTART IDENTITY did, so ids start at 1 on both backends.
_EMPTY = f"TRUNCATE {', '.join(_TRUNCATED)};" + "".join(
    f"DELETE FROM {table.name};" for table in reversed(metadata.sorted_tables) if table.name not in _TRUNCATED
)
_SEQUENCES = (
    "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) FROM information_schema.sequences"
)


async def _empty_postgres(engine: AsyncEngine) -> None:
    """Delete every row and restart every sequence (the asyncpg connection runs the statements as one script)."""
    async with engine.begin() as connection:
        sequences = (await connection.execute(text(_SEQUENCES))).scalars().all()
        script = _EMPTY + "".join(f"ALTER SEQUENCE {name} RESTART;" for name in sequences)
        raw = await connection.get_raw_connection()
        await raw.driver_connection.execute(script)  # type: ignore[union-attr]


@pytest.fixture(params=BACKENDS)
async def db(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path, postgres_server: PostgresServer
) -> AsyncIterator[Database]:
    """An empty, migrated database: a SQLite file in tmp_path, or the session's PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "wuye.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        if postgres_server.url is None:
            pytest.skip(postgres_server.skip_reason or "no PostgreSQL")
        url = postgres_server.url
    engine = create_engine(url)
    if request.param == "postgres":
        await _empty_postgres(engine)
    database = Database(url=url, engine=engine, sessions=create_sessionmaker(engine))
    try:
        yield database
    finally:
        await engine.dispose()


@pytest.fixture
async def session(db: Database) -> AsyncIterator:
    """One session on `db`; tests commit when they want to."""
    async with db.sessions() as session:
        yield session


@pytest.fixture
def clock() -> FrozenClock:
    """A frozen clock at START; move it with `clock.advance(minutes=...)`."""
    return FrozenClock(START)
