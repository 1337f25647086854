"""The outbox: notifications stored with the change that caused them and delivered with retries."""

from storage.outbox.models import OutboxMessage
from storage.outbox.service import (
    OutboxStatus,
    backoff,
    claim_batch,
    enqueue,
    mark_failed,
    mark_sent,
    pending_count,
    sent_refs,
)

__all__ = [
    "OutboxMessage",
    "OutboxStatus",
    "backoff",
    "claim_batch",
    "enqueue",
    "mark_failed",
    "mark_sent",
    "pending_count",
    "sent_refs",
]
