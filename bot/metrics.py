"""Prometheus metrics of one running service, in their own registry so two apps (or two tests) never collide."""

from __future__ import annotations

import logging

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.outbox import pending_count
from storage.tickets import Status, Ticket
from storage.vocabulary import CHAT_CHANNELS

__all__ = ["CONTENT_TYPE", "Metrics"]

#: The Content-Type of `Metrics.render()` output (Prometheus text format 0.0.4).
CONTENT_TYPE = CONTENT_TYPE_LATEST

_log = logging.getLogger(__name__)


class Metrics:
    """Counters the code increments as things happen, and gauges read from the database at scrape time.

    Usage: `metrics.messages_in.labels("telegram").inc()`;
    `with metrics.handler_seconds.labels("webchat").time(): ...`.
    """

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.messages_in = Counter(
            "wuye_messages_in", "Messages received from residents and staff", ["channel"], registry=self.registry
        )
        self.messages_out = Counter(
            "wuye_messages_out", "Messages delivered by the outbox worker", ["channel"], registry=self.registry
        )
        self.send_failures = Counter(
            "wuye_send_failures",
            "Outbox deliveries that failed (retried later, or given up when final)",
            ["channel", "final"],
            registry=self.registry,
        )
        self.deadline_breaches = Counter(
            "wuye_deadline_breaches",
            "Ticket deadlines found missed (respond, arrive, resolve)",
            ["deadline"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "wuye_handler_seconds",
            "Time to handle one incoming message, by channel",
            ["channel"],
            registry=self.registry,
        )
        self.tickets = Gauge(
            "wuye_tickets", "Tickets by status (read at scrape time)", ["status"], registry=self.registry
        )
        self.outbox_backlog = Gauge(
            "wuye_outbox_backlog",
            "Outbox messages not yet sent and not dead (read at scrape time)",
            registry=self.registry,
        )
        self.database_up = Gauge(
            "wuye_database_up", "1 when the last scrape could read the database, else 0", registry=self.registry
        )
        for channel in sorted(CHAT_CHANNELS):  # zero series from the start, so rates and alerts work at once
            self.messages_in.labels(channel)
            self.messages_out.labels(channel)

    async def refresh(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Read the gauges from the database; on a database error, set wuye_database_up to 0 and keep the rest."""
        try:
            async with sessions() as session:
                rows = (await session.execute(select(Ticket.status, func.count()).group_by(Ticket.status))).all()
                backlog = await pending_count(session)
        except (SQLAlchemyError, OSError) as error:
            _log.warning("metrics: database not readable: %s", error)
            self.database_up.set(0)
            return
        counts = {status.value: 0 for status in Status} | {str(status): int(count) for status, count in rows}
        for status, count in counts.items():
            self.tickets.labels(status).set(count)
        self.outbox_backlog.set(backlog)
        self.database_up.set(1)

    def render(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)
