"""特急 and nobody has accepted: alert the on-duty managers and security again, every few minutes (§2)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.scheduler.context import JobContext
from bot.scheduler.plan import UNACKNOWLEDGED, critical_start, stamp
from dialogs.business.deadlines import realert_critical
from storage.communities.service import policy_for
from storage.tickets.lifecycle import Status
from storage.tickets.queries import get_ticket
from storage.vocabulary import Urgency

KIND: Final = "critical_repeat"


async def run(ctx: JobContext) -> None:
    """Alert round `round` and schedule the next, until someone accepts (or the alarm was restarted)."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    policy = await policy_for(ctx.session, ticket.community_id)
    started = datetime.fromisoformat(ctx.payload["started"])
    if ticket.urgency != Urgency.CRITICAL or Status(ticket.status) not in UNACKNOWLEDGED:
        return
    if critical_start(ticket, policy) != started or policy.escalation is None:
        return
    round = int(ctx.payload["round"])
    await realert_critical(ctx.session, ticket, round=round, started=started, wording=ctx.wording, now=ctx.now)
    repeat = policy.escalation.critical_repeat
    await ctx.follow_up(
        KIND,
        f"critical:{ticket.id}:{stamp(started)}:{round + 1}",
        started + repeat * (round + 1),
        ctx.payload | {"round": round + 1},
    )
