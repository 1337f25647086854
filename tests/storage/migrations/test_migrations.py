"""Migrations: the migrated schema equals the models, downgrades cleanly, and guards the audit log."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from storage.migrations import downgrade_engine, upgrade_engine
from storage.models import metadata
from tests.factories import make_ticket, make_world


async def test_migrated_schema_matches_the_models(db) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_ticket_events_are_append_only(db, clock) -> None:
    async with db.sessions() as session:
        world = await make_world(session, clock.now())
        await make_ticket(session, world.community, clock.now(), resident=world.resident)
        await session.commit()
    for statement in ("UPDATE ticket_events SET reason = 'edited'", "DELETE FROM ticket_events"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.engine.begin() as connection:
                await connection.execute(text(statement))


async def test_downgrade_and_upgrade_again(db) -> None:
    if db.backend == "postgresql":
        pytest.skip("the session's PostgreSQL database is shared by the other tests; SQLite covers the round trip")
    await downgrade_engine(db.engine, "base")
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert tables == ["alembic_version"]
    await upgrade_engine(db.engine)
    async with db.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    assert set(tables) == set(metadata.tables) | {"alembic_version"}
