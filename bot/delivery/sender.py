"""The seam between the outbox and a channel: one `ChannelSender` per channel."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from storage.outbox import OutboxMessage


@runtime_checkable
class ChannelSender(Protocol):
    """Delivers outbox messages on one channel (`telegram`, `wecom`, `webchat`).

    `send` returns when the channel accepted the message. It raises `RetryLater(seconds)` for a temporary
    failure and `PermanentFailure` when retrying cannot help; any other exception counts as temporary.
    It must not touch the database: the worker records the outcome.
    """

    channel: str

    async def send(self, message: OutboxMessage) -> None:
        """Deliver `message.payload` to `message.recipient`."""
        ...
