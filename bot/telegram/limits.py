"""Telegram's flood limits: 30 messages/s overall, 20/min per group, about 1/s per private chat.

These are Telegram's numbers (../shared/spec/channels.md), not company policy. PTB's `AIORateLimiter`
keeps the overall rate and turns a 429 into `RetryAfter` (no retries of its own: the outbox retries);
`ChatLimits` adds the per-chat rates it lacks (private chats) or that must not stall the worker (groups).
Both are smooth (a bucket of one): messages are spaced evenly, so no window of the period ever holds more
than the limit, which is how Telegram counts. The per-chat gap runs from the previous request's answer
(`ChatPacer`), so it holds on arrival too.
"""

from __future__ import annotations

import asyncio
from typing import Final

from telegram.ext import AIORateLimiter

#: Messages per second across all chats.
OVERALL_PER_SECOND: Final = 30
#: Messages per minute into one group chat.
GROUP_PER_MINUTE: Final = 20
#: Messages per second into one private chat.
PRIVATE_PER_SECOND: Final = 1
#: Our gaps are this much wider than Telegram's: the overall limiter spaces departures, and a busy event loop
#: can delay one request and not the next, bringing two closer together on arrival than when they left.
SAFETY_MARGIN: Final = 1.15
#: Pacers kept before the idle ones are dropped (their gap is over anyway).
MAX_KEPT_PACERS: Final = 2048


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


class ChatPacer:
    """Spaces one chat's requests as Telegram counts them, on arrival.

    The next request leaves `gap` seconds after the previous one was answered, and a request arrives between
    leaving and being answered. So no delay on the way (the overall limiter's queue, a slow photo upload, a
    busy event loop) can bring two arrivals closer than `gap`, as spacing their departures alone could.
    Requests wait their turn in order (asyncio's lock is fair).
    """

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self._lock = asyncio.Lock()
        self._free_at = 0.0

    async def __aenter__(self) -> None:
        await self._lock.acquire()
        try:
            wait = self._free_at - asyncio.get_running_loop().time()
            if wait > 0:
                await asyncio.sleep(wait)
        except BaseException:
            self._lock.release()
            raise

    async def __aexit__(self, *exc_info: object) -> None:
        self._free_at = asyncio.get_running_loop().time() + self.gap  # answered or failed: it may have arrived
        self._lock.release()

    def idle(self) -> bool:
        """Nobody sending or waiting, and the gap is over: forgetting this pacer loses nothing."""
        return not self._lock.locked() and asyncio.get_running_loop().time() >= self._free_at


class ChatLimits:
    """One pacer per chat: a group gets a message every 3 s, a private chat one a second (plus margin)."""

    def __init__(
        self,
        *,
        group_per_minute: float = GROUP_PER_MINUTE,
        private_per_second: float = PRIVATE_PER_SECOND,
        max_kept: int = MAX_KEPT_PACERS,
    ) -> None:
        self._group_gap = SAFETY_MARGIN * 60.0 / group_per_minute
        self._private_gap = SAFETY_MARGIN / private_per_second
        self._max_kept = max_kept
        self._pacers: dict[str, ChatPacer] = {}

    def gap(self, chat_id: str) -> float:
        """The seconds between two messages into this chat."""
        return self._group_gap if is_group_chat(chat_id) else self._private_gap

    def pacer(self, chat_id: str) -> ChatPacer:
        """The chat's pacer: `async with limits.pacer(chat_id): send ...`."""
        key = str(chat_id)
        pacer = self._pacers.get(key)
        if pacer is None:
            if len(self._pacers) >= self._max_kept:
                self._forget_idle()
            pacer = self._pacers[key] = ChatPacer(self.gap(key))
        return pacer

    def kept(self) -> int:
        """How many chats' pacers are kept."""
        return len(self._pacers)

    def _forget_idle(self) -> None:
        for key, pacer in list(self._pacers.items()):
            if pacer.idle():
                del self._pacers[key]
