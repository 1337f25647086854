"""网络投诉 reported to the general manager as one list a day at complaints.online_digest_time (policy
complaints.online_report = "digest"): the complaints opened since the last list, answered or not (§4)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from bot.scheduler.context import JobContext, Rearm, next_local_time
from dialogs.business.complaint_reports import send_online_digest
from storage.communities.service import policy_for
from storage.policy import Policy

KIND: Final = "online_digest"


def key_for(community_id: int) -> str:
    """The fixed key of a community's daily online complaint list."""
    return f"online_digest:{community_id}"


def next_run(policy: Policy, after: datetime) -> datetime:
    """The first local complaints.online_digest_time strictly after `after`."""
    return next_local_time(policy.complaints.online_digest_time, policy.timezone, after)


async def run(ctx: JobContext) -> Rearm:
    """Send the list of complaints since the last one (the first time: the day before); then tomorrow."""
    community_id = int(ctx.payload["community_id"])
    policy = await policy_for(ctx.session, community_id)
    since = datetime.fromisoformat(ctx.payload["since"]) if ctx.payload.get("since") else ctx.now - timedelta(days=1)
    if policy.complaints.online_report == "digest":
        await send_online_digest(
            ctx.session, community_id=community_id, since=since, until=ctx.now, wording=ctx.wording, now=ctx.now
        )
    return Rearm(next_run(policy, ctx.now), {"community_id": community_id, "since": ctx.now.isoformat()})
