"""What a channel sender raises when a message cannot be delivered now, or ever."""

from __future__ import annotations


class DeliveryError(Exception):
    """Base class of the sender outcomes the outbox worker understands."""


class RetryLater(DeliveryError):
    """Not delivered now; try again after at least `seconds` (flood limit, channel down, network error).

    `counted=False` says the message is not at fault (a flood limit, the channel is down): the try does
    not count towards the message's `max_attempts`, so a long outage never kills a message.
    """

    def __init__(self, seconds: float = 0.0, reason: str = "", *, counted: bool = True) -> None:
        super().__init__(reason or f"retry after {seconds:g} s")
        self.seconds = max(0.0, float(seconds))
        self.reason = reason
        self.counted = counted


class ChannelUnavailable(RetryLater):
    """The channel itself is unreachable (connection refused, 5xx): pause the whole channel for `seconds`.

    The message is given back uncounted, and the worker claims nothing of this channel until the pause
    ends, then tries again; so after an outage everything goes out, in order, within one pause.
    """

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(seconds, reason, counted=False)


class PermanentFailure(DeliveryError):
    """This message can never be delivered (the user blocked the bot, the chat is gone, the payload is invalid)."""
