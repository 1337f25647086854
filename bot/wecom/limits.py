"""WeCom's sending limits, kept by the sender so the outbox waits instead of WeCom silently dropping messages.

Per app and member: 30 messages a minute and 1000 an hour; per group robot: 20 a minute (WeCom's published
limits, platform facts rather than service policy). Moving windows from the `limits` library, in memory: one
process sends for an app. A department (party) audience is counted as one member (WeCom counts each member).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Final

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

__all__ = ["MEMBER_LIMITS", "ROBOT_LIMITS", "SendLimits"]

#: App messages to one member.
MEMBER_LIMITS: Final = (RateLimitItemPerMinute(30), RateLimitItemPerHour(1000))
#: Messages through one group robot.
ROBOT_LIMITS: Final = (RateLimitItemPerMinute(20),)
#: The shortest wait suggested, in seconds (so a retry does not spin).
MIN_WAIT_SECONDS: Final = 0.05


class SendLimits:
    """Reserve room for a send across several counters at once, or learn how long to wait."""

    def __init__(
        self,
        *,
        member: Sequence[RateLimitItem] = MEMBER_LIMITS,
        robot: Sequence[RateLimitItem] = ROBOT_LIMITS,
    ) -> None:
        self._items = {"member": tuple(member), "robot": tuple(robot)}
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    async def reserve(self, wanted: Sequence[tuple[str, str, int]]) -> float:
        """`wanted` = (counter kind "member"/"robot", name, messages). Counts them all and returns 0 when every
        counter has room; else counts nothing and returns the seconds until the fullest one has room."""
        wait = 0.0
        for kind, name, cost in wanted:
            for item in self._items[kind]:
                if cost > item.amount:
                    cost = item.amount  # a burst bigger than the window: send when the window is empty
                if not await self._limiter.test(item, kind, name, cost=cost):
                    stats = await self._limiter.get_window_stats(item, kind, name)
                    wait = max(wait, stats.reset_time - time.time(), MIN_WAIT_SECONDS)
        if wait:
            return wait
        for kind, name, cost in wanted:
            for item in self._items[kind]:
                await self._limiter.hit(item, kind, name, cost=min(cost, item.amount))
        return 0.0
