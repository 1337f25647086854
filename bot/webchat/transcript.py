"""The whole conversation of one web chat session, as the page shows it after a reload.

Both sides come from what is stored: the resident's messages from the inbound log (`inbound_messages`: text,
button presses, photos, voice notes with their transcript) and the bot's replies from the outbox. A photo or voice
note is matched to the attachment the dialogs kept for it: the same resident, kind and moment (`received_at` and
`created_at` are the turn's `now`), in order. A button press shows the label of the button pressed, read from
the reply it was pressed on.
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.webchat.mailbox import CHANNEL, VISIBLE_STATUSES
from bot.webchat.photos import photo_url
from storage.attachments import Attachment
from storage.inbound.models import InboundMessage
from storage.outbox import OutboxMessage
from storage.residents.service import find_resident_by_identity

__all__ = ["MAX_ENTRIES", "Transcript", "recording_url", "transcript"]

#: The most recent messages (both sides together) a reload shows.
MAX_ENTRIES: Final = 200
#: What a resident's bubble says when the message itself cannot be shown.
PHOTO_LOST: Final = "［照片］"
PRESSED: Final = "［已选择］"


def recording_url(attachment_id: int) -> str:
    """Where the browser plays the voice note `attachment_id` from."""
    return f"/webchat/recordings/{attachment_id}"


class Transcript:
    """The session's messages, oldest first (`entries`), and the newest reply id to long-poll after (`last`)."""

    def __init__(self, entries: list[dict[str, Any]], last: int) -> None:
        self.entries = entries
        self.last = last


async def transcript(session: AsyncSession, *, session_id: str, shown: Any) -> Transcript:
    """The last MAX_ENTRIES messages of `session_id`; `shown(outbox_id, payload)` renders a reply for the browser."""
    inbound = list(
        await session.scalars(
            select(InboundMessage)
            .where(InboundMessage.channel == CHANNEL, InboundMessage.sender_id == session_id)
            .order_by(InboundMessage.id.desc())
            .limit(MAX_ENTRIES)
        )
    )
    outbound = list(
        await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == CHANNEL,
                OutboxMessage.recipient == session_id,
                OutboxMessage.status.in_(VISIBLE_STATUSES),
            )
            .order_by(OutboxMessage.id.desc())
            .limit(MAX_ENTRIES)
        )
    )
    inbound.reverse()
    outbound.reverse()
    files = await _files(session, session_id, inbound)
    replies = {row.id: row.payload for row in outbound if isinstance(row.payload, dict)}
    timeline: list[tuple[datetime, int, int, dict[str, Any]]] = []
    for message in inbound:
        entry = _mine(message, files, replies)
        if entry is not None:
            timeline.append((message.received_at, 0, message.id, entry))
    for row in outbound:
        if isinstance(row.payload, dict):
            timeline.append((row.created_at, 1, row.id, {"who": "bot", **shown(row.id, row.payload)}))
    timeline.sort(key=lambda item: item[:3])  # within one turn the resident spoke first, then the bot answered
    last = max((row.id for row in outbound), default=0)
    return Transcript([entry for *_, entry in timeline[-MAX_ENTRIES:]], last)


async def _files(
    session: AsyncSession, session_id: str, inbound: list[InboundMessage]
) -> dict[tuple[str, datetime], deque[int]]:
    """The resident's photo and voice attachment ids by (kind, moment), oldest first, for the messages shown."""
    if not any(_kind(m) in ("photo", "voice") for m in inbound):
        return {}
    resident = await find_resident_by_identity(session, channel=CHANNEL, external_id=session_id)
    if resident is None:
        return {}
    rows = await session.execute(
        select(Attachment.id, Attachment.kind, Attachment.created_at)
        .where(
            Attachment.uploaded_by_resident_id == resident.id,
            Attachment.kind.in_(("photo", "voice")),
            Attachment.created_at >= min(m.received_at for m in inbound),
        )
        .order_by(Attachment.id)
    )
    found: dict[tuple[str, datetime], deque[int]] = defaultdict(deque)
    for attachment_id, kind, created_at in rows:
        found[(kind, created_at)].append(attachment_id)
    return found


def _kind(message: InboundMessage) -> str:
    return str((message.payload or {}).get("kind") or "text")


def _mine(
    message: InboundMessage, files: dict[tuple[str, datetime], deque[int]], replies: dict[int, dict[str, Any]]
) -> dict[str, Any] | None:
    """One resident message as the page shows it, or None for one with nothing to show."""
    payload = message.payload or {}
    kind = _kind(message)
    text = str(payload.get("text") or "")
    if kind in ("photo", "voice"):
        kept = files.get((kind, message.received_at))
        attachment_id = kept.popleft() if kept else None
        if kind == "photo":
            if attachment_id is None:
                return {"who": "me", "text": PHOTO_LOST}
            return {"who": "me", "text": "", "photo": photo_url(attachment_id)}
        return {
            "who": "me",
            "text": text,
            "voice": recording_url(attachment_id) if attachment_id is not None else None,
        }
    if kind == "button":
        return {"who": "me", "text": _label(payload, replies) or PRESSED}
    return {"who": "me", "text": text} if text else None


def _label(payload: dict[str, Any], replies: dict[int, dict[str, Any]]) -> str | None:
    """The label of the button pressed: on the reply named by `ref`, else the newest reply offering that payload."""
    pressed = payload.get("payload")
    ref = str(payload.get("ref") or "")
    candidates = [replies[int(ref)]] if ref.isdigit() and int(ref) in replies else list(reversed(replies.values()))
    for reply in candidates:
        for row in reply.get("buttons") or ():
            for button in row:
                if isinstance(button, dict) and button.get("payload") == pressed:
                    return str(button.get("label") or "") or None
    return None
