"""Integrity checks after a crash or restore: the engine's own check plus the ticket log's invariants."""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tickets.models import Ticket, TicketEvent


async def check_integrity(session: AsyncSession) -> list[str]:
    """Problems found (empty when healthy).

    SQLite runs `PRAGMA integrity_check` and `foreign_key_check`. On both backends every ticket must have
    its `create` event and its status must equal the last event's `to_status`.
    """
    problems: list[str] = []
    if session.get_bind().dialect.name == "sqlite":
        result = (await session.execute(text("PRAGMA integrity_check"))).scalar_one()
        if result != "ok":
            problems.append(f"sqlite integrity_check: {result}")
        for row in (await session.execute(text("PRAGMA foreign_key_check"))).all():
            problems.append(f"foreign key broken: {tuple(row)}")
    last = (
        select(TicketEvent.ticket_id, func.max(TicketEvent.id).label("last_id"))
        .group_by(TicketEvent.ticket_id)
        .subquery()
    )
    rows = await session.execute(
        select(Ticket.number, Ticket.status, TicketEvent.to_status)
        .outerjoin(last, last.c.ticket_id == Ticket.id)
        .outerjoin(TicketEvent, TicketEvent.id == last.c.last_id)
    )
    for number, status, logged in rows.all():
        if logged is None:
            problems.append(f"ticket {number} has no events")
        elif logged != status:
            problems.append(f"ticket {number} is {status} but its last event says {logged}")
    return problems
