"""Durable jobs: schedule (unique key), claim due ones (SKIP LOCKED), complete, or fail and retry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._backoff import doubling
from storage._dialect import insert_or_get_id
from storage.errors import Conflict, NotFound
from storage.jobs.models import Job

#: How long a claim holds before another worker may take the job over (a crashed worker).
DEFAULT_LEASE: Final = timedelta(minutes=5)
BASE_RETRY: Final = timedelta(minutes=1)
MAX_RETRY: Final = timedelta(hours=6)


class JobStatus(StrEnum):
    """pending → running → done; failed after max_attempts; cancelled when no longer needed."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


def retry_delay(attempts: int) -> timedelta:
    """Delay after `attempts` failed runs: 1 min, 2 min, 4 min ... capped at 6 h."""
    return doubling(attempts, base=BASE_RETRY, cap=MAX_RETRY)


async def schedule_job(
    session: AsyncSession,
    *,
    kind: str,
    run_at: datetime,
    now: datetime,
    payload: dict[str, Any] | None = None,
    key: str | None = None,
    max_attempts: int = 5,
) -> tuple[Job, bool]:
    """Schedule work at `run_at`; (job, created). With `key`, an existing job of that key is returned
    unchanged (include a version in the key, e.g. the reopen count, to schedule again)."""
    values = dict(
        kind=kind,
        key=key,
        payload=payload or {},
        status=JobStatus.PENDING.value,
        run_at=run_at,
        attempts=0,
        max_attempts=max_attempts,
        created_at=now,
    )
    if key is None:
        job = Job(**values)
        session.add(job)
        await session.flush()
        return job, True
    job_id, created = await insert_or_get_id(session, Job, values, ["key"])
    return await get_job(session, job_id), created


async def get_job(session: AsyncSession, job_id: int) -> Job:
    """The job; raises NotFound."""
    job = await session.get(Job, job_id)
    if job is None:
        raise NotFound("job", job_id)
    return job


async def claim_due_jobs(
    session: AsyncSession,
    *,
    worker: str,
    now: datetime,
    limit: int = 20,
    kinds: Iterable[str] | None = None,
    lease: timedelta = DEFAULT_LEASE,
) -> list[Job]:
    """Take up to `limit` jobs due at `now` (and running jobs whose lease expired); commit right after.

    PostgreSQL uses `FOR UPDATE SKIP LOCKED`; SQLite serialises claims with BEGIN IMMEDIATE.
    """
    due = or_(
        and_(Job.status == JobStatus.PENDING, Job.run_at <= now),
        and_(Job.status == JobStatus.RUNNING, Job.lease_until < now),
    )
    query = select(Job).where(due)
    if kinds is not None:
        query = query.where(Job.kind.in_(list(kinds)))
    query = query.order_by(Job.run_at, Job.id).limit(limit).with_for_update(skip_locked=True)
    jobs = list(await session.scalars(query))
    for job in jobs:
        job.status = JobStatus.RUNNING
        job.claimed_by = worker
        job.lease_until = now + lease
        job.attempts += 1
    await session.flush()
    return jobs


async def complete_job(session: AsyncSession, *, job_id: int, worker: str, now: datetime) -> Job:
    """The job ran; raises Conflict if `worker` no longer holds it."""
    job = await _held(session, job_id, worker)
    job.status = JobStatus.DONE
    job.finished_at = now
    job.lease_until = None
    await session.flush()
    return job


async def fail_job(session: AsyncSession, *, job_id: int, worker: str, error: str, now: datetime) -> Job:
    """The job raised: run again after `retry_delay(attempts)`, or mark failed after max_attempts."""
    job = await _held(session, job_id, worker)
    job.last_error = error[:2000]
    job.lease_until = None
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED
        job.finished_at = now
    else:
        job.status = JobStatus.PENDING
        job.run_at = now + retry_delay(job.attempts)
    await session.flush()
    return job


async def cancel_jobs(session: AsyncSession, *, keys: Iterable[str], now: datetime) -> int:
    """Cancel pending jobs by key (e.g. a deadline check once the ticket is closed); returns how many."""
    result = await session.execute(
        update(Job)
        .where(Job.key.in_(list(keys)), Job.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED.value, finished_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def _held(session: AsyncSession, job_id: int, worker: str) -> Job:
    job = await session.scalar(
        select(Job).where(Job.id == job_id).with_for_update().execution_options(populate_existing=True)
    )
    if job is None:
        raise NotFound("job", job_id)
    if job.status != JobStatus.RUNNING or job.claimed_by != worker:
        raise Conflict(f"job {job_id} is not held by {worker} (status {job.status})")
    return job
