"""The aiohttp application factory: shared state under typed keys, database lifetime, core routes, plugins."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.http import keys, routes
from bot.metrics import Metrics
from storage.clock import Clock, SystemClock
from storage.db import create_engine, create_sessionmaker, sqlite_path
from storage.migrations import upgrade_engine

__all__ = ["Plugin", "create_app"]

#: Something that adds routes, senders or background tasks to the app before it starts: `plugin(app)`.
Plugin = Callable[[web.Application], None]

_log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    plugins: Sequence[Plugin] = (),
) -> web.Application:
    """The service's web application, not yet started.

    Without `sessionmaker`, the app owns a database engine for `settings.database_url`: it migrates the
    database to head on startup and disposes the engine on shutdown. With one, the caller owns the engine
    and its schema (tests use this). Plugins run in order after the core routes; `/` gets a placeholder
    page only when no plugin registered it.
    """
    app = web.Application()
    app[keys.SETTINGS] = settings
    app[keys.CLOCK] = clock or SystemClock()
    app[keys.METRICS] = Metrics()
    app[keys.SENDERS] = {}
    if sessionmaker is None:
        engine = create_engine(settings.database_url)
        app[keys.ENGINE] = engine
        app[keys.SESSIONMAKER] = create_sessionmaker(engine)
        app.cleanup_ctx.append(_owned_database)
    else:
        engine = sessionmaker.kw.get("bind")
        if engine is None:
            raise ValueError("create_app needs a sessionmaker bound to an engine (async_sessionmaker(engine))")
        app[keys.ENGINE] = engine
        app[keys.SESSIONMAKER] = sessionmaker
    routes.add_core_routes(app)
    for plugin in plugins:
        plugin(app)
    if not has_route(app, "/"):
        routes.add_placeholder_index(app)
    return app


def has_route(app: web.Application, path: str) -> bool:
    """True when some resource of the app's router serves exactly `path`."""
    return any(resource.canonical == path for resource in app.router.resources())


async def _owned_database(app: web.Application) -> AsyncIterator[None]:
    engine = app[keys.ENGINE]
    where = sqlite_path(app[keys.SETTINGS].database_url) or engine.url.render_as_string(hide_password=True)
    _log.info("database %s: migrating to the newest schema", where)
    try:
        await upgrade_engine(engine)
        yield
    finally:
        await engine.dispose()
