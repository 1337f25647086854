"""Outbox delivery: the `ChannelSender` seam, its outcomes, and the worker that drains the outbox."""

from bot.delivery.errors import ChannelUnavailable, DeliveryError, PermanentFailure, RetryLater
from bot.delivery.sender import ChannelSender
from bot.delivery.worker import OutboxWorker

__all__ = ["ChannelSender", "ChannelUnavailable", "DeliveryError", "OutboxWorker", "PermanentFailure", "RetryLater"]
