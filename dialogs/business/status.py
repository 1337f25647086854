"""A resident's own tickets: what is open, where each stands, and cancelling one before work starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import OPEN, Status
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket_by_number, list_tickets
from storage.tickets.service import cancel_ticket

#: Statuses in which the resident may still cancel (no one has started work).
CANCELLABLE = frozenset({Status.NEW, Status.ASSIGNED})


@dataclass(frozen=True, slots=True)
class TicketSummary:
    """One line of 我的工单."""

    id: int
    number: str
    type: str
    status: str
    description: str
    next_due: datetime | None
    cancellable: bool


def summarize(ticket: Ticket) -> TicketSummary:
    """The resident's view of a ticket: status and the next deadline still ahead of it."""
    if ticket.status in (Status.NEW, Status.ASSIGNED, Status.REOPENED) and ticket.respond_due_at:
        due = ticket.arrive_due_at or ticket.respond_due_at
    elif ticket.status == Status.ACCEPTED:
        due = ticket.arrive_due_at or ticket.resolve_due_at
    elif ticket.status == Status.ON_SITE:
        due = ticket.resolve_due_at
    else:
        due = None
    return TicketSummary(
        id=ticket.id,
        number=ticket.number,
        type=ticket.type,
        status=ticket.status,
        description=ticket.description,
        next_due=due,
        cancellable=Status(ticket.status) in CANCELLABLE,
    )


async def open_requests(session: AsyncSession, *, community_id: int, resident_id: int) -> list[TicketSummary]:
    """The resident's tickets that are not closed or cancelled, newest first."""
    tickets = await list_tickets(
        session, community_id=community_id, resident_id=resident_id, statuses=[s.value for s in OPEN], limit=20
    )
    return [summarize(t) for t in tickets]


async def find_own_ticket(session: AsyncSession, *, community_id: int, resident_id: int, number: str) -> Ticket:
    """The resident's ticket with this number; someone else's counts as not found."""
    ticket = await get_ticket_by_number(session, community_id=community_id, number=number.strip().upper())
    if ticket.resident_id != resident_id:
        raise NotFound("ticket", number)
    return ticket


async def cancel_request(
    session: AsyncSession, *, community_id: int, resident_id: int, number: str, now: datetime, reason: str | None = None
) -> Ticket:
    """The resident withdraws a request before work starts; raises NotFound, TransitionNotAllowed."""
    ticket = await find_own_ticket(session, community_id=community_id, resident_id=resident_id, number=number)
    return await cancel_ticket(
        session, ticket_id=ticket.id, actor=Actor.resident(resident_id), now=now, reason=reason or "住户撤回"
    )
