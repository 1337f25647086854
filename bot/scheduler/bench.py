"""`python -m bot.scheduler.bench --tickets 100000 [--database URL]`: how long one scheduler pass takes with
that many open tickets, on SQLite and PostgreSQL.

The database is seeded in bulk with open tickets created over the last two days (mixed urgencies and
statuses, deadlines from the default policy) and every job the ticket watch would have planned for them;
jobs due before "now" count as already run. Then passes run at now + 5 s (the service's idle pause),
+ 15 s (one watch interval) and + 60 s, each running every job due by then (reminders, escalations,
the watch over tickets changed since its cursor) through the real handlers, plus an idle pass.

Without --database: a temporary SQLite file, and a throw-away PostgreSQL database on the server named by
WUYE_BENCH_POSTGRES_URL (else WUYE_TEST_POSTGRES_URL, else postgres@127.0.0.1:5432/test). With --database:
only that backend (a SQLite URL names a new file; a PostgreSQL URL names the server for a throw-away database).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import insert, text, update
from sqlalchemy.engine import make_url

from bot.scheduler.jobs import watch
from bot.scheduler.plan import ticket_jobs
from bot.scheduler.runner import Scheduler
from storage.clock import FrozenClock
from storage.communities import create_community
from storage.db import Database, open_database
from storage.groups.service import register_group
from storage.jobs.models import Job
from storage.jobs.recurring import ensure_recurring, schedule_many
from storage.policy import default_policy
from storage.staff import add_staff
from storage.staff.service import link_staff_identity
from storage.tickets.models import Ticket
from storage.tickets.sla import compute_deadlines

DEFAULT_POSTGRES: Final = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
NOW: Final = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
#: (urgency, share) and (status, share) of the seeded open tickets.
URGENCIES: Final = (("normal", 0.85), ("urgent", 0.14), ("critical", 0.01))
STATUSES: Final = (("new", 0.3), ("assigned", 0.2), ("accepted", 0.3), ("on_site", 0.2))
CHUNK: Final = 2000


@dataclass
class Result:
    """Figures of one backend."""

    backend: str
    tickets: int
    pending_jobs: int
    seed_seconds: float
    passes: list[tuple[str, int, float]]  # (label, jobs run, seconds)


async def seed(db: Database, tickets: int, rng: random.Random) -> int:
    """Insert `tickets` open tickets and their planned jobs; returns the number of pending jobs."""
    policy = default_policy()
    async with db.sessions.begin() as session:
        community = await create_community(session, code="bench", name="压测小区", now=NOW - timedelta(days=3))
        for role, department in (
            ("supervisor", "service_centre"),
            ("project_manager", "management"),
            ("technician", "engineering"),
            ("security", "security"),
        ):
            staff = await add_staff(
                session,
                name=role,
                role=role,
                department=department,
                now=NOW,
                community_id=community.id,
                trade="plumbing" if role == "technician" else None,
                on_duty=True,
            )
            await link_staff_identity(session, staff_id=staff.id, channel="telegram", external_id=f"tg-{role}", now=NOW)
            technician = staff.id if role == "technician" else None
        for department in ("engineering", "service_centre", "security", "environment"):
            await register_group(
                session,
                community_id=community.id,
                department=department,
                channel="telegram",
                chat_id=f"g-{department}",
                now=NOW,
            )
        community_id = community.id
        technician_id = technician
    span = timedelta(days=2).total_seconds()
    for first in range(0, tickets, CHUNK):
        rows: list[dict] = []
        for index in range(first, min(first + CHUNK, tickets)):
            urgency = _pick(rng, URGENCIES)
            status = "accepted" if urgency == "critical" else _pick(rng, STATUSES)
            created = NOW - timedelta(seconds=rng.random() * span)
            due = compute_deadlines(policy, ticket_type="repair", urgency=urgency, complaint_tier=None, start=created)
            taken = status in ("accepted", "on_site")
            rows.append(
                dict(
                    id=index + 1,
                    community_id=community_id,
                    number=f"BX-BENCH-{index + 1:07d}",
                    type="repair",
                    category="engineering",
                    urgency=urgency,
                    complaint_tier=None,
                    department="engineering",
                    description="压测工单",
                    channel="telegram",
                    status=status,
                    assignee_staff_id=technician_id if status != "new" else None,
                    respond_due_at=due.respond_due_at,
                    arrive_due_at=due.arrive_due_at,
                    resolve_due_at=due.resolve_due_at,
                    reopen_count=0,
                    created_at=created,
                    updated_at=created,
                    assigned_at=created if status != "new" else None,
                    accepted_at=created if taken else None,
                    arrived_at=created if status == "on_site" else None,
                    version=1,
                )
            )
        async with db.sessions.begin() as session:
            await session.execute(insert(Ticket), rows)
            jobs = [spec.as_row() for row in rows for spec in ticket_jobs(Ticket(**row), policy, row["created_at"])]
            for start in range(0, len(jobs), 1000):
                await schedule_many(session, jobs[start : start + 1000], now=NOW)
    async with db.sessions.begin() as session:  # steady state: what was due before now has run
        await session.execute(update(Job).where(Job.run_at <= NOW).values(status="done", attempts=1, finished_at=NOW))
        await ensure_recurring(
            session,
            kind=watch.KIND,
            key=watch.KEY,
            run_at=NOW,
            now=NOW,
            payload={"after": (NOW - watch.OVERLAP - timedelta(seconds=15)).isoformat(), "after_id": 0},
        )
        return int((await session.execute(text("SELECT count(*) FROM jobs WHERE status = 'pending'"))).scalar_one())


def _pick(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


async def run_backend(backend: str, url: str, tickets: int) -> Result:
    """Seed a fresh database at `url` and time the passes."""
    db = await open_database(url)
    try:
        started = time.perf_counter()
        pending = await seed(db, tickets, random.Random(7))
        seeded = time.perf_counter() - started
        clock = FrozenClock(NOW)
        scheduler = Scheduler(db.sessions, clock, "bench")
        await scheduler.bootstrap(NOW)
        passes = []
        for label, offset in (("+5 s", 5), ("idle", 5), ("+15 s", 15), ("+60 s", 60)):
            clock.set(NOW + timedelta(seconds=offset))
            begin = time.perf_counter()
            ran = await scheduler.run_once(clock.now())
            passes.append((label, ran, time.perf_counter() - begin))
        return Result(backend, tickets, pending, seeded, passes)
    finally:
        await db.engine.dispose()


async def _with_postgres(admin_url: str, tickets: int) -> Result:
    from storage.db import create_engine

    name = f"wuye_sched_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            await connection.execute(text(f"CREATE DATABASE {name}"))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        return await run_backend("PostgreSQL", url, tickets)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


async def bench(tickets: int, database: str | None = None) -> tuple[list[Result], list[str]]:
    """Run the chosen backends; returns results and notes for skipped ones."""
    results, notes = [], []
    if database is None or database.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="wuye-sched-bench-") as tmp:
            url = database or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            results.append(await run_backend("SQLite", url, tickets))
    if database is None or database.startswith("postgresql"):
        admin_url = (
            database
            or os.environ.get("WUYE_BENCH_POSTGRES_URL")
            or os.environ.get("WUYE_TEST_POSTGRES_URL")
            or DEFAULT_POSTGRES
        )
        try:
            results.append(await _with_postgres(admin_url, tickets))
        except (TimeoutError, OSError) as error:
            notes.append(f"PostgreSQL skipped: {make_url(admin_url).render_as_string()} unreachable ({error!r})")
    return results, notes


def format_results(results: list[Result]) -> str:
    """One block per backend: seed size, then each pass's jobs and time."""
    lines = []
    for result in results:
        lines.append(
            f"{result.backend}: {result.tickets} open tickets, {result.pending_jobs} pending jobs "
            f"(seeded in {result.seed_seconds:.1f} s)"
        )
        for label, ran, seconds in result.passes:
            lines.append(f"  pass at {label:<6} {ran:>5} jobs run  {seconds * 1000:>8.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bot.scheduler.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database", help="only this backend (SQLite file URL, or PostgreSQL server URL)")
    args = parser.parse_args(argv)
    results, notes = asyncio.run(bench(args.tickets, args.database))
    print(format_results(results))
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
