"""Dialect-specific statement builders shared by the services (INSERT ... ON CONFLICT)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT for `table` that supports `on_conflict_do_nothing/update` on this session's backend."""
    dialect = session.get_bind().dialect.name
    return (sqlite_insert if dialect == "sqlite" else pg_insert)(table)


async def insert_or_get_id(
    session: AsyncSession, model: Any, values: dict[str, Any], conflict: list[str]
) -> tuple[int, bool]:
    """Insert a row unless one with the same `conflict` columns exists; returns (id, inserted)."""
    statement = insert_for(session, model).values(**values).on_conflict_do_nothing(index_elements=conflict)
    new_id = (await session.execute(statement.returning(model.id))).scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    where = [getattr(model, column) == values[column] for column in conflict]
    return (await session.execute(select(model.id).where(*where))).scalar_one(), False
