"""有人受伤或有危险吗？ unanswered after the policy's wait: a ticket asks staff to phone the resident now."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import JobContext
from dialogs.business.danger import KIND as _KIND
from dialogs.business.danger import open_unanswered_danger_ticket

KIND: Final = _KIND


async def run(ctx: JobContext) -> None:
    """Open the call-back ticket when the chat still waits on the question this job was scheduled for."""
    payload = ctx.payload
    await open_unanswered_danger_ticket(
        ctx.session,
        channel=payload["channel"],
        external_id=payload["external_id"],
        token=payload["token"],
        wording=ctx.wording,
        now=ctx.now,
    )
