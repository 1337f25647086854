"""Telegram's flood limits: 30 messages/s overall, 20/min per group, about 1/s per private chat.

These are Telegram's numbers (../shared/spec/channels.md), not company policy. PTB's `AIORateLimiter`
keeps the overall rate and turns a 429 into `RetryAfter` (no retries of its own: the outbox retries);
`ChatLimits` adds the per-chat rates it lacks (private chats) or that must not stall the worker (groups).
Every limiter is smooth (a bucket of one): messages are spaced evenly, so no window of the period ever
holds more than the limit, which is how Telegram counts.
"""

from __future__ import annotations

from typing import Final

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

#: Messages per second across all chats.
OVERALL_PER_SECOND: Final = 30
#: Messages per minute into one group chat.
GROUP_PER_MINUTE: Final = 20
#: Messages per second into one private chat.
PRIVATE_PER_SECOND: Final = 1
#: Our gaps are this much wider than Telegram's: a busy event loop can delay one request and not the next,
#: bringing two messages closer together on arrival than they were when the limiter let them go.
SAFETY_MARGIN: Final = 1.15
#: Limiters kept for idle chats before the idle ones are dropped (their bucket is empty anyway).
MAX_KEPT_LIMITERS: Final = 2048


def overall_limiter() -> AIORateLimiter:
    """PTB's limiter for the overall rate, smoothed; per-group limiting is `ChatLimits`' job, retries the outbox's."""
    return AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=SAFETY_MARGIN / OVERALL_PER_SECOND,
        group_max_rate=0,
        max_retries=0,
    )


def is_group_chat(chat_id: str | int) -> bool:
    """Group and channel chat ids are negative; private chats (a user's id) are positive."""
    return str(chat_id).startswith("-")


class ChatLimits:
    """One smooth limiter per chat: a group gets a message every 3 s, a private chat one a second (plus margin)."""

    def __init__(self, *, group_per_minute: float = GROUP_PER_MINUTE, private_per_second: float = PRIVATE_PER_SECOND):
        self._group_gap = SAFETY_MARGIN * 60.0 / group_per_minute
        self._private_gap = SAFETY_MARGIN / private_per_second
        self._limiters: dict[str, AsyncLimiter] = {}

    def gap(self, chat_id: str) -> float:
        """The seconds between two messages into this chat."""
        return self._group_gap if is_group_chat(chat_id) else self._private_gap

    def limiter(self, chat_id: str) -> AsyncLimiter:
        """The chat's limiter: `async with limits.limiter(chat_id): send ...`."""
        key = str(chat_id)
        limiter = self._limiters.get(key)
        if limiter is None:
            if len(self._limiters) >= MAX_KEPT_LIMITERS:
                self._forget_idle()
            limiter = self._limiters[key] = AsyncLimiter(1, self.gap(key))
        return limiter

    def _forget_idle(self) -> None:
        for key, limiter in list(self._limiters.items()):
            if limiter.has_capacity(limiter.max_rate):  # drained: forgetting it loses nothing
                del self._limiters[key]
