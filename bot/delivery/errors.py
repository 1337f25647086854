"""What a channel sender raises when a message cannot be delivered now, or ever."""

from __future__ import annotations


class DeliveryError(Exception):
    """Base class of the sender outcomes the outbox worker understands."""


class RetryLater(DeliveryError):
    """Not delivered now; try again after at least `seconds` (flood limit, channel down, network error)."""

    def __init__(self, seconds: float = 0.0, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds:g} s")
        self.seconds = max(0.0, float(seconds))
        self.reason = reason


class PermanentFailure(DeliveryError):
    """This message can never be delivered (the user blocked the bot, the chat is gone, the payload is invalid)."""
