"""After handling, the resident hears the result and is asked to confirm (§3, §4: within 24 h)."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import JobContext
from bot.scheduler.plan import stamp
from dialogs.outreach import ask_to_confirm
from storage.tickets.lifecycle import Status
from storage.tickets.queries import get_ticket

KIND: Final = "result_notice"


async def run(ctx: JobContext) -> None:
    """Queue 确认完成 / 还没解决 unless the ticket moved on (its dedupe key makes a repeat harmless)."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    if ticket.status != Status.RESOLVED or ticket.resolved_at is None:
        return
    if ctx.key is not None and not ctx.key.endswith(f":{stamp(ticket.resolved_at)}"):
        return
    await ask_to_confirm(ctx.session, ticket, wording=ctx.wording, now=ctx.now)
