"""Background tasks that live as long as the app: started after startup, stopped gracefully on shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

__all__ = ["add_background_task"]

_log = logging.getLogger(__name__)


def add_background_task(
    app: web.Application,
    name: str,
    run: Callable[[asyncio.Event], Awaitable[None]],
    *,
    stop_timeout: float = 10.0,
) -> None:
    """Run `run(stop)` while the app is up (call before the app starts).

    On shutdown `stop` is set and the task gets `stop_timeout` seconds to finish what it is doing; after
    that it is cancelled. A task that crashes is logged, and the app keeps serving.
    """

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(run(stop), name=name)
        task.add_done_callback(lambda done: _log_crash(name, done))
        yield
        stop.set()
        if not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), stop_timeout)
            except TimeoutError:
                _log.warning("%s did not stop within %.0f s; cancelling it", name, stop_timeout)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            except Exception:  # already logged by the done callback
                pass

    app.cleanup_ctx.append(lifetime)


def _log_crash(name: str, task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        _log.error("background task %s crashed", name, exc_info=task.exception())
