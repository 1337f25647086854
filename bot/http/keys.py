"""Typed keys of the aiohttp application state, so any package can register routes and reach shared objects."""

from __future__ import annotations

from typing import Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.delivery.sender import ChannelSender
from bot.delivery.worker import OutboxWorker
from bot.metrics import Metrics
from storage.clock import Clock

__all__ = ["CLOCK", "ENGINE", "METRICS", "OUTBOX_WORKER", "SENDERS", "SESSIONMAKER", "SETTINGS"]

#: The validated settings the app was built with.
SETTINGS: Final = web.AppKey("wuye_settings", Settings)
#: The clock every handler and background task must use (never datetime.now()).
CLOCK: Final = web.AppKey("wuye_clock", Clock)
#: The database engine (created by create_app, or the bind of the sessionmaker passed in).
ENGINE: Final = web.AppKey("wuye_engine", AsyncEngine)
#: Session factory: `async with request.app[SESSIONMAKER]() as session, session.begin(): ...`.
SESSIONMAKER: Final = web.AppKey("wuye_sessionmaker", async_sessionmaker[AsyncSession])
#: This app's Prometheus metrics: `request.app[METRICS].messages_in.labels("telegram").inc()`.
METRICS: Final = web.AppKey("wuye_metrics", Metrics)
#: Channel senders by channel name; a channel plugin adds its own: `app[SENDERS]["telegram"] = sender`.
SENDERS: Final = web.AppKey("wuye_senders", dict[str, ChannelSender])
#: The running outbox worker, when the service started one: `app[OUTBOX_WORKER].wake()` after enqueueing replies.
OUTBOX_WORKER: Final = web.AppKey("wuye_outbox_worker", OutboxWorker)
