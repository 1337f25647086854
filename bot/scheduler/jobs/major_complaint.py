"""重大投诉: the managers of the departments concerned are told the same day (§4, 001 投诉接待 (5))."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import JobContext, Rearm
from dialogs.business.complaint_reports import is_major, major_report_time, report_major_complaint
from storage.communities.service import policy_for
from storage.tickets.queries import get_ticket

KIND: Final = "major_complaint"


def key_for(ticket_id: int) -> str:
    """One report per ticket (the handler also checks the ticket's events)."""
    return f"major:{ticket_id}"


async def run(ctx: JobContext) -> Rearm | None:
    """Report unless the complaint is not major (any more); before the policy's earliest hour, wait for it."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    policy = await policy_for(ctx.session, ticket.community_id)
    if not is_major(ticket, policy):
        return None
    when = major_report_time(policy, ctx.now)
    if when > ctx.now:
        return Rearm(when)
    await report_major_complaint(ctx.session, ticket, wording=ctx.wording, now=ctx.now)
    return None
