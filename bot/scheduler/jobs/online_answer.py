"""网络投诉: a substantive answer is owed within complaints.online_answer_minutes; when it is missed, the
escalation ladder is told rung by rung as for any deadline, and the resident gets an apology (§4)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.scheduler.context import JobContext
from bot.scheduler.plan import stamp
from dialogs.business.complaint_reports import first_answer_at
from dialogs.business.deadlines import escalate_overdue
from storage.communities.service import policy_for
from storage.tickets.lifecycle import FINAL, Status
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket, ticket_events
from storage.vocabulary import Urgency

KIND: Final = "online_answer"
STEP: Final = "answer"


def key_for(ticket_id: int, due: datetime, level: int) -> str:
    return f"answer:{ticket_id}:{stamp(due)}:{level}"


async def run(ctx: JobContext) -> None:
    """Escalate rung `level` unless the resident was answered (or the complaint is over); then the next rung."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    due, level = datetime.fromisoformat(ctx.payload["due"]), int(ctx.payload["level"])
    if Status(ticket.status) in FINAL or await first_answer_at(ctx.session, ticket) is not None:
        return
    if await resolution_ladder_covers(ctx, ticket, due):
        return
    policy = await policy_for(ctx.session, ticket.community_id)
    more = await escalate_overdue(
        ctx.session, ticket, step=STEP, due=due, level=level, wording=ctx.wording, now=ctx.now
    )
    if more and policy.escalation is not None:
        run_at = due + policy.escalation.step[Urgency(ticket.urgency)] * (level + 1)
        await ctx.follow_up(KIND, key_for(ticket.id, due, level + 1), run_at, ctx.payload | {"level": level + 1})


async def resolution_ladder_covers(ctx: JobContext, ticket: Ticket, due: datetime) -> bool:
    """True when the complaint's own resolution deadline fell due with the answer (一级: 24 h both): its
    miss already climbs the tier, tells the new owner and apologises to the resident, once is enough."""
    if ticket.resolve_due_at is not None and ticket.resolve_due_at <= due:
        return True
    return any(
        (event.data or {}).get("escalation") == "complaint_tier" and event.created_at >= due
        for event in await ticket_events(ctx.session, ticket.id)
    )
