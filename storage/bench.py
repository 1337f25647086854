"""`python -m storage.bench`: ticket creations per second and lifecycle latency, SQLite vs PostgreSQL.

Each creation and each lifecycle step is its own transaction, as in the service. PostgreSQL runs in a
throw-away database on the server named by WUYE_BENCH_POSTGRES_URL (else WUYE_TEST_POSTGRES_URL, else
postgres@127.0.0.1:5432/test); it is skipped with the reason when unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.clock import SystemClock
from storage.communities import create_community
from storage.db import Database, create_engine, open_database
from storage.residents import ProfileUpdate, bind_room, get_or_create_resident, update_profile
from storage.rooms import add_room
from storage.staff import add_staff
from storage.tickets import (
    Actor,
    accept_ticket,
    assign_ticket,
    confirm_ticket,
    create_ticket,
    mark_on_site,
    resolve_ticket,
)

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@dataclass
class Result:
    """Figures for one backend."""

    backend: str
    creations_per_second: float
    create_p50_ms: float
    create_p99_ms: float
    lifecycle_p50_ms: float
    lifecycle_p99_ms: float


@dataclass
class _Ids:
    community: int
    resident: int
    agent: int
    plumber: int


async def _seed(database: Database) -> _Ids:
    now = SystemClock().now()
    async with database.sessions() as session, session.begin():
        community = await create_community(session, code="bench", name="基准小区", now=now)
        await add_room(session, community_id=community.id, building="3", unit="2", room="502", now=now)
        resident, _ = await get_or_create_resident(
            session, community_id=community.id, channel="webchat", external_id="bench", now=now
        )
        await update_profile(session, resident_id=resident.id, update=ProfileUpdate(phone="13800138000"), now=now)
        await bind_room(session, resident_id=resident.id, room_code="3-2-502", now=now)
        agent = await add_staff(
            session, name="客服", role="service_agent", department="service_centre", now=now, community_id=community.id
        )
        plumber = await add_staff(
            session,
            name="师傅",
            role="technician",
            department="engineering",
            trade="plumbing",
            now=now,
            community_id=community.id,
        )
        return _Ids(community.id, resident.id, agent.id, plumber.id)


async def _create(database: Database, ids: _Ids) -> int:
    async with database.sessions() as session, session.begin():
        ticket = await create_ticket(
            session,
            community_id=ids.community,
            type="repair",
            category="engineering",
            urgency="urgent",
            description="厨房水管漏水",
            channel="webchat",
            now=SystemClock().now(),
            actor=Actor.resident(ids.resident),
            resident_id=ids.resident,
            room_code="3-2-502",
            contact_phone="13800138000",
        )
        return ticket.id


async def _lifecycle(database: Database, ids: _Ids) -> None:
    ticket_id = await _create(database, ids)
    clock = SystemClock()
    steps = [
        lambda s: assign_ticket(
            s, ticket_id=ticket_id, assignee_id=ids.plumber, actor=Actor.staff(ids.agent), now=clock.now()
        ),
        lambda s: accept_ticket(s, ticket_id=ticket_id, staff_id=ids.plumber, now=clock.now()),
        lambda s: mark_on_site(s, ticket_id=ticket_id, staff_id=ids.plumber, now=clock.now()),
        lambda s: resolve_ticket(s, ticket_id=ticket_id, staff_id=ids.plumber, now=clock.now(), work_done="换阀门"),
        lambda s: confirm_ticket(s, ticket_id=ticket_id, resident_id=ids.resident, now=clock.now()),
    ]
    for step in steps:
        async with database.sessions() as session, session.begin():
            await step(session)


async def run_backend(backend: str, url: str, creations: int, lifecycles: int) -> Result:
    """Migrate a fresh database at `url`, then time creations and full lifecycles."""
    database = await open_database(url)
    try:
        ids = await _seed(database)
        for _ in range(20):  # warm up pools and statement caches
            await _create(database, ids)
        create_times = []
        started = time.perf_counter()
        for _ in range(creations):
            t0 = time.perf_counter()
            await _create(database, ids)
            create_times.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
        life_times = []
        for _ in range(lifecycles):
            t0 = time.perf_counter()
            await _lifecycle(database, ids)
            life_times.append(time.perf_counter() - t0)
    finally:
        await database.close()
    return Result(
        backend,
        creations / elapsed,
        _ms(create_times, 50),
        _ms(create_times, 99),
        _ms(life_times, 50),
        _ms(life_times, 99),
    )


def _ms(samples: list[float], percentile: int) -> float:
    if len(samples) < 2:
        return samples[0] * 1000 if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[percentile - 1] * 1000


async def _with_postgres(admin_url: str, creations: int, lifecycles: int) -> Result:
    name = f"wuye_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            await connection.execute(text(f"CREATE DATABASE {name}"))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        return await run_backend("PostgreSQL", url, creations, lifecycles)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await admin.dispose()


async def bench(creations: int, lifecycles: int) -> tuple[list[Result], list[str]]:
    """Run both backends; returns results and notes for skipped ones."""
    results, notes = [], []
    with tempfile.TemporaryDirectory(prefix="wuye-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        results.append(await run_backend("SQLite", url, creations, lifecycles))
    admin_url = (
        os.environ.get("WUYE_BENCH_POSTGRES_URL") or os.environ.get("WUYE_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    )
    try:
        results.append(await _with_postgres(admin_url, creations, lifecycles))
    except (TimeoutError, OSError) as error:
        notes.append(f"PostgreSQL skipped: {make_url(admin_url).render_as_string()} unreachable ({error!r})")
    return results, notes


def format_table(results: list[Result]) -> str:
    """The figures side by side, one column per backend."""
    rows = [
        ("tickets created / s", "creations_per_second", "{:.0f}"),
        ("creation p50 (ms)", "create_p50_ms", "{:.2f}"),
        ("creation p99 (ms)", "create_p99_ms", "{:.2f}"),
        ("lifecycle p50 (ms)", "lifecycle_p50_ms", "{:.2f}"),
        ("lifecycle p99 (ms)", "lifecycle_p99_ms", "{:.2f}"),
    ]
    lines = [f"{'':<22}" + "".join(f"{r.backend:>14}" for r in results)]
    for label, field, fmt in rows:
        lines.append(f"{label:<22}" + "".join(f"{fmt.format(getattr(r, field)):>14}" for r in results))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(prog="python -m storage.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--creations", type=int, default=2000)
    parser.add_argument("--lifecycles", type=int, default=300)
    args = parser.parse_args(argv)
    results, notes = asyncio.run(bench(args.creations, args.lifecycles))
    print(
        f"wuye-desk storage bench: {args.creations} creations, {args.lifecycles} lifecycles "
        "(new → assigned → accepted → on_site → resolved → closed, one transaction per step)"
    )
    print(format_table(results))
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
