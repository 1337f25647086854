"""The scheduler: claims due jobs from the job table and runs each kind's handler, one transaction per job.

A job's work (notices queued, events recorded, follow-up jobs) and its completion commit together, so
a crash before the commit leaves nothing behind and the job runs again once its lease expires; a worker
that lost its lease cannot complete the job (its transaction is rolled back). Any number of schedulers
may share one database: PostgreSQL claims with FOR UPDATE SKIP LOCKED, SQLite serialises claims.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler.context import Handler, JobContext, Rearm
from bot.scheduler.jobs import HANDLERS, monthly_report, online_digest, spot_check, watch
from dialogs.wording import Wording, default_wording
from storage.clock import Clock
from storage.communities.models import Community
from storage.communities.service import policy_for
from storage.errors import Conflict, NotFound
from storage.jobs.models import Job
from storage.jobs.recurring import bring_forward, ensure_recurring, rearm_job
from storage.jobs.service import claim_due_jobs, complete_job, fail_job

__all__ = ["Scheduler"]

#: How often the recurring jobs (watch, spot-checks of new communities) are made sure of.
BOOTSTRAP_EVERY: Final = timedelta(minutes=10)
#: Seconds to wait after a database error before trying again.
ERROR_PAUSE_SECONDS: Final = 5.0

#: Each community's recurring jobs (a module with KIND, key_for(community_id) and next_run(policy, after)).
COMMUNITY_JOBS: Final = (spot_check, monthly_report, online_digest)

_log = logging.getLogger(__name__)


class Scheduler:
    """Runs due jobs through `handlers` (default: every kind in bot.scheduler.jobs)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        worker_name: str,
        *,
        handlers: Mapping[str, Handler] | None = None,
        wording: Wording | None = None,
        batch_size: int = 50,
        max_jobs_per_pass: int = 2000,
        watch_every: timedelta = timedelta(seconds=15),
    ) -> None:
        self._sessions = sessionmaker
        self._clock = clock
        self.worker_name = worker_name
        self._handlers = dict(HANDLERS if handlers is None else handlers)
        self._wording = wording or default_wording()
        self._batch_size = batch_size
        self._max_jobs = max_jobs_per_pass
        self._watch_every = watch_every
        self._bootstrapped_at: datetime | None = None

    async def run_once(self, now: datetime | None = None) -> int:
        """One pass at `now` (default: the clock): run every job due by then; returns how many ran."""
        now = now or self._clock.now()
        if self._bootstrapped_at is None or now - self._bootstrapped_at >= BOOTSTRAP_EVERY:
            await self.bootstrap(now)
        ran = 0
        while ran < self._max_jobs:
            async with self._sessions() as session, session.begin():
                jobs = await claim_due_jobs(
                    session,
                    worker=self.worker_name,
                    now=now,
                    limit=min(self._batch_size, self._max_jobs - ran),
                    kinds=sorted(self._handlers),
                )
                claimed = [(job.id, job.kind, job.key, dict(job.payload or {})) for job in jobs]
            if not claimed:
                break
            for job_id, kind, key, payload in claimed:
                await self._run(job_id, kind, key, payload, now)
                ran += 1
        return ran

    async def bootstrap(self, now: datetime) -> None:
        """Make sure the recurring jobs exist: the ticket watch; each community's spot-check, monthly report and
        daily online complaint list."""
        async with self._sessions() as session, session.begin():
            if watch.KIND in self._handlers:
                await ensure_recurring(session, kind=watch.KIND, key=watch.KEY, run_at=now, now=now)
            daily = [job for job in COMMUNITY_JOBS if job.KIND in self._handlers]
            communities = await session.scalars(select(Community.id).order_by(Community.id)) if daily else []
            for community_id in communities:
                policy = await policy_for(session, community_id)
                for job in daily:
                    await ensure_recurring(
                        session,
                        kind=job.KIND,
                        key=job.key_for(community_id),
                        run_at=job.next_run(policy, now),
                        now=now,
                        payload={"community_id": community_id},
                    )
        self._bootstrapped_at = now

    async def watch_now(self, now: datetime | None = None) -> None:
        """Look at changed tickets in the next pass instead of after `watch_every` (e.g. right after a change)."""
        async with self._sessions() as session, session.begin():
            await bring_forward(session, key=watch.KEY, run_at=now or self._clock.now())

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 5.0) -> None:
        """Run passes until `stop` is set, pausing `idle_seconds` when nothing was due."""
        _log.info("scheduler %s started for %d job kinds", self.worker_name, len(self._handlers))
        while not stop.is_set():
            pause = idle_seconds
            try:
                if await self.run_once():
                    pause = 0.0
            except (SQLAlchemyError, OSError) as error:
                _log.warning("scheduler %s: database error, pausing: %s", self.worker_name, error)
                pause = ERROR_PAUSE_SECONDS
            if pause:
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
            else:
                await asyncio.sleep(0)
        _log.info("scheduler %s stopped", self.worker_name)

    async def _run(self, job_id: int, kind: str, key: str | None, payload: dict, now: datetime) -> None:
        try:
            async with self._sessions() as session, session.begin():
                ctx = JobContext(session, now, self._wording, job_id, kind, key, payload, self._watch_every)
                outcome = await self._handlers[kind](ctx)
                if isinstance(outcome, Rearm):
                    await rearm_job(
                        session,
                        job_id=job_id,
                        worker=self.worker_name,
                        run_at=outcome.run_at,
                        now=now,
                        payload=outcome.payload,
                    )
                else:
                    await complete_job(session, job_id=job_id, worker=self.worker_name, now=now)
        except Conflict as lost:  # the lease ran out and another worker took the job: its run counts
            _log.warning("job %s (%s): not completed: %s", job_id, kind, lost)
        except NotFound as gone:  # the ticket (or community) the job is about no longer exists
            _log.info("job %s (%s): nothing to do: %s", job_id, kind, gone)
            await self._finish(job_id, now, error=None)
        except Exception as error:
            _log.exception("job %s (%s) failed", job_id, kind)
            await self._finish(job_id, now, error=f"{type(error).__name__}: {error}")

    async def _finish(self, job_id: int, now: datetime, *, error: str | None) -> None:
        with suppress(Conflict):
            async with self._sessions() as session, session.begin():
                if error is None:
                    await complete_job(session, job_id=job_id, worker=self.worker_name, now=now)
                else:
                    await fail_job(session, job_id=job_id, worker=self.worker_name, error=error, now=now)


async def pending_jobs(session: AsyncSession, kind: str | None = None) -> list[Job]:
    """Pending jobs (of `kind`), soonest first: for the CLI and tests."""
    query = select(Job).where(Job.status == "pending")
    if kind is not None:
        query = query.where(Job.kind == kind)
    return list(await session.scalars(query.order_by(Job.run_at, Job.id)))
