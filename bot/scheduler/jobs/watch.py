"""The ticket watch: plan the jobs of every ticket changed since the last look (one fixed, re-armed job).

It reads tickets by `updated_at` from a cursor kept in the job's payload, so a pass costs what changed,
not how many tickets are open. The cursor lags the clock by `OVERLAP` so a ticket whose transaction
committed a little late is still seen (planning twice is harmless: job keys are unique).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import and_, or_, select

from bot.scheduler.context import JobContext, Rearm
from bot.scheduler.plan import ticket_jobs
from storage.communities.service import policy_for
from storage.jobs.recurring import schedule_many
from storage.tickets.models import Ticket

KIND: Final = "watch"
KEY: Final = "watch"
#: Tickets read per chunk, and at most per run (the rest in the next run, at once).
CHUNK: Final = 500
PER_RUN: Final = 5000
#: How far behind the clock the cursor stays, for transactions that commit late.
OVERLAP: Final = timedelta(seconds=60)


async def run(ctx: JobContext) -> Rearm:
    """Plan the changed tickets; run again after `watch_every`, or at once when there is more to read."""
    cursor_at = datetime.fromisoformat(ctx.payload["after"]) if ctx.payload.get("after") else None
    cursor_id = int(ctx.payload.get("after_id", 0))
    seen, exhausted = 0, False
    while seen < PER_RUN:
        query = select(Ticket)
        if cursor_at is not None:
            query = query.where(
                or_(Ticket.updated_at > cursor_at, and_(Ticket.updated_at == cursor_at, Ticket.id > cursor_id))
            )
        tickets = list(await ctx.session.scalars(query.order_by(Ticket.updated_at, Ticket.id).limit(CHUNK)))
        rows = []
        for ticket in tickets:
            policy = await policy_for(ctx.session, ticket.community_id)
            rows += [spec.as_row() for spec in ticket_jobs(ticket, policy, ctx.now)]
        await schedule_many(ctx.session, rows, now=ctx.now)
        seen += len(tickets)
        if tickets:
            cursor_at, cursor_id = tickets[-1].updated_at, tickets[-1].id
        if len(tickets) < CHUNK:
            exhausted = True
            break
    if exhausted:
        lag = ctx.now - OVERLAP
        if cursor_at is None or cursor_at > lag:
            cursor_at, cursor_id = lag, 0
        return Rearm(ctx.now + ctx.watch_every, {"after": cursor_at.isoformat(), "after_id": cursor_id})
    assert cursor_at is not None
    return Rearm(ctx.now, {"after": cursor_at.isoformat(), "after_id": cursor_id})
