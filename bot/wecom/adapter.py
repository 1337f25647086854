"""WeCom callback messages → dialogs: decrypted XML to `Incoming` (text, image, voice, location, card clicks),
staff card clicks to `staff_button`, each handled once through the inbound log."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.wecom.client import TransportError, WeComClient, WeComError
from bot.wecom.sender import CHANNEL
from bot.wecom.tasks import CardTasks
from dialogs import STAFF_PAYLOAD, Incoming, Kind, default_wording, run_turn, staff_button
from storage.attachments.store import FileStore
from storage.inbound.models import InboundMessage
from storage.inbound.service import record_inbound
from storage.outbox.service import enqueue

__all__ = ["Callback", "MalformedXml", "handle_callback", "parse_xml"]

#: The card click event.
CARD_EVENT: Final = "template_card_event"
#: Message types handled (any other callback is acknowledged and ignored).
MESSAGE_TYPES: Final = frozenset({"text", "location", "image", "voice"})

_log = logging.getLogger(__name__)


class MalformedXml(ValueError):
    """Not the flat XML document WeCom sends."""


@dataclass(frozen=True)
class Callback:
    """One decrypted callback: its fields and the id that identifies WeCom's retries of it."""

    fields: dict[str, str]

    @property
    def sender(self) -> str:
        """FromUserName: the member's UserID."""
        return self.fields.get("FromUserName", "")

    @property
    def msg_type(self) -> str:
        return self.fields.get("MsgType", "")

    @property
    def event(self) -> str:
        return self.fields.get("Event", "")

    @property
    def message_id(self) -> str:
        """MsgId for messages; for events (no MsgId) CreateTime plus a digest of what was clicked."""
        if self.fields.get("MsgId"):
            return self.fields["MsgId"][:100]
        clicked = "|".join(self.fields.get(name, "") for name in ("Event", "TaskId", "EventKey"))
        return f"ev:{self.fields.get('CreateTime', '')[:20]}:{hashlib.sha1(clicked.encode()).hexdigest()[:12]}"

    @property
    def handled(self) -> bool:
        """True for what `handle_callback` acts on: a member's message or card click (not other events)."""
        is_click = self.msg_type == "event" and self.event == CARD_EVENT
        return bool(self.sender) and (self.msg_type in MESSAGE_TYPES or is_click)

    @property
    def dedupe_key(self) -> str:
        """The inbound log key (what dialogs.run_turn uses): FromUserName + the message id."""
        return f"{self.sender}:{self.message_id}"


def parse_xml(data: bytes | str) -> dict[str, str]:
    """A flat `<xml><Name>value</Name>...</xml>` document as a dict (nested elements keep their children's
    text under the child's name, e.g. SendLocationInfo/Label → Label); raises MalformedXml."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise MalformedXml(type(error).__name__) from None
    if root.tag != "xml":
        raise MalformedXml("root is not <xml>")
    fields: dict[str, str] = {}
    for element in root.iter():
        if element is not root and len(element) == 0:
            fields.setdefault(element.tag, (element.text or "").strip())
    return fields


async def handle_callback(
    callback: Callback,
    *,
    sessions: async_sessionmaker[AsyncSession],
    client: WeComClient,
    tasks: CardTasks,
    files: FileStore,
    community_id: int,
    now: datetime,
    hear: Callable[[Incoming], Awaitable[Incoming]] | None = None,
) -> bool:
    """Handle one callback once; True when it was new and handled, False for a repeat or something ignored.

    `hear` fills a voice note's transcript (`bot.asr.transcribe_incoming`); the dialogs keep the recording.
    """
    if not callback.handled:
        _log.info("wecom: ignored a %s %s callback", callback.msg_type, callback.event or "")
        return False
    if callback.msg_type == "event" and callback.event == CARD_EVENT:
        await tasks.offer(callback.fields.get("TaskId", ""), callback.fields.get("ResponseCode", ""))
        key = callback.fields.get("EventKey", "")
        if key.startswith(STAFF_PAYLOAD):
            return await _staff_click(callback, key, sessions=sessions, now=now)
        incoming = _incoming(callback, Kind.BUTTON, payload=key, ref=callback.fields.get("TaskId") or None)
    elif callback.msg_type == "text":
        incoming = _incoming(callback, Kind.TEXT, text=callback.fields.get("Content", ""))
    elif callback.msg_type == "location":
        incoming = _incoming(callback, Kind.TEXT, text=callback.fields.get("Label", ""))
    elif callback.msg_type in ("image", "voice"):
        if await _seen(sessions, callback):  # handled before: do not download again
            return False
        data = await _download(client, callback.fields.get("MediaId", ""))
        kind = Kind.PHOTO if callback.msg_type == "image" else Kind.VOICE
        incoming = _incoming(callback, kind, data=data)
        if kind is Kind.VOICE and hear is not None:
            incoming = await hear(incoming)
    else:
        _log.info("wecom: ignored a %s %s callback", callback.msg_type, callback.event or "")
        return False
    result = await run_turn(sessions, incoming, community_id=community_id, now=now, files=files)
    return not result.duplicate


def _incoming(callback: Callback, kind: Kind, **values: object) -> Incoming:
    return Incoming(channel=CHANNEL, sender_id=callback.sender, message_id=callback.message_id, kind=kind, **values)  # type: ignore[arg-type]


async def _seen(sessions: async_sessionmaker[AsyncSession], callback: Callback) -> bool:
    async with sessions() as session:
        found = await session.scalar(
            select(InboundMessage.id).where(
                InboundMessage.channel == CHANNEL,
                InboundMessage.dedupe_key == callback.dedupe_key,
                InboundMessage.pending.is_(False),  # held for handling (this handling) is not seen yet
            )
        )
    return found is not None


async def _download(client: WeComClient, media_id: str) -> bytes | None:
    """The media's bytes, or None when WeCom will not give them (dialogs then asks to send it again)."""
    if not media_id:
        return None
    try:
        return await client.download_media(media_id)
    except (WeComError, TransportError) as error:
        _log.warning("wecom: could not download media: %s", error)
        return None


async def _staff_click(
    callback: Callback, key: str, *, sessions: async_sessionmaker[AsyncSession], now: datetime
) -> bool:
    """A staff card button: the action once, its card edits and progress messages, and the clicker's answer."""
    wording = default_wording()
    async with sessions.begin() as session:
        _, is_new = await record_inbound(
            session,
            channel=CHANNEL,
            dedupe_key=callback.dedupe_key,
            payload={"kind": "staff_button", "payload": key, "task": callback.fields.get("TaskId", "")},
            sender_id=callback.sender,
            now=now,
            processed=True,
        )
        if not is_new:
            return False
        outcome = await staff_button(
            session, channel=CHANNEL, external_id=callback.sender, payload=key, now=now, wording=wording
        )
        ticket_id = outcome.ticket.id if outcome.ticket is not None else None
        await enqueue(
            session,
            channel=CHANNEL,
            recipient=callback.sender,
            kind="staff_alert",
            payload={"text": outcome.alert, "buttons": []},
            ticket_id=ticket_id,
            now=now,
        )
        if outcome.choices is not None:
            await enqueue(
                session,
                channel=CHANNEL,
                recipient=callback.sender,
                kind="staff_choices",
                payload=outcome.choices.to_dict(),
                ticket_id=ticket_id,
                now=now,
            )
    return True
