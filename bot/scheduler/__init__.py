"""The durable scheduler: deadline reminders and escalation, critical re-alerts, callbacks, spot-checks.

Jobs live in the job table (storage.jobs); `install_scheduler(app)` runs a `Scheduler` as a background
task of the service; tests call `Scheduler.run_once(now)` with a frozen clock.
"""

from __future__ import annotations

import os
import socket
import uuid
from typing import Final

from aiohttp import web

from bot.http import add_background_task, keys
from bot.scheduler.context import JobContext, Rearm
from bot.scheduler.runner import Scheduler

__all__ = ["SCHEDULER", "JobContext", "Rearm", "Scheduler", "install_scheduler"]

#: The running scheduler of an app: `app[SCHEDULER].run_once()`.
SCHEDULER: Final = web.AppKey("wuye_scheduler", Scheduler)
#: Seconds the scheduler gets to finish the job it is running when the service stops.
STOP_TIMEOUT: Final = 15.0


def install_scheduler(app: web.Application, *, idle_seconds: float = 5.0) -> None:
    """Plugin: run the scheduler over the app's database and clock for as long as the app runs."""
    name = f"{socket.gethostname()}:{os.getpid()}:scheduler:{uuid.uuid4().hex[:6]}"
    scheduler = Scheduler(app[keys.SESSIONMAKER], app[keys.CLOCK], name)
    app[SCHEDULER] = scheduler
    add_background_task(
        app, "scheduler", lambda stop: scheduler.run_forever(stop, idle_seconds), stop_timeout=STOP_TIMEOUT
    )
