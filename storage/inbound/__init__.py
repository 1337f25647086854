"""The inbound message log with a unique dedupe key per channel."""

from storage.inbound.models import InboundMessage
from storage.inbound.service import (
    hold_inbound,
    mark_processed,
    pending_messages,
    record_inbound,
    release,
    start_attempt,
    unprocessed,
)

__all__ = [
    "InboundMessage",
    "hold_inbound",
    "mark_processed",
    "pending_messages",
    "record_inbound",
    "release",
    "start_attempt",
    "unprocessed",
]
