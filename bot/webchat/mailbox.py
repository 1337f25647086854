"""Each web chat session's mailbox: replies read from the outbox, plus in-memory wake-ups for long polls."""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.outbox import OutboxMessage, OutboxStatus

__all__ = ["CHANNEL", "Delivered", "Mailbox", "read_replies"]

#: The channel name of the web chat in `Incoming`, the outbox and the metrics.
CHANNEL: Final = "webchat"
#: Replies a browser may see: queued, being delivered, or delivered (not the dead ones).
VISIBLE_STATUSES: Final = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value, OutboxStatus.SENT.value)
#: Delivered replies kept in memory per session (the outbox keeps all of them).
KEEP_PER_SESSION: Final = 50
#: Sessions kept in memory at most; the least recently active ones are forgotten first.
KEEP_SESSIONS: Final = 10_000


@dataclass(frozen=True)
class Delivered:
    """One reply the sender handed to a session: its outbox id and payload (`Outgoing.to_dict()`)."""

    outbox_id: int
    payload: dict[str, Any]


class Mailbox:
    """In-memory side of the web chat: recently delivered replies per session and the long-poll wake-ups.

    Bounded: KEEP_PER_SESSION replies for each of at most KEEP_SESSIONS sessions. The outbox table is the
    durable mailbox; this only makes waiting browsers answer at once and survives nothing.
    """

    def __init__(self, *, keep_per_session: int = KEEP_PER_SESSION, keep_sessions: int = KEEP_SESSIONS) -> None:
        self._keep_per_session = keep_per_session
        self._keep_sessions = keep_sessions
        self._delivered: OrderedDict[str, deque[Delivered]] = OrderedDict()
        self._events: OrderedDict[str, asyncio.Event] = OrderedDict()
        self.closing = False

    def deliver(self, session_id: str, outbox_id: int, payload: dict[str, Any]) -> None:
        """Keep a delivered reply for `session_id` and wake whoever waits for it."""
        box = self._delivered.pop(session_id, None) or deque(maxlen=self._keep_per_session)
        box.append(Delivered(outbox_id, payload))
        self._delivered[session_id] = box
        while len(self._delivered) > self._keep_sessions:
            self._delivered.popitem(last=False)
        self.notify(session_id)

    def delivered(self, session_id: str) -> list[Delivered]:
        """The replies recently delivered to `session_id`, oldest first."""
        return list(self._delivered.get(session_id, ()))

    def waiter(self, session_id: str) -> asyncio.Event:
        """An event set at the next `notify(session_id)`; take it *before* reading the outbox, then wait on it."""
        event = self._events.pop(session_id, None) or asyncio.Event()
        self._events[session_id] = event
        while len(self._events) > self._keep_sessions:  # an evicted waiter just times out and polls again
            self._events.popitem(last=False)
        if self.closing:
            event.set()
        return event

    def notify(self, session_id: str) -> None:
        """Wake every long poll of `session_id` (new replies may be readable)."""
        event = self._events.pop(session_id, None)
        if event is not None:
            event.set()

    def close(self) -> None:
        """Wake every long poll now and answer later ones at once (the service is stopping)."""
        self.closing = True
        for event in self._events.values():
            event.set()
        self._events.clear()


async def read_replies(session: AsyncSession, *, session_id: str, after: int, limit: int = 100) -> list[OutboxMessage]:
    """The web chat replies to `session_id` with outbox id > `after`, oldest first, at most `limit`."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.recipient == session_id,
            OutboxMessage.id > after,
            OutboxMessage.status.in_(VISIBLE_STATUSES),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(await session.scalars(query))
