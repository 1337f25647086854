"""Jobs: unique keys, claiming due work, retries, cancellation, concurrent schedulers."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage.errors import Conflict
from storage.jobs import cancel_jobs, claim_due_jobs, complete_job, fail_job, get_job, retry_delay, schedule_job


async def test_schedule_is_idempotent_by_key(session, clock) -> None:
    job, created = await schedule_job(
        session,
        kind="deadline_check",
        run_at=clock.now() + timedelta(minutes=30),
        now=clock.now(),
        payload={"ticket_id": 1},
        key="deadline:1:0",
    )
    again, created_again = await schedule_job(
        session,
        kind="deadline_check",
        run_at=clock.now(),
        now=clock.now(),
        payload={"ticket_id": 1},
        key="deadline:1:0",
    )
    assert created and not created_again and again.id == job.id and again.run_at == job.run_at


async def test_claim_only_due_jobs_then_complete(session, clock) -> None:
    soon, _ = await schedule_job(session, kind="callback", run_at=clock.now() + timedelta(minutes=5), now=clock.now())
    later, _ = await schedule_job(session, kind="callback", run_at=clock.now() + timedelta(hours=1), now=clock.now())
    assert await claim_due_jobs(session, worker="s1", now=clock.now()) == []
    [claimed] = await claim_due_jobs(session, worker="s1", now=clock.advance(minutes=5))
    assert claimed.id == soon.id and claimed.status == "running"
    with pytest.raises(Conflict):
        await complete_job(session, job_id=later.id, worker="s1", now=clock.now())
    done = await complete_job(session, job_id=soon.id, worker="s1", now=clock.now())
    assert done.status == "done" and done.finished_at == clock.now()


async def test_failures_retry_then_fail(session, clock) -> None:
    job, _ = await schedule_job(session, kind="survey", run_at=clock.now(), now=clock.now(), max_attempts=2)
    await claim_due_jobs(session, worker="s", now=clock.now())
    retried = await fail_job(session, job_id=job.id, worker="s", error="boom", now=clock.now())
    assert retried.status == "pending" and retried.run_at == clock.now() + retry_delay(1)
    await claim_due_jobs(session, worker="s", now=clock.advance(minutes=1))
    failed = await fail_job(session, job_id=job.id, worker="s", error="boom again", now=clock.now())
    assert failed.status == "failed" and failed.attempts == 2


async def test_cancel_pending_by_key_and_kind_filter(session, clock) -> None:
    await schedule_job(session, kind="deadline_check", run_at=clock.now(), now=clock.now(), key="deadline:7:0")
    other, _ = await schedule_job(session, kind="callback", run_at=clock.now(), now=clock.now(), key="callback:7")
    assert await cancel_jobs(session, keys=["deadline:7:0"], now=clock.now()) == 1
    claimed = await claim_due_jobs(session, worker="s", now=clock.now(), kinds=["deadline_check", "callback"])
    assert [j.id for j in claimed] == [other.id]
    assert (await get_job(session, other.id)).claimed_by == "s"


async def test_concurrent_schedulers_run_each_job_once(db, clock) -> None:
    async with db.sessions() as session:
        for i in range(40):
            await schedule_job(session, kind="tick", run_at=clock.now(), now=clock.now(), key=f"tick:{i}")
        await session.commit()
    ran: list[int] = []

    async def scheduler(name: str) -> None:
        while True:
            async with db.sessions() as session:
                jobs = await claim_due_jobs(session, worker=name, now=clock.now(), limit=3)
                await session.commit()
                if not jobs:
                    return
                for job in jobs:
                    ran.append(job.id)
                    await complete_job(session, job_id=job.id, worker=name, now=clock.now())
                await session.commit()

    await asyncio.gather(*(scheduler(f"s{i}") for i in range(3)))
    assert sorted(ran) == list(range(1, 41))
