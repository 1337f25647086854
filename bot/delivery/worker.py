"""The outbox worker: claims due messages, hands each to its channel's sender, records sent or failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping
from contextlib import suppress
from typing import Final

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.claims import claim_sendable, defer_claim, record_failure, release_claims
from bot.delivery.errors import ChannelUnavailable, PermanentFailure, RetryLater
from bot.delivery.sender import ChannelSender
from bot.metrics import Metrics
from storage.clock import Clock
from storage.errors import StorageError
from storage.outbox import OutboxMessage, OutboxStatus, mark_sent, sent_refs

__all__ = ["OutboxWorker"]

#: How long the worker waits after a database error before it tries again, in seconds.
ERROR_PAUSE_SECONDS: Final = 5.0
#: How many messages `run_forever` has in flight at once (each to a different recipient).
DEFAULT_CONCURRENCY: Final = 32

_log = logging.getLogger(__name__)


class OutboxWorker:
    """Drains the outbox through the channel senders; any number of workers may run against one database.

    Only channels in `senders` are claimed: messages for other channels stay pending until a sender for
    them exists. A recipient's messages go out one at a time in the order they were written.
    `run_forever` keeps up to `concurrency` messages in flight, each to a different recipient, so one
    slow chat (a group's flood limit) never holds up the others; a channel that is down is paused.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        senders: Mapping[str, ChannelSender],
        clock: Clock,
        worker_name: str,
        *,
        batch_size: int = 20,
        metrics: Metrics | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self._sessions = sessionmaker
        self._senders = senders
        self._clock = clock
        self.worker_name = worker_name
        self._batch_size = batch_size
        self._metrics = metrics
        self._concurrency = max(1, concurrency)
        self._wake = asyncio.Event()
        self._paused_until: dict[str, float] = {}  # channel → loop time its outage pause ends

    def wake(self) -> None:
        """Look at the outbox now instead of after the idle pause (call after committing new messages)."""
        self._wake.set()

    async def run_once(self, stop: asyncio.Event | None = None) -> int:
        """Claim one batch and deliver it; returns how many messages were tried.

        When `stop` is set mid-batch, the message being sent is finished and the rest are given back.
        """
        batch = await self._claim(self._batch_size)
        for index, message in enumerate(batch):
            if stop is not None and stop.is_set():
                await self._give_back(batch[index:])
                return index
            await self._deliver(message)
        return len(batch)

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until `stop` is set; pause `idle_seconds` when there is nothing to do (or until `wake()`).

        Up to `concurrency` deliveries run at once; whenever one ends, the recipient's next message may be
        due, so the worker looks again. On stop, the deliveries in flight are finished.
        """
        _log.info("outbox worker %s started for channels: %s", self.worker_name, ", ".join(self._senders) or "none")
        in_flight: set[asyncio.Task[None]] = set()
        sending: set[int] = set()
        while not stop.is_set():
            pause = min(idle_seconds, self._time_to_unpause())
            free = self._concurrency - len(in_flight)
            wanted = min(free, self._batch_size)
            batch: list[OutboxMessage] = []
            if wanted > 0:
                self._wake.clear()
                try:
                    batch = await self._claim(wanted)
                except (SQLAlchemyError, OSError) as error:
                    _log.warning("outbox worker %s: database error, pausing: %s", self.worker_name, error)
                    pause = ERROR_PAUSE_SECONDS
            for message in batch:
                if message.id in sending:  # our own lease ran out mid-send: the send in flight records it
                    continue
                task = asyncio.create_task(self._deliver_logged(message), name=f"outbox {message.id}")
                in_flight.add(task)
                sending.add(message.id)
                task.add_done_callback(
                    lambda done, message_id=message.id: (in_flight.discard(done), sending.discard(message_id))
                )
            if batch and len(batch) == wanted and len(in_flight) < self._concurrency:
                continue  # the batch was full: more may be due right now
            await self._pause(stop, pause, in_flight)
        if in_flight:
            await asyncio.gather(*in_flight, return_exceptions=True)
        _log.info("outbox worker %s stopped", self.worker_name)

    async def _claim(self, limit: int) -> list[OutboxMessage]:
        """Claim up to `limit` sendable messages of the channels that have a sender and are not paused."""
        now_loop = asyncio.get_running_loop().time()
        channels = sorted(c for c in self._senders if self._paused_until.get(c, 0.0) <= now_loop)
        if not channels:  # nothing could be sent: do not take the write lock for an empty claim
            return []
        async with self._sessions() as session, session.begin():
            batch = await claim_sendable(
                session, worker=self.worker_name, now=self._clock.now(), channels=channels, limit=limit
            )
            await _resolve_edits(session, batch)
        return batch

    def _time_to_unpause(self) -> float:
        """Seconds until the next paused channel may be tried again (infinity when none is paused)."""
        now_loop = asyncio.get_running_loop().time()
        waits = [until - now_loop for until in self._paused_until.values() if until > now_loop]
        return max(0.0, min(waits)) if waits else float("inf")

    async def _pause(self, stop: asyncio.Event, seconds: float, in_flight: Collection[asyncio.Task[None]] = ()) -> None:
        """Wait until stop, `wake()`, one of `in_flight` ends, or `seconds` passed."""
        if self._wake.is_set():
            self._wake.clear()
            return
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait([*waiters, *in_flight], timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
                with suppress(asyncio.CancelledError):
                    await waiter

    async def _deliver_logged(self, message: OutboxMessage) -> None:
        try:
            await self._deliver(message)
        except (SQLAlchemyError, OSError) as error:  # the claim's lease runs out and the message is retried
            _log.warning("outbox %s: outcome not recorded (database error): %s", message.id, error)

    async def _deliver(self, message: OutboxMessage) -> None:
        sender = self._senders.get(message.channel)
        if sender is None:  # the sender went away after the claim
            await self._give_back([message])
            return
        retry_after, final, error, ref = 0.0, False, "", None
        try:
            ref = await sender.send(message)
        except RetryLater as failure:
            if isinstance(failure, ChannelUnavailable):
                until = asyncio.get_running_loop().time() + failure.seconds
                self._paused_until[message.channel] = max(self._paused_until.get(message.channel, 0.0), until)
            if not failure.counted:
                await self._defer(message, failure)
                return
            retry_after, error = failure.seconds, str(failure)
        except PermanentFailure as failure:
            final, error = True, str(failure) or type(failure).__name__
        except Exception as failure:  # a sender bug or an unexpected network error: retry with backoff
            _log.exception("outbox %s: %s sender raised", message.id, message.channel)
            error = f"{type(failure).__name__}: {failure}"
        await self._record(message, error=error, retry_after=retry_after, final=final, ref=ref)

    async def _record(
        self, message: OutboxMessage, *, error: str, retry_after: float, final: bool, ref: str | None = None
    ) -> None:
        now = self._clock.now()
        try:
            async with self._sessions() as session, session.begin():
                if not error:
                    await mark_sent(
                        session,
                        message_id=message.id,
                        worker=self.worker_name,
                        now=now,
                        external_ref=ref if isinstance(ref, str) else None,
                    )
                else:
                    stored = await record_failure(
                        session,
                        message_id=message.id,
                        worker=self.worker_name,
                        error=error,
                        now=now,
                        retry_after=retry_after,
                        final=final,
                    )
                    final = stored.status == OutboxStatus.DEAD
        except StorageError as conflict:  # our lease ran out and another worker took the message over
            _log.warning("outbox %s: outcome not recorded: %s", message.id, conflict)
            return
        if error:
            outcome = "gave up" if final else "will retry"
            _log.info(
                "outbox %s to %s:%s failed, %s: %s", message.id, message.channel, message.recipient, outcome, error
            )
        if self._metrics is not None:
            if not error:
                self._metrics.messages_out.labels(message.channel).inc()
            else:
                self._metrics.send_failures.labels(message.channel, str(final).lower()).inc()

    async def _defer(self, message: OutboxMessage, failure: RetryLater) -> None:
        """Give the message back for `failure.seconds` without counting the try (flood limit, outage)."""
        async with self._sessions() as session, session.begin():
            held = await defer_claim(
                session,
                message_id=message.id,
                worker=self.worker_name,
                now=self._clock.now(),
                seconds=failure.seconds,
                error=str(failure),
            )
        _log.info("outbox %s to %s:%s deferred: %s", message.id, message.channel, message.recipient, failure)
        if held and self._metrics is not None:
            self._metrics.send_failures.labels(message.channel, "false").inc()

    async def _give_back(self, messages: list[OutboxMessage]) -> None:
        async with self._sessions() as session, session.begin():
            await release_claims(session, message_ids=[m.id for m in messages], worker=self.worker_name)


async def _resolve_edits(session: AsyncSession, batch: list[OutboxMessage]) -> None:
    """Fill `payload["edit_ref"]` of each edit (`payload["edit_of"]`) with the channel id of the edited message.

    The payload is replaced in memory only (the session's flush already happened in the claim), so the
    stored row keeps `edit_of` and a retry resolves it again.
    """
    keys = {m.payload["edit_of"] for m in batch if isinstance(m.payload, dict) and m.payload.get("edit_of")}
    if not keys:
        return
    refs = await sent_refs(session, keys)
    for message in batch:
        key = message.payload.get("edit_of") if isinstance(message.payload, dict) else None
        if key:
            session.expunge(message)
            message.payload = {**message.payload, "edit_ref": refs.get(key)}
