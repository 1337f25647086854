"""`python -m dialogs.bench`: how long one dialog turn takes (message in, replies out, state stored).

Each turn is what the service does for one resident message: its own transaction on a real SQLite file
(WAL), the inbound log, the stored conversation, the NLU, the flow, any ticket and staff notices, and
the replies in the outbox. Residents run a mix of conversations one after another: a repair reported
in four turns (with a ticket at the end), an FAQ question, 我的工单, and a complaint read back.
Prints turns per second and latency percentiles; the issue's bar is p99 <= 20 ms on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dialogs.messages import Incoming, Kind
from dialogs.turn import run_turn
from nlu import parse
from storage.clock import FrozenClock
from storage.communities.service import create_community
from storage.db import open_database
from storage.rooms.service import add_room

#: What residents say, conversation by conversation (a None text is a button press of the payload).
SCRIPTS: list[list[tuple[str, str | None]]] = [
    [
        ("text", "卫生间水管漏水了，{room}"),
        ("text", "138{phone}"),
        ("press", "intake:skip"),
        ("press", "intake:confirm"),
    ],
    [("text", "请问物业费怎么收？"), ("press", "inquiry:solved")],
    [("text", "我的工单"), ("text", "客厅的灯不亮了"), ("press", "nav:cancel")],
    [("text", "保安态度太差了，昨天晚上在门口骂人，我要求道歉"), ("text", "小区东门"), ("text", "{room}")],
]


@dataclass
class Figures:
    """What one run measured."""

    turns: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @property
    def turns_per_second(self) -> float:
        return self.turns / self.seconds


def _turns(residents: int) -> Iterator[tuple[str, str, str | None]]:
    for n in range(residents):
        script = SCRIPTS[n % len(SCRIPTS)]
        room = f"{n % 20 + 1}-{n % 3 + 1}-{(n % 18 + 1) * 100 + n % 4 + 1}"
        for kind, value in script:
            text = (value or "").format(room=room, phone=f"{n:08d}")
            yield f"bench-{n}", kind, text


async def run(path: Path, *, residents: int = 200, warmup: int = 20) -> Figures:
    """Play `residents` conversations (after `warmup` unmeasured ones) on a fresh SQLite file at `path`."""
    url = f"sqlite+aiosqlite:///{path}"
    database = await open_database(url)
    start = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    clock = FrozenClock(start)
    try:
        async with database.sessions.begin() as session:
            community = await create_community(session, code="bench", name="压测小区", now=start)
            for building in range(1, 21):
                for unit in range(1, 4):
                    for floor in range(1, 19):
                        for door in range(1, 5):
                            await add_room(
                                session,
                                community_id=community.id,
                                building=str(building),
                                unit=str(unit),
                                room=f"{floor}{door:02d}",
                                now=start,
                            )
        parse("预热", now=start)  # the NLU loads once per process, not per turn
        latencies: list[float] = []
        warmup_turns = sum(len(SCRIPTS[n % len(SCRIPTS)]) for n in range(warmup))
        began = time.perf_counter()
        for index, (sender, kind, text) in enumerate(_turns(residents + warmup)):
            incoming = Incoming(
                channel="webchat",
                sender_id=sender,
                message_id=str(index),
                kind=Kind.BUTTON if kind == "press" else Kind.TEXT,
                text="" if kind == "press" else text,
                payload=text if kind == "press" else None,
            )
            clock.advance(seconds=2)
            t0 = time.perf_counter()
            await run_turn(database.sessions, incoming, community_id=community.id, now=clock.now())
            elapsed = time.perf_counter() - t0
            if index >= warmup_turns:
                latencies.append(elapsed)
            elif index == warmup_turns - 1:
                began = time.perf_counter()
        seconds = time.perf_counter() - began
    finally:
        await database.engine.dispose()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return Figures(
        turns=len(latencies),
        seconds=seconds,
        p50_ms=q[49] * 1000,
        p95_ms=q[94] * 1000,
        p99_ms=q[98] * 1000,
        max_ms=latencies[-1] * 1000,
    )


def format_figures(figures: Figures) -> str:
    """The printed report."""
    return (
        f"dialog turns on SQLite: {figures.turns} turns, {figures.turns_per_second:.0f} turns/s\n"
        f"latency per turn: p50 {figures.p50_ms:.2f} ms, p95 {figures.p95_ms:.2f} ms, "
        f"p99 {figures.p99_ms:.2f} ms, max {figures.max_ms:.2f} ms (bar: p99 <= 20 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=400, help="conversations to play (default 400)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(run(Path(folder) / "bench.db", residents=args.residents))
    print(format_figures(figures))


if __name__ == "__main__":
    main()

__all__ = ["Figures", "format_figures", "run"]
