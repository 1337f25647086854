"""`python -m bot.telegram.bench --residents 300`: many residents write to the bot at once.

Everything real but Telegram: the service app with the Telegram plugin (long polling) and the outbox
worker on a SQLite file, the real python-telegram-bot talking HTTP to the in-process fake Bot API
server, which counts every breach of the flood limits (30/s overall, 1/s per chat). Each resident sends
a repair message with room and phone and at once 跳过 (no photo), so two answers go to every chat; the
run ends when every reply is delivered. Prints the time
until the last answer, p50/p99 per conversation (message sent → its last reply arrived) and the
breaches; exits 1 when a resident got no answer or a limit was broken.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from aiohttp import web
from sqlalchemy import func, select

from bot.config import Settings
from bot.demo import ensure_demo
from bot.http import create_app
from bot.service import install_outbox_worker
from bot.telegram.channel import install
from bot.telegram.fake_api import FakeBotApi
from storage.clock import SystemClock
from storage.db import create_engine, create_sessionmaker
from storage.migrations import upgrade_engine
from storage.outbox import OutboxMessage
from storage.rooms.models import Room

TOKEN = "1000:bench-token"
#: Private chat ids of the benchmark's residents start here.
FIRST_CHAT = 900_000


@dataclass(frozen=True)
class BenchResult:
    """What one run measured."""

    residents: int
    answered: int
    messages: int
    last_answer_seconds: float
    p50_seconds: float
    p99_seconds: float
    violations: int

    @property
    def ok(self) -> bool:
        """Every resident answered, no flood limit broken."""
        return self.answered == self.residents and self.violations == 0


async def run_bench(residents: int, *, timeout: float = 900.0) -> BenchResult:
    """Run the benchmark with `residents` residents writing at once; returns the figures."""
    with tempfile.TemporaryDirectory(prefix="wuye-tg-bench-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        engine = create_engine(url)
        sessions = create_sessionmaker(engine)
        await upgrade_engine(engine)
        clock = SystemClock()
        async with sessions.begin() as session:
            community = await ensure_demo(session, now=clock.now())
            rooms = list(await session.scalars(select(Room.code).where(Room.community_id == community.id).limit(500)))
        fake = FakeBotApi(TOKEN)
        await fake.start()
        settings = Settings(
            database_url=url,
            data_dir=Path(folder) / "data",
            telegram_token=TOKEN,
            telegram_api_url=fake.url,
            demo=False,
        )

        def telegram(app: web.Application) -> None:
            install(app, poll_timeout=1)

        def worker(app: web.Application) -> None:
            install_outbox_worker(app, idle_seconds=0.2)

        app = create_app(settings, clock=clock, sessionmaker=sessions, plugins=[telegram, worker])
        runner = web.AppRunner(app)
        await runner.setup()
        try:
            started = time.monotonic()
            loop_started = asyncio.get_running_loop().time()
            for n in range(residents):
                chat = FIRST_CHAT + n
                user = {"id": chat, "is_bot": False, "first_name": f"住户{n}"}
                text = f"厨房水龙头漏水了，{rooms[n % len(rooms)]}，电话138{n:08d}"
                await fake.deliver(fake.user_message(chat, user, text=text))
                await fake.deliver(fake.user_message(chat, user, text="跳过"))  # no photo: read it back to me
            await _until_delivered(sessions, residents, fake, started + timeout)
            last_reply = {sent.chat_id: sent.at - loop_started for sent in fake.sent if int(sent.chat_id) >= FIRST_CHAT}
        finally:
            await runner.cleanup()
            await fake.close()
            await engine.dispose()
    spans = sorted(last_reply.values())
    return BenchResult(
        residents=residents,
        answered=len(last_reply),
        messages=len(fake.sent),
        last_answer_seconds=spans[-1] if spans else float("nan"),
        p50_seconds=statistics.median(spans) if spans else float("nan"),
        p99_seconds=spans[min(len(spans) - 1, round(0.99 * (len(spans) - 1)))] if spans else float("nan"),
        violations=len(fake.violations),
    )


async def _until_delivered(sessions, residents: int, fake: FakeBotApi, deadline: float) -> None:  # type: ignore[no-untyped-def]
    """Wait until every resident has a reply and the outbox holds nothing unsent."""
    while time.monotonic() < deadline:
        answered = {s.chat_id for s in fake.sent}
        if len(answered) >= residents:
            async with sessions() as session:
                unsent = await session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
                )
            if not unsent:
                return
        await asyncio.sleep(0.25)


def report(result: BenchResult, out: TextIO) -> None:
    """Print the figures."""
    print(f"residents writing at once: {result.residents}", file=out)
    print(f"answered: {result.answered}/{result.residents}, messages delivered: {result.messages}", file=out)
    print(f"time until the last answer: {result.last_answer_seconds:.1f} s", file=out)
    print(f"per conversation: p50 {result.p50_seconds:.1f} s, p99 {result.p99_seconds:.1f} s", file=out)
    print(f"flood-limit breaches counted by the fake server: {result.violations}", file=out)


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.telegram.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=300)
    args = parser.parse_args(argv)
    result = asyncio.run(run_bench(args.residents))
    report(result, out)
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
