"""The seam between the outbox and a channel: one `ChannelSender` per channel."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from storage.outbox import OutboxMessage


@runtime_checkable
class ChannelSender(Protocol):
    """Delivers outbox messages on one channel (`telegram`, `wecom`, `webchat`).

    `send` returns when the channel accepted the message, with the channel's id of it when the channel has
    one (it is stored, so a later message can edit this one). When the payload has `edit_of` (the dedupe key
    of an earlier message), the worker puts that message's id in `payload["edit_ref"]` before calling `send`;
    `edit_ref` is None when the earlier message was never delivered, and the sender then sends a new one.
    It raises `RetryLater(seconds)` for a temporary
    failure and `PermanentFailure` when retrying cannot help; any other exception counts as temporary.
    It must not touch the database: the worker records the outcome.
    """

    channel: str

    async def send(self, message: OutboxMessage) -> str | None:
        """Deliver `message.payload` to `message.recipient`; returns the channel's message id, if any."""
        ...
