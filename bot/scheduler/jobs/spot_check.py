"""Each morning every supervisor gets a random share of yesterday's closed tickets to check (§3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from bot.scheduler.context import JobContext, Rearm, next_local_time
from dialogs.business.spot_check import send_spot_checks
from storage.communities.service import policy_for
from storage.policy import Policy

KIND: Final = "spot_check"


def key_for(community_id: int) -> str:
    """The fixed key of a community's daily spot-check job."""
    return f"spot_check:{community_id}"


def next_run(policy: Policy, after: datetime) -> datetime:
    """The first local `quality.spot_check_time` strictly after `after`."""
    return next_local_time(policy.quality.spot_check_time, policy.timezone, after)


async def run(ctx: JobContext) -> Rearm:
    """Send yesterday's (local) list, then run again the next morning."""
    community_id = int(ctx.payload["community_id"])
    policy = await policy_for(ctx.session, community_id)
    yesterday = ctx.now.astimezone(policy.timezone).date() - timedelta(days=1)
    await send_spot_checks(ctx.session, community_id=community_id, day=yesterday, wording=ctx.wording, now=ctx.now)
    return Rearm(next_run(policy, ctx.now))
