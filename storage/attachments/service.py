"""Accept an uploaded photo, voice note or video: sniff it, check its size, store it, record it."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.attachments.models import Attachment
from storage.attachments.sniff import sniff
from storage.attachments.store import FileStore
from storage.errors import AttachmentRejected, NotFound
from storage.tickets.models import Ticket

#: Largest accepted file per kind, in bytes.
SIZE_LIMITS: Final = {"photo": 10 * 1024 * 1024, "voice": 5 * 1024 * 1024, "video": 50 * 1024 * 1024}
#: What a file is for: the scene at intake, before/after a repair (§3).
LABELS: Final = frozenset({"scene", "before", "after", "other"})


async def add_attachment(
    session: AsyncSession,
    store: FileStore,
    *,
    data: bytes,
    now: datetime,
    ticket_id: int | None = None,
    event_id: int | None = None,
    expected_kind: str | None = None,
    label: str | None = None,
    resident_id: int | None = None,
    staff_id: int | None = None,
    limits: dict[str, int] | None = None,
) -> Attachment:
    """Check and store the bytes and record the attachment; raises AttachmentRejected or NotFound.

    The type comes from the bytes; `expected_kind` rejects e.g. a video sent as a photo.
    """
    file_type = sniff(data)
    if file_type is None:
        raise AttachmentRejected("unknown file type: send a photo (JPEG/PNG/HEIC), voice note or video")
    if expected_kind is not None and file_type.kind != expected_kind:
        raise AttachmentRejected(f"expected a {expected_kind}, got {file_type.mime}")
    limit = (limits or SIZE_LIMITS)[file_type.kind]
    if len(data) > limit:
        raise AttachmentRejected(f"{file_type.kind} too large: {len(data)} bytes, limit {limit}")
    if label is not None and label not in LABELS:
        raise AttachmentRejected(f"unknown label {label!r}")
    if ticket_id is not None and await session.get(Ticket, ticket_id) is None:
        raise NotFound("ticket", ticket_id)
    digest = store.put(data)
    attachment = Attachment(
        sha256=digest,
        kind=file_type.kind,
        mime=file_type.mime,
        size=len(data),
        ticket_id=ticket_id,
        event_id=event_id,
        label=label,
        uploaded_by_resident_id=resident_id,
        uploaded_by_staff_id=staff_id,
        created_at=now,
    )
    session.add(attachment)
    await session.flush()
    return attachment


async def attachments_of(session: AsyncSession, ticket_id: int) -> list[Attachment]:
    """A ticket's attachments, oldest first."""
    query = select(Attachment).where(Attachment.ticket_id == ticket_id).order_by(Attachment.id)
    return list(await session.scalars(query))


async def attach_to_ticket(session: AsyncSession, *, attachment_ids: list[int], ticket_id: int) -> list[Attachment]:
    """Link files uploaded before the ticket existed (photos sent during intake) to the new ticket.

    Only files not yet linked to any ticket move; raises NotFound for an unknown ticket or file.
    """
    if await session.get(Ticket, ticket_id) is None:
        raise NotFound("ticket", ticket_id)
    linked = []
    for attachment_id in attachment_ids:
        attachment = await session.get(Attachment, attachment_id)
        if attachment is None:
            raise NotFound("attachment", attachment_id)
        if attachment.ticket_id is None:
            attachment.ticket_id = ticket_id
            attachment.label = attachment.label or "scene"
        linked.append(attachment)
    await session.flush()
    return linked
