"""Alembic migrations run programmatically: `upgrade(url)`, `upgrade_engine(engine)`, `downgrade(url)`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["alembic_config", "downgrade", "downgrade_engine", "upgrade", "upgrade_engine"]

_HERE = Path(__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at this package (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(_HERE / "versions"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database behind `engine` to `revision`, in one transaction."""
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


async def downgrade_engine(engine: AsyncEngine, revision: str = "base") -> None:
    """Migrate the database behind `engine` down to `revision`."""
    async with engine.begin() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at `url` to `revision` (blocking; for the CLI and scripts)."""
    asyncio.run(_with_engine(url, upgrade_engine, revision))


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the database at `url` down to `revision` (blocking)."""
    asyncio.run(_with_engine(url, downgrade_engine, revision))


async def _with_engine(url: str, action, revision: str) -> None:  # type: ignore[no-untyped-def]
    from storage.db import create_engine

    engine = create_engine(url)
    try:
        await action(engine, revision)
    finally:
        await engine.dispose()
