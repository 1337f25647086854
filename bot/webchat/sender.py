"""The web chat's `ChannelSender`: hands outbox messages to the session's mailbox, where the browser polls."""

from __future__ import annotations

from bot.delivery import PermanentFailure
from bot.webchat.mailbox import CHANNEL, Mailbox
from storage.outbox import OutboxMessage

__all__ = ["WebchatSender"]


class WebchatSender:
    """Delivers web chat replies: the outbox row is already the browser's durable mailbox, so sending means
    "wake the browser" and letting the worker mark the row sent. Never touches the database."""

    channel = CHANNEL

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def send(self, message: OutboxMessage) -> None:
        """Put `message` in its session's mailbox; raises PermanentFailure for a payload a browser cannot show."""
        if not isinstance(message.payload, dict) or not isinstance(message.payload.get("text"), str):
            raise PermanentFailure(f"outbox {message.id}: web chat payload has no text")
        self.mailbox.deliver(message.recipient, message.id, message.payload)
