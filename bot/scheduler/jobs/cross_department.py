"""A complaint that spans several departments goes to 综合管理部 (§4)."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import JobContext
from dialogs.business.deadlines import hand_to_general_admin
from storage.communities.service import policy_for
from storage.tickets.lifecycle import FINAL, Status
from storage.tickets.queries import get_ticket

KIND: Final = "cross_department"


async def run(ctx: JobContext) -> None:
    """Hand the complaint over unless it is already finished."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    if Status(ticket.status) in FINAL:
        return
    policy = await policy_for(ctx.session, ticket.community_id)
    if policy.escalation is None:
        return
    named = policy.escalation.departments_named(f"{ticket.complaint_target or ''} {ticket.description}")
    await hand_to_general_admin(ctx.session, ticket, departments=named, wording=ctx.wording, now=ctx.now)
