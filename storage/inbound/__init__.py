"""The inbound message log with a unique dedupe key per channel."""

from storage.inbound.models import InboundMessage
from storage.inbound.service import mark_processed, record_inbound, unprocessed

__all__ = ["InboundMessage", "mark_processed", "record_inbound", "unprocessed"]
