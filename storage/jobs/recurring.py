"""Jobs that run again and again under one fixed key (the ticket watch, the daily spot-check)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage._dialect import insert_for
from storage.errors import Conflict, NotFound
from storage.jobs.models import Job
from storage.jobs.service import JobStatus, schedule_job

#: A recurring job never gives up: a failing run is retried with backoff instead of being marked failed.
RECURRING_ATTEMPTS = 1_000_000


async def ensure_recurring(
    session: AsyncSession,
    *,
    kind: str,
    key: str,
    run_at: datetime,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> Job:
    """The job under `key`, created at `run_at` when missing and made pending again if it had ended."""
    job, created = await schedule_job(
        session, kind=kind, key=key, run_at=run_at, now=now, payload=payload, max_attempts=RECURRING_ATTEMPTS
    )
    if not created and job.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED):
        job.status = JobStatus.PENDING
        job.run_at = run_at
        job.attempts = 0
        job.finished_at = None
        await session.flush()
    return job


async def rearm_job(
    session: AsyncSession,
    *,
    job_id: int,
    worker: str,
    run_at: datetime,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> Job:
    """The job ran and wants to run again at `run_at` (same key); raises Conflict if `worker` lost it."""
    job = await session.scalar(
        select(Job).where(Job.id == job_id).with_for_update().execution_options(populate_existing=True)
    )
    if job is None:
        raise NotFound("job", job_id)
    if job.status != JobStatus.RUNNING or job.claimed_by != worker:
        raise Conflict(f"job {job_id} is not held by {worker} (status {job.status})")
    job.status = JobStatus.PENDING
    job.run_at = run_at
    job.attempts = 0
    job.lease_until = None
    job.claimed_by = None
    job.last_error = None
    if payload is not None:
        job.payload = payload
    await session.flush()
    return job


async def schedule_many(session: AsyncSession, jobs: list[dict[str, Any]], *, now: datetime) -> int:
    """Schedule many keyed jobs in one statement (`kind`, `key`, `run_at`, `payload` each); existing keys are
    left as they are. Returns how many rows the statement inserted (on SQLite also counts none it skipped)."""
    if not jobs:
        return 0
    rows = [
        {
            "kind": job["kind"],
            "key": job["key"],
            "payload": job.get("payload") or {},
            "status": JobStatus.PENDING.value,
            "run_at": job["run_at"],
            "attempts": 0,
            "max_attempts": job.get("max_attempts", 5),
            "created_at": now,
        }
        for job in jobs
    ]
    statement = insert_for(session, Job).values(rows).on_conflict_do_nothing(index_elements=["key"])
    result = await session.execute(statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def bring_forward(session: AsyncSession, *, key: str, run_at: datetime) -> bool:
    """Make the pending job under `key` due at `run_at` if it was due later; True when it moved."""
    result = await session.execute(
        update(Job).where(Job.key == key, Job.status == JobStatus.PENDING, Job.run_at > run_at).values(run_at=run_at)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
