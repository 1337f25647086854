"""On the policy's day each month, last month's KPI summary goes to the managers' group chats (§7)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

from bot.reports.text import summary_text
from bot.scheduler.context import JobContext, Rearm
from dialogs.messages import Outgoing
from storage.communities.service import policy_for
from storage.groups.service import groups_for_department
from storage.outbox.service import enqueue
from storage.policy import Policy
from storage.reports import monthly_report
from storage.vocabulary import Department

KIND: Final = "monthly_report"


def key_for(community_id: int) -> str:
    """The fixed key of a community's monthly report job."""
    return f"monthly_report:{community_id}"


def next_run(policy: Policy, after: datetime) -> datetime:
    """The first local `reports.monthly_send_day` at `reports.monthly_send_time` strictly after `after`."""
    rules = policy.reports
    local = after.astimezone(policy.timezone)
    at = datetime.combine(local.date().replace(day=rules.monthly_send_day), rules.monthly_send_time, policy.timezone)
    if at <= local:
        first_next = (local.date().replace(day=1) + timedelta(days=32)).replace(day=rules.monthly_send_day)
        at = datetime.combine(first_next, rules.monthly_send_time, policy.timezone)
    return at.astimezone(after.tzinfo)


def previous_month(day: date) -> str:
    """ "2026-10" for any day of November 2026."""
    last = day.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


async def run(ctx: JobContext) -> Rearm:
    """Queue last month's summary to every management group of the community, then wait for next month."""
    community_id = int(ctx.payload["community_id"])
    policy = await policy_for(ctx.session, community_id)
    month = previous_month(ctx.now.astimezone(policy.timezone).date())
    report = await monthly_report(ctx.session, community_id=community_id, month=month, now=ctx.now)
    text = summary_text(report, ctx.wording)
    groups = await groups_for_department(ctx.session, community_id=community_id, department=Department.MANAGEMENT)
    for group in groups:
        await enqueue(
            ctx.session,
            channel=group.channel,
            recipient=group.chat_id,
            kind="monthly_report",
            payload=Outgoing(text=text).to_dict(),
            dedupe_key=f"monthly_report:{community_id}:{month}:{group.channel}:{group.chat_id}",
            now=ctx.now,
        )
    return Rearm(next_run(policy, ctx.now))
