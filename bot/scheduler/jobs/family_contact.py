"""特急: have the resident's registered family contact told (§2)."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import JobContext
from dialogs.business.deadlines import notify_family_contact
from storage.tickets.queries import get_ticket

KIND: Final = "family_contact"


async def run(ctx: JobContext) -> None:
    """Ask the on-duty staff to call the family contact, when the resident registered one."""
    ticket = await get_ticket(ctx.session, ctx.payload["ticket_id"])
    await notify_family_contact(ctx.session, ticket, wording=ctx.wording, now=ctx.now)
