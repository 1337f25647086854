"""The photos an outgoing message shows, for every channel's sender: its `attachment_ids`, or for a new ticket's card,
the ticket's photos."""

from __future__ import annotations

from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.attachments.models import Attachment
from storage.attachments.store import FileStore
from storage.outbox import OutboxMessage

#: Outbox kinds that are a ticket's first card (the card shows the resident's photos above it).
CARD_KINDS: Final = frozenset({"ticket_card", "complaint_owner", "critical_alert"})
#: The most photos shown with one message.
MAX_PHOTOS: Final = 10


class PhotoSource:
    """Reads photo bytes for outgoing messages (read-only: the sender never writes the database)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], files: FileStore) -> None:
        self._sessions = sessions
        self._files = files

    async def photos_for(self, message: OutboxMessage) -> list[bytes]:
        """The bytes of the photos to show before the message's text, oldest first."""
        payload = message.payload if isinstance(message.payload, dict) else {}
        ids = [int(i) for i in payload.get("attachment_ids") or []]
        ticket_id = payload.get("ticket_id") or message.ticket_id
        if not ids and not (message.kind in CARD_KINDS and ticket_id and not payload.get("edit_of")):
            return []
        query = select(Attachment).where(Attachment.kind == "photo").order_by(Attachment.id).limit(MAX_PHOTOS)
        query = query.where(Attachment.id.in_(ids)) if ids else query.where(Attachment.ticket_id == int(ticket_id))
        async with self._sessions() as session:
            rows = list(await session.scalars(query))
        return [self._files.get(row.sha256) for row in rows if self._files.exists(row.sha256)]
