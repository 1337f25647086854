"""One reminder when the callback questionnaire is still unanswered (§5)."""

from __future__ import annotations

from typing import Final

from bot.scheduler.context import JobContext, Rearm
from bot.scheduler.jobs.callback import current
from dialogs.business.callbacks import nudge_questionnaire, send_questionnaire
from storage.communities.service import policy_for

KIND: Final = "callback_reminder"


async def run(ctx: JobContext) -> Rearm | None:
    """Nudge a questionnaire left half-way, or start it again; never two questionnaires at once."""
    ticket = await current(ctx)
    if ticket is None:
        return None
    policy = await policy_for(ctx.session, ticket.community_id)
    if not policy.in_callback_window(ctx.now):
        return Rearm(policy.next_callback_slot(ctx.now))
    if await nudge_questionnaire(ctx.session, ticket, wording=ctx.wording, now=ctx.now):
        return None
    sent = await send_questionnaire(ctx.session, ticket, wording=ctx.wording, now=ctx.now, reminder=True)
    if sent is False:
        return Rearm(policy.next_callback_slot(ctx.now + policy.callbacks.busy_retry))
    return None
