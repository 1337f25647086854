"""Per-chat spacing as Telegram counts it: on arrival of the requests, whatever delayed one of them on the way."""

from __future__ import annotations

import asyncio
import itertools

from bot.telegram.limits import ChatLimits

PRIVATE = "5001"
GROUP = "-1001"


async def _arrive(limits: ChatLimits, chat: str, arrivals: list[float], *, on_the_way: float = 0.0) -> None:
    """One request to `chat` that reaches the server `on_the_way` seconds after it left our limiter (queued behind
    the overall limiter, or a slow upload), and is answered at once."""
    loop = asyncio.get_running_loop()
    async with limits.pacer(chat):
        await asyncio.sleep(on_the_way)
        arrivals.append(loop.time())


async def test_a_request_delayed_on_the_way_does_not_bring_the_next_one_closer() -> None:
    limits = ChatLimits(private_per_second=10)  # a 0.115 s gap keeps the test short
    arrivals: list[float] = []
    await _arrive(limits, PRIVATE, arrivals, on_the_way=0.1)
    await _arrive(limits, PRIVATE, arrivals)
    assert arrivals[1] - arrivals[0] >= limits.gap(PRIVATE)


async def test_concurrent_requests_to_one_chat_are_spaced_and_keep_their_order() -> None:
    limits = ChatLimits(private_per_second=20)
    arrivals: list[float] = []
    order: list[int] = []

    async def send(n: int) -> None:
        await _arrive(limits, PRIVATE, arrivals)
        order.append(n)

    await asyncio.gather(*(send(n) for n in range(4)))
    assert order == [0, 1, 2, 3]
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert min(gaps) >= limits.gap(PRIVATE)


async def test_other_chats_do_not_wait() -> None:
    limits = ChatLimits(private_per_second=1)
    arrivals: list[float] = []
    await _arrive(limits, PRIVATE, arrivals)
    await asyncio.wait_for(_arrive(limits, "5002", arrivals), timeout=0.5)
    await asyncio.wait_for(_arrive(limits, GROUP, arrivals), timeout=0.5)
    assert limits.gap(GROUP) > limits.gap(PRIVATE)


async def test_idle_chats_are_forgotten_busy_ones_kept() -> None:
    limits = ChatLimits(private_per_second=1000, max_kept=3)
    arrivals: list[float] = []
    for chat in ("1", "2", "3"):
        await _arrive(limits, chat, arrivals)
    await asyncio.sleep(0.01)
    async with limits.pacer("4"):
        assert limits.kept() == 1  # 1-3 were idle and dropped when the fourth came
        await _arrive(limits, "5", arrivals)
    assert limits.kept() == 2
