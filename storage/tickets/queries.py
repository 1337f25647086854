"""Read tickets and their event log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.tickets.models import Ticket, TicketEvent


async def get_ticket(session: AsyncSession, ticket_id: int, *, for_update: bool = False) -> Ticket:
    """The ticket by id; `for_update` locks the row (PostgreSQL) and reloads it. Raises NotFound."""
    query = select(Ticket).where(Ticket.id == ticket_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    ticket = await session.scalar(query)
    if ticket is None:
        raise NotFound("ticket", ticket_id)
    return ticket


async def get_ticket_by_number(session: AsyncSession, *, community_id: int, number: str) -> Ticket:
    """The ticket a resident reads out (e.g. BX-20261122-0007); raises NotFound."""
    ticket = await session.scalar(
        select(Ticket).where(Ticket.community_id == community_id, Ticket.number == number.strip().upper())
    )
    if ticket is None:
        raise NotFound("ticket", number)
    return ticket


async def list_tickets(
    session: AsyncSession,
    *,
    community_id: int,
    statuses: list[str] | None = None,
    assignee_id: int | None = None,
    resident_id: int | None = None,
    limit: int = 100,
) -> list[Ticket]:
    """Tickets of a community, newest first, optionally by status, assignee or resident."""
    query = select(Ticket).where(Ticket.community_id == community_id)
    if statuses:
        query = query.where(Ticket.status.in_(statuses))
    if assignee_id is not None:
        query = query.where(Ticket.assignee_staff_id == assignee_id)
    if resident_id is not None:
        query = query.where(Ticket.resident_id == resident_id)
    return list(await session.scalars(query.order_by(Ticket.id.desc()).limit(limit)))


async def ticket_events(session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    """The ticket's audit log, oldest first."""
    return list(
        await session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id))
    )
