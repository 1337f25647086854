"""Database URL, engines (SQLite WAL + foreign keys + busy timeout, or PostgreSQL) and sessions."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

#: The one setting that picks the database.
URL_ENV: Final = "WUYE_DATABASE_URL"
#: Embedded default: a SQLite file under `var/`, relative to the working directory.
DEFAULT_DATABASE_URL: Final = "sqlite+aiosqlite:///var/wuye.db"
#: How long a SQLite writer waits for the lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS: Final = 15_000


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL from `WUYE_DATABASE_URL`, else the embedded SQLite default."""
    env = os.environ if environ is None else environ
    return env.get(URL_ENV) or DEFAULT_DATABASE_URL


def is_sqlite(url: str) -> bool:
    """True when the URL names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for in-memory or non-SQLite URLs)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url`; SQLite gets WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE.

    BEGIN IMMEDIATE makes every SQLite transaction take the write lock up front, so two writers
    queue on the busy timeout instead of failing when a read transaction upgrades to a write.
    """
    if not is_sqlite(url):
        kwargs.setdefault("pool_pre_ping", True)
        return create_async_engine(url, **kwargs)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    engine = create_async_engine(url, connect_args=connect_args, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


@dataclass
class Database:
    """An open database: its URL, engine and session factory."""

    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @property
    def backend(self) -> str:
        """`sqlite` or `postgresql`."""
        return self.engine.dialect.name

    async def close(self) -> None:
        """Release every pooled connection."""
        await self.engine.dispose()


async def open_database(url: str | None = None, *, migrate: bool = True, **engine_kwargs: Any) -> Database:
    """Open the database named by `url` (default: `database_url()`), migrating it to head first.

    This is what the service calls on start.
    """
    from storage.migrations import upgrade_engine

    url = url or database_url()
    engine = create_engine(url, **engine_kwargs)
    if migrate:
        await upgrade_engine(engine)
    return Database(url=url, engine=engine, sessions=create_sessionmaker(engine))


@asynccontextmanager
async def one_transaction(url: str | None = None) -> AsyncIterator[AsyncSession]:
    """Open (and migrate) the database, yield a session in one transaction, commit, close. For CLI/scripts."""
    database = await open_database(url)
    try:
        async with database.sessions() as session, session.begin():
            yield session
    finally:
        await database.close()
