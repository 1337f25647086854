"""A deadline passed with the step still owed: climb the complaint tier, or tell the next rung of the ladder."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.scheduler.context import JobContext
from bot.scheduler.plan import due_of, owed, plan_ticket, stamp
from dialogs.business.deadlines import climb_complaint, escalate_overdue
from storage.communities.service import policy_for
from storage.tickets.escalation import TOP_TIER
from storage.tickets.queries import get_ticket
from storage.vocabulary import TicketType, Urgency

KIND: Final = "deadline_overdue"


async def run(ctx: JobContext) -> None:
    """Escalate rung `level`; schedule the next rung `step_minutes` later while one is left."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    step, due, level = ctx.payload["step"], datetime.fromisoformat(ctx.payload["due"]), int(ctx.payload["level"])
    if due_of(ticket, step) != due or not owed(ticket, step, due):
        return
    policy = await policy_for(ctx.session, ticket.community_id)
    if step == "resolve" and ticket.type == TicketType.COMPLAINT and (ticket.complaint_tier or 1) < TOP_TIER:
        ticket = await climb_complaint(ctx.session, ticket, wording=ctx.wording, now=ctx.now)
        await plan_ticket(ctx.session, ticket, policy, ctx.now)
        return
    more = await escalate_overdue(
        ctx.session, ticket, step=step, due=due, level=level, wording=ctx.wording, now=ctx.now
    )
    if more and policy.escalation is not None:
        run_at = due + policy.escalation.step[Urgency(ticket.urgency)] * (level + 1)
        await ctx.follow_up(
            KIND, f"overdue:{ticket.id}:{step}:{stamp(due)}:{level + 1}", run_at, ctx.payload | {"level": level + 1}
        )
