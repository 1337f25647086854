"""Escalation changes to a ticket made by the scheduler: a complaint climbs a tier when its time runs out (§4)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.communities.service import policy_for
from storage.errors import InvalidInput
from storage.tickets._transitions import apply
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import Action
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket
from storage.vocabulary import TicketType

#: The highest complaint tier (三级); past it the escalation ladder takes over.
TOP_TIER = 3


async def raise_complaint_tier(session: AsyncSession, *, ticket_id: int, now: datetime) -> Ticket:
    """Move an unhandled complaint up one tier: new owner role, new resolve time from now; recorded as an event.

    Raises InvalidInput for a ticket that is not a complaint or is already at the top tier.
    """
    ticket = await get_ticket(session, ticket_id, for_update=True)
    if ticket.type != TicketType.COMPLAINT or not ticket.complaint_tier:
        raise InvalidInput("ticket", f"{ticket.number} is not a complaint")
    if ticket.complaint_tier >= TOP_TIER:
        raise InvalidInput("complaint_tier", f"{ticket.number} is already at tier {TOP_TIER}")
    policy = await policy_for(session, ticket.community_id)
    old, new = ticket.complaint_tier, ticket.complaint_tier + 1
    tier = policy.complaints.tiers[new]
    resolve_due_at = now + tier.resolve
    await apply(
        session,
        ticket,
        Action.NOTE,
        Actor.system(),
        now,
        reason=f"投诉处理超时，由{policy.complaints.tiers[old].name}升级为{tier.name}",
        data={
            "escalation": "complaint_tier",
            "from_tier": old,
            "to_tier": new,
            "resolve_due_at": resolve_due_at.isoformat(),
        },
    )
    ticket.complaint_tier = new
    ticket.resolve_due_at = resolve_due_at
    await session.flush()
    return ticket
