"""The callback questionnaire after a ticket closes: inside the calling windows, one at a time (§5)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.scheduler.context import JobContext, Rearm
from bot.scheduler.plan import stamp
from dialogs.business.callbacks import callback_answered, send_questionnaire
from storage.communities.service import policy_for
from storage.tickets.lifecycle import Status
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket

KIND: Final = "callback"


async def current(ctx: JobContext) -> Ticket | None:
    """The ticket when it is still closed as it was when the job was planned and not yet answered."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    closed = datetime.fromisoformat(ctx.payload["closed"])
    if ticket.status != Status.CLOSED or ticket.closed_at is None or stamp(ticket.closed_at) != stamp(closed):
        return None
    if await callback_answered(ctx.session, ticket):
        return None
    return ticket


async def run(ctx: JobContext) -> Rearm | None:
    """Start the questionnaire; outside a window or while the resident is busy, try again later."""
    ticket = await current(ctx)
    if ticket is None:
        return None
    policy = await policy_for(ctx.session, ticket.community_id)
    if not policy.in_callback_window(ctx.now):
        return Rearm(policy.next_callback_slot(ctx.now))
    sent = await send_questionnaire(ctx.session, ticket, wording=ctx.wording, now=ctx.now)
    if sent is False:
        return Rearm(policy.next_callback_slot(ctx.now + policy.callbacks.busy_retry))
    if sent:
        await ctx.follow_up(
            "callback_reminder",
            f"callback_reminder:{ticket.id}:{stamp(ticket.closed_at)}",  # type: ignore[arg-type]
            policy.next_callback_slot(ctx.now + policy.callbacks.reminder_after),
            ctx.payload,
        )
    return None
