"""`wuye run`: the app with its plugins, the demo seed, the outbox worker, the HTTP server and a clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import suppress
from typing import Final, TextIO

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.asr import install as install_asr
from bot.config import Settings
from bot.console import install as install_console
from bot.delivery import OutboxWorker
from bot.demo import DEMO_LOGINS_FILE, demo_logins, seed_demo_if_empty, write_demo_logins
from bot.http import Plugin, add_background_task, create_app, keys
from bot.scheduler import install_scheduler
from bot.telegram import install as install_telegram
from bot.webchat import install as install_webchat
from bot.wecom import install as install_wecom
from storage.clock import Clock

__all__ = ["StartError", "build_app", "channel_plugins", "install_outbox_worker", "run_service", "seed_demo", "serve"]

#: Seconds in-flight requests get to finish after a stop signal, before connections are closed.
SHUTDOWN_TIMEOUT: Final = 10.0
#: Seconds the outbox worker gets to finish the message it is sending when the service stops.
WORKER_STOP_TIMEOUT: Final = 15.0

_log = logging.getLogger(__name__)


class StartError(RuntimeError):
    """The service could not start; `hint` says what to check."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def channel_plugins(settings: Settings) -> list[Plugin]:
    """The plugins of the channels and consoles that `wuye run` starts.

    Each channel adds itself here, usually only when `settings` turn it on, e.g.
    `if settings.telegram_token: plugins.append(telegram.install)`. A plugin may register routes
    (the web chat registers `/`), put a sender in `app[keys.SENDERS]` and add background tasks.
    """
    plugins: list[Plugin] = [install_webchat, install_console]
    if settings.telegram_token:
        plugins.append(install_telegram)
    if settings.wecom_corp_id:
        plugins.append(install_wecom)
    return plugins


def build_app(
    settings: Settings, *, clock: Clock | None = None, plugins: Sequence[Plugin] | None = None
) -> web.Application:
    """The full service app: demo seed first, then the channel plugins, the outbox worker and the scheduler."""
    chosen = channel_plugins(settings) if plugins is None else list(plugins)
    return create_app(
        settings, clock=clock, plugins=[seed_demo, install_asr, *chosen, install_outbox_worker, install_scheduler]
    )


def seed_demo(app: web.Application) -> None:
    """Plugin: when `settings.demo` is on and the database has no community, create the demo one on startup."""
    if not app[keys.SETTINGS].demo:
        return

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        settings = app[keys.SETTINGS]
        async with app[keys.SESSIONMAKER]() as session, session.begin():
            community = await seed_demo_if_empty(session, now=app[keys.CLOCK].now())
            logins = await demo_logins(session, community, now=app[keys.CLOCK].now()) if community else []
        if community is not None:
            _log.info(
                "created the demo community %s (code %s); WUYE_DEMO=false turns this off",
                community.name,
                community.code,
            )
        if logins:
            path = write_demo_logins(settings.data_dir, logins, console_url=f"{settings.public_url}console/")
            _log.info("demo console accounts written to %s", path)
        yield

    app.cleanup_ctx.append(lifetime)


def install_outbox_worker(app: web.Application, *, idle_seconds: float = 1.0) -> None:
    """Plugin: run an outbox worker over `app[keys.SENDERS]` for as long as the app runs."""
    worker = OutboxWorker(
        app[keys.SESSIONMAKER],
        app[keys.SENDERS],
        app[keys.CLOCK],
        f"{socket.gethostname()}:{os.getpid()}",
        metrics=app[keys.METRICS],
    )
    app[keys.OUTBOX_WORKER] = worker
    add_background_task(
        app, "outbox worker", lambda stop: worker.run_forever(stop, idle_seconds), stop_timeout=WORKER_STOP_TIMEOUT
    )


async def serve(settings: Settings, stop: asyncio.Event, *, out: TextIO = sys.stdout) -> None:
    """Start the service, say where it is, run until `stop` is set, then shut down in order.

    Shutdown: stop accepting connections, let in-flight requests finish (SHUTDOWN_TIMEOUT), stop the
    background tasks (the outbox worker finishes its message), dispose of the database engine.
    Raises StartError when the database cannot be opened or the port is taken.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    runner = web.AppRunner(build_app(settings), shutdown_timeout=SHUTDOWN_TIMEOUT)
    try:
        await runner.setup()
    except (SQLAlchemyError, OSError) as error:
        await runner.cleanup()
        raise StartError(
            f"cannot open the database: {error}".splitlines()[0],
            "check WUYE_DATABASE_URL (`wuye config check`) and that the database server is up",
        ) from error
    try:
        try:
            await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        except OSError as error:
            raise StartError(
                f"cannot listen on {settings.http_host}:{settings.http_port}: {error.strerror or error}",
                "another program may use this port; set WUYE_HTTP_PORT to a free one",
            ) from error
        print(f"wuye-desk is running: open {settings.public_url}", file=out)
        print(f"  staff console: {settings.public_url}console/", file=out)
        if settings.demo and (settings.data_dir / DEMO_LOGINS_FILE).exists():
            print(f"  demo console logins: {settings.data_dir / DEMO_LOGINS_FILE}", file=out)
        for channel in settings.channels():
            print(f"  {channel}", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        await stop.wait()
        print("wuye-desk is stopping…", file=out, flush=True)
    finally:
        await runner.cleanup()


def run_service(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; returns the process exit code (0 after a clean stop)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):  # Windows: Ctrl-C still raises KeyboardInterrupt
                loop.add_signal_handler(signum, stop.set)
        await serve(settings, stop)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        return 0
    except StartError as error:
        print(f"error: {error}", file=sys.stderr)
        print(f"hint: {error.hint}", file=sys.stderr)
        return 1
    print("wuye-desk stopped.", flush=True)
    return 0
