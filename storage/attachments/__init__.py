"""Attachments: a content-addressed file store with types sniffed from the bytes and size limits."""

from storage.attachments.models import Attachment
from storage.attachments.service import LABELS, SIZE_LIMITS, add_attachment, attach_to_ticket, attachments_of
from storage.attachments.sniff import FileType, sniff
from storage.attachments.store import FileStore

__all__ = [
    "LABELS",
    "SIZE_LIMITS",
    "Attachment",
    "FileStore",
    "FileType",
    "add_attachment",
    "attach_to_ticket",
    "attachments_of",
    "sniff",
]
