"""Core routes: liveness, readiness (database reachable and migrated), Prometheus metrics, a placeholder `/`."""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Final

from aiohttp import web
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.http import keys
from bot.metrics import CONTENT_TYPE
from storage.migrations import alembic_config

__all__ = ["add_core_routes", "add_placeholder_index", "schema_problem"]

#: How long /readyz waits for the database before calling it unreachable, in seconds.
READINESS_TIMEOUT: Final = 5.0


def add_core_routes(app: web.Application) -> None:
    """`GET /healthz`, `GET /readyz`, `GET /metrics`."""
    app.router.add_get("/healthz", healthz, name="healthz")
    app.router.add_get("/readyz", readyz, name="readyz")
    app.router.add_get("/metrics", metrics, name="metrics")


def add_placeholder_index(app: web.Application) -> None:
    """`GET /`: a small page until the web chat registers its own `/`."""
    app.router.add_get("/", placeholder_index, name="index")


async def healthz(request: web.Request) -> web.Response:
    """The process is alive and its event loop answers."""
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """200 when the database answers and is at the newest schema, else 503 with the reason."""
    problem = await schema_problem(request.app[keys.SESSIONMAKER])
    if problem:
        return web.json_response({"status": "unavailable", "reason": problem}, status=503)
    return web.json_response({"status": "ready"})


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text; gauges (tickets by status, outbox backlog) are read from the database now."""
    registry = request.app[keys.METRICS]
    await registry.refresh(request.app[keys.SESSIONMAKER])
    return web.Response(body=registry.render(), headers={"Content-Type": CONTENT_TYPE})


async def placeholder_index(request: web.Request) -> web.Response:
    """A plain page saying the service runs and the web chat is still to come."""
    return web.Response(text=_PLACEHOLDER, content_type="text/html", charset="utf-8")


async def schema_problem(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    """Why the database is not ready (unreachable, or not at the newest migration), or None when it is."""
    try:
        async with asyncio.timeout(READINESS_TIMEOUT), sessions() as session:
            connection = await session.connection()
            current = await connection.run_sync(_current_revisions)
    except (SQLAlchemyError, OSError, TimeoutError) as error:
        return f"database unreachable: {type(error).__name__}: {error}".splitlines()[0]
    heads = _heads()
    if current != heads:
        shown = ", ".join(sorted(current)) or "no schema"
        return f"database schema is at {shown}, expected {', '.join(sorted(heads))}: run `wuye db upgrade`"
    return None


def _current_revisions(connection: Connection) -> frozenset[str]:
    """What Alembic recorded in the database (read directly: MigrationContext logs on every probe)."""
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


@cache
def _heads() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


_PLACEHOLDER: Final = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>wuye-desk</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>wuye-desk 物业客服机器人</h1>
<p>服务已启动。网页聊天即将上线。 / The service is running; the web chat is coming.</p>
<ul><li><a href="/healthz">/healthz</a> — alive</li><li><a href="/readyz">/readyz</a> — database ready</li>
<li><a href="/metrics">/metrics</a> — Prometheus metrics</li></ul>
</body></html>
"""
