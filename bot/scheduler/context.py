"""What a job handler gets (`JobContext`) and may return (`Rearm`): the handler contract of the scheduler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.wording import Wording
from storage.jobs.service import schedule_job


def next_local_time(at: time, zone: tzinfo, after: datetime) -> datetime:
    """The first `at` o'clock in `zone` strictly after `after` (for daily jobs), in `after`'s time zone."""
    local = after.astimezone(zone)
    run = datetime.combine(local.date(), at, zone)
    if run <= local:
        run = datetime.combine(local.date() + timedelta(days=1), at, zone)
    return run.astimezone(after.tzinfo)


@dataclass(frozen=True)
class Rearm:
    """Returned by a handler: run this same job again at `run_at` (optionally with a new payload)."""

    run_at: datetime
    payload: dict[str, Any] | None = None


@dataclass
class JobContext:
    """One claimed job: its row's values, the transaction it runs in, the pass's time and the wording."""

    session: AsyncSession
    now: datetime
    wording: Wording
    job_id: int
    kind: str
    key: str | None
    payload: dict[str, Any]
    watch_every: timedelta

    async def follow_up(self, kind: str, key: str, run_at: datetime, payload: dict[str, Any]) -> None:
        """Schedule another job in this transaction (a key already taken is left alone)."""
        await schedule_job(self.session, kind=kind, key=key, run_at=run_at, now=self.now, payload=payload)


#: A job handler: does its work in `ctx.session`; returns None (done) or Rearm (run again later).
Handler = Callable[[JobContext], Awaitable[Rearm | None]]
