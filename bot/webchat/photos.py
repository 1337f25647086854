"""Photos in the web chat: which ones a browser session may see, and the route that serves them to it only."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.http import keys
from bot.webchat.cookie import session_id_of
from bot.webchat.mailbox import CHANNEL
from storage.attachments import Attachment, FileStore
from storage.outbox import OutboxMessage
from storage.residents.service import find_resident_by_identity
from storage.tickets.models import Ticket

__all__ = ["PHOTO_ROUTE", "photo_handler", "photo_url", "uploaded_attachment", "uploaded_photo", "visible_photo"]

#: The route of one photo; `{id}` is the attachment id.
PHOTO_ROUTE: Final = "/webchat/photos/{id:[0-9]{1,18}}"
#: A photo never changes (content-addressed), but it is private to the browser that may see it.
_PHOTO_HEADERS: Final = {
    "Cache-Control": "private, max-age=86400",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
}


def photo_url(attachment_id: int) -> str:
    """Where the browser loads the photo `attachment_id` from."""
    return f"/webchat/photos/{attachment_id}"


async def uploaded_photo(session: AsyncSession, *, session_id: str, data: bytes) -> dict[str, Any] | None:
    """The photo this session just uploaded with bytes `data` as `{id, url}`, or None when it was refused."""
    attachment_id = await uploaded_attachment(session, session_id=session_id, data=data, kind="photo")
    return None if attachment_id is None else {"id": attachment_id, "url": photo_url(attachment_id)}


async def uploaded_attachment(session: AsyncSession, *, session_id: str, data: bytes, kind: str) -> int | None:
    """The id of the newest `kind` attachment this session's resident stored with bytes `data`, else None."""
    resident = await find_resident_by_identity(session, channel=CHANNEL, external_id=session_id)
    if resident is None:
        return None
    return await session.scalar(
        select(Attachment.id)
        .where(
            Attachment.sha256 == hashlib.sha256(data).hexdigest(),
            Attachment.uploaded_by_resident_id == resident.id,
            Attachment.kind == kind,
        )
        .order_by(Attachment.id.desc())
        .limit(1)
    )


async def visible_photo(session: AsyncSession, *, session_id: str, attachment_id: int) -> Attachment | None:
    """The photo when this browser session may see it, else None.

    It may when its resident uploaded it, when it belongs to one of the resident's tickets (e.g. the
    after-repair photo), or when a bot reply to this session shows it (`attachment_ids`).
    """
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.kind != "photo":
        return None
    resident = await find_resident_by_identity(session, channel=CHANNEL, external_id=session_id)
    if resident is not None:
        if attachment.uploaded_by_resident_id == resident.id:
            return attachment
        if attachment.ticket_id is not None:
            owner = await session.scalar(select(Ticket.resident_id).where(Ticket.id == attachment.ticket_id))
            if owner == resident.id:
                return attachment
    payloads = await session.scalars(
        select(OutboxMessage.payload).where(OutboxMessage.channel == CHANNEL, OutboxMessage.recipient == session_id)
    )
    shown = any(attachment_id in (payload or {}).get("attachment_ids", ()) for payload in payloads)
    return attachment if shown else None


def photo_handler(files: FileStore) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The handler of `GET /webchat/photos/{id}` over `files`: the image for a session that may see it, else 404."""

    async def serve_photo(request: web.Request) -> web.StreamResponse:
        session_id = session_id_of(request)
        if session_id is None:
            raise web.HTTPNotFound(text="照片不存在。")
        attachment_id = int(request.match_info["id"])
        async with request.app[keys.SESSIONMAKER]() as session:
            attachment = await visible_photo(session, session_id=session_id, attachment_id=attachment_id)
        if attachment is None or not files.exists(attachment.sha256):
            raise web.HTTPNotFound(text="照片不存在。")
        headers = {**_PHOTO_HEADERS, "Content-Type": attachment.mime}
        return web.FileResponse(files.path_for(attachment.sha256), headers=headers)

    return serve_photo
