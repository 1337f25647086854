"""网络投诉 reported to the general manager one by one (policy complaints.online_report = "each") (§4)."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import JobContext
from dialogs.business.complaint_reports import report_online_complaint
from storage.communities.service import policy_for
from storage.tickets.queries import get_ticket

KIND: Final = "online_report"


async def run(ctx: JobContext) -> None:
    """Report the complaint unless the policy switched to the daily list meanwhile."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    policy = await policy_for(ctx.session, ticket.community_id)
    if policy.complaints.online_report == "each":
        await report_online_complaint(ctx.session, ticket, wording=ctx.wording, now=ctx.now)
