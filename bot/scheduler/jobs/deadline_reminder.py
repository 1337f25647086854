"""Before a deadline: remind the assignee (or the department group) while the step is still owed."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from bot.scheduler.context import JobContext
from bot.scheduler.plan import due_of, owed
from dialogs.business.deadlines import remind_before_deadline
from storage.tickets.queries import get_ticket

KIND: Final = "deadline_reminder"


async def run(ctx: JobContext) -> None:
    """Remind unless the deadline moved, passed, or the step is already done."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    step, due = ctx.payload["step"], datetime.fromisoformat(ctx.payload["due"])
    if due_of(ticket, step) != due or ctx.now >= due or not owed(ticket, step, due):
        return
    await remind_before_deadline(ctx.session, ticket, step=step, due=due, wording=ctx.wording, now=ctx.now)
