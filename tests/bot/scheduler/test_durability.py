"""Durability: jobs live in the database. A restart loses none and runs none twice; a crash inside a job
rolls its work back and the job runs again; a dead worker's jobs are taken over after the lease; two
workers on one database (PostgreSQL: SKIP LOCKED) run each job once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.scheduler import JobContext, Scheduler
from bot.scheduler.jobs import HANDLERS
from storage.clock import FrozenClock
from storage.db import Database, create_engine, create_sessionmaker
from storage.jobs.models import Job
from storage.jobs.service import claim_due_jobs
from storage.tickets.models import TicketEvent
from tests.bot.scheduler.conftest import Driver, Estate, outbox
from tests.bot.scheduler.test_deadlines import _open


async def _escalation_events(db: Database) -> int:
    async with db.sessions() as session:
        events = await session.scalars(select(TicketEvent).where(TicketEvent.action == "note"))
        return sum(1 for e in events if e.data and e.data.get("escalation") in ("arrive", "resolve", "respond"))


async def test_restart_loses_no_job_and_runs_none_twice(db: Database, clock: FrozenClock, estate: Estate) -> None:
    for _ in range(3):
        await _open(db, clock, estate)
    first = Driver(db, clock, "before-restart")
    await first.advance(minutes=45)  # reminders at 20, first rung at 30
    assert len(await outbox(db, kind="escalation")) == 3
    await db.engine.dispose()  # the process stops; a new one starts on the same database
    engine = create_engine(db.url)
    try:
        restarted = Database(url=db.url, engine=engine, sessions=create_sessionmaker(engine))
        second = Driver(restarted, clock, "after-restart")
        await second.advance(hours=4)
        escalations = await outbox(restarted, kind="escalation")
        # per ticket: arrive at 30/60/90 and resolve at 120/150/180 minutes, each exactly once
        assert len(escalations) == 3 * 6 and await _escalation_events(restarted) == 3 * 6
        async with restarted.sessions() as session:
            done = list(await session.scalars(select(Job).where(Job.status == "done", Job.kind != "watch")))
            assert done and all(job.attempts == 1 for job in done)
    finally:
        await engine.dispose()


async def test_a_crash_inside_a_job_rolls_back_and_it_runs_again(
    db: Database, clock: FrozenClock, estate: Estate
) -> None:
    await _open(db, clock, estate)
    crashes = []

    async def crash_once(ctx: JobContext):
        outcome = await HANDLERS["deadline_overdue"](ctx)  # the notices are queued in the transaction...
        if not crashes:
            crashes.append(ctx.job_id)
            raise RuntimeError("the process died mid-job")  # ...and rolled back with it
        return outcome

    handlers = dict(HANDLERS) | {"deadline_overdue": crash_once}
    scheduler = Scheduler(db.sessions, clock, "crashy", handlers=handlers, watch_every=timedelta(minutes=1))
    await scheduler.run_once(clock.now())
    clock.advance(minutes=30)
    await scheduler.run_once(clock.now())
    assert crashes and await outbox(db, kind="escalation") == [] and await _escalation_events(db) == 0
    async with db.sessions() as session:
        job = await session.get(Job, crashes[0])
        assert job is not None and job.status == "pending" and "died mid-job" in (job.last_error or "")
    clock.advance(minutes=1)  # the job's retry delay
    await scheduler.run_once(clock.now())
    assert len(await outbox(db, kind="escalation")) == 1 and await _escalation_events(db) == 1


async def test_a_dead_workers_jobs_are_taken_over_after_the_lease(
    db: Database, clock: FrozenClock, estate: Estate
) -> None:
    await _open(db, clock, estate)
    driver = Driver(db, clock, "survivor")
    await driver.advance(minutes=29)
    clock.advance(minutes=1)
    async with db.sessions.begin() as session:  # a worker claims the due overdue job, then dies
        claimed = await claim_due_jobs(session, worker="dead", now=clock.now(), kinds=["deadline_overdue"])
    assert len(claimed) == 1
    await driver.run()
    assert await outbox(db, kind="escalation") == []  # still leased to the dead worker
    await driver.advance(minutes=6)  # the lease (5 min) ran out
    assert [m.recipient for m in await outbox(db, kind="escalation")] == ["tg-supervisor"]


@pytest.mark.parametrize("db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
async def test_two_workers_on_postgres_run_each_job_once(db: Database, clock: FrozenClock, estate: Estate) -> None:
    for _ in range(40):
        await _open(db, clock, estate)
    await Driver(db, clock, "planner").run()  # the watch plans the 40 tickets' jobs
    clock.advance(minutes=30)
    engines = [create_engine(db.url) for _ in range(2)]
    try:
        workers = [
            Scheduler(create_sessionmaker(engine), clock, f"worker-{n}", batch_size=5)
            for n, engine in enumerate(engines)
        ]
        ran = await asyncio.gather(*(worker.run_once(clock.now()) for worker in workers))
    finally:
        for engine in engines:
            await engine.dispose()
    async with db.sessions() as session:
        claimed_by = dict(
            (
                await session.execute(
                    select(Job.claimed_by, func.count())
                    .where(Job.kind == "deadline_overdue", Job.status == "done")
                    .group_by(Job.claimed_by)
                )
            ).all()
        )
        attempts = set(await session.scalars(select(Job.attempts).where(Job.status == "done")))
    assert sum(ran) >= 80 and attempts == {1}  # 40 reminders (20 min) and 40 deadlines (30 min), once each
    assert sum(claimed_by.values()) == 40  # each ticket's arrive deadline, by whichever worker claimed it
    assert await _escalation_events(db) == 40 and len(await outbox(db, kind="escalation")) == 40
