"""The web chat's HTTP side: the page at `/`, posting text, button presses and photos, long-polling replies."""

from __future__ import annotations

import asyncio
import logging
import re
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from aiohttp import BodyPartReader, web

from bot.asr import transcribe_incoming
from bot.asr.playback import Unplayable, cache_dir, playable
from bot.community import CommunityChoice, NoCommunity
from bot.http import Plugin, keys
from bot.http.proxy import cookie_secure
from bot.webchat.cookie import new_session_id, session_id_of, set_session_cookie
from bot.webchat.mailbox import CHANNEL, Mailbox, read_replies
from bot.webchat.photos import PHOTO_ROUTE, photo_handler, photo_url, uploaded_attachment, uploaded_photo
from bot.webchat.sender import WebchatSender
from bot.webchat.transcript import recording_url, transcript
from dialogs import Incoming, Kind, run_turn
from storage.attachments import Attachment
from storage.attachments.store import FileStore
from storage.residents.service import find_resident_by_identity

__all__ = ["MAX_PHOTO_BYTES", "WEBCHAT", "WebchatState", "install", "plugin"]

#: The largest photo accepted, in bytes (10 MB); bigger uploads get 413 before they are read whole.
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
#: The largest voice recording accepted, in bytes (5 MB, the voice attachment limit).
MAX_VOICE_BYTES: Final = 5 * 1024 * 1024
#: The longest a `GET /webchat/messages` waits for a new reply, in seconds.
MAX_WAIT_SECONDS: Final = 20.0
#: The longest text a resident may send in one message, in characters.
MAX_TEXT_CHARS: Final = 2000
#: The most replies one poll returns (the browser asks again with the last id).
MAX_BATCH: Final = 100
#: Where the page, script and style live.
STATIC_DIR: Final = Path(__file__).resolve().parent / "static"

#: The page loads only its own script and style, and may not be framed by another site.
_PAGE_HEADERS: Final = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
#: A recording is private to its resident's browser and never changes.
_RECORDING_HEADERS: Final = {
    "Cache-Control": "private, max-age=86400",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Content-Disposition": "inline",
}
#: The route of one voice note; `{id}` is the attachment id.
RECORDING_ROUTE: Final = "/webchat/recordings/{id:[0-9]{1,18}}"
_CLIENT_ID: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_REF: Final = re.compile(r"^[0-9]{1,18}$")

#: What residents read when something is wrong (zh-CN, short, says what to do).
TOO_LARGE: Final = "照片太大了（超过10MB），请换一张小一点的照片或压缩后再发。"
NOT_A_PHOTO: Final = "没有收到照片，请重新选择一张图片。"
VOICE_TOO_LARGE: Final = "这段录音太大了，请说短一点再发。"
NO_VOICE: Final = "没有收到录音，请按住说话后再松开。"
BAD_MESSAGE: Final = "消息格式不对，请刷新页面后再试。"
TOO_LONG: Final = f"消息太长了（最多{MAX_TEXT_CHARS}字），请分几条发送。"
NO_RECORDING: Final = "录音不存在。"
NO_COMMUNITY: Final = "在线客服还没有设置好小区，请稍后再试或拨打物业服务电话。"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebchatState:
    """What the web chat handlers share: the mailbox, where photos are stored, the community choice."""

    mailbox: Mailbox
    files: FileStore
    community: CommunityChoice


#: The web chat's shared state in the app.
WEBCHAT: Final = web.AppKey("wuye_webchat", WebchatState)


def plugin(community: str | None = None) -> Plugin:
    """A web chat plugin serving `community` (a code); by default the only community, else `demo`."""

    def install_for(app: web.Application) -> None:
        install(app, community=community)

    return install_for


def install(app: web.Application, *, community: str | None = None) -> None:
    """Plugin: register the chat page and API, and the `webchat` sender for the outbox worker."""
    settings = app[keys.SETTINGS]
    state = WebchatState(Mailbox(), FileStore(settings.data_dir / "files"), CommunityChoice(community))
    app[WEBCHAT] = state
    app[keys.SENDERS][CHANNEL] = WebchatSender(state.mailbox)
    app.router.add_get("/", index, name="index")
    app.router.add_post("/webchat/messages", post_message, name="webchat_post")
    app.router.add_get("/webchat/messages", get_messages, name="webchat_poll")
    app.router.add_post("/webchat/photos", post_photo, name="webchat_photo")
    app.router.add_post("/webchat/voice", post_voice, name="webchat_voice")
    app.router.add_get(PHOTO_ROUTE, photo_handler(state.files), name="webchat_photo_file")
    app.router.add_get("/webchat/history", get_history, name="webchat_history")
    app.router.add_get(RECORDING_ROUTE, get_recording, name="webchat_recording")
    app.router.add_static("/webchat/static/", STATIC_DIR, name="webchat_static")

    async def wake_polls(app: web.Application) -> None:
        state.mailbox.close()

    app.on_shutdown.append(wake_polls)


# --- handlers ----------------------------------------------------------------------------------------------------


async def index(request: web.Request) -> web.Response:
    """The chat page; a first visit gets its session cookie here."""
    response = web.Response(text=_page(), content_type="text/html", charset="utf-8")
    response.headers.update(_PAGE_HEADERS)
    _session(request, response)
    return response


async def post_message(request: web.Request) -> web.Response:
    """`{"id": client message id, "text": ...}` or `{"id": ..., "payload": button payload, "ref": outbox id}` → 202."""
    try:
        body = await request.json()
    except ValueError:
        return _error(400, BAD_MESSAGE)
    if not isinstance(body, dict) or not _valid(body.get("id"), _CLIENT_ID):
        return _error(400, BAD_MESSAGE)
    text, payload, ref = body.get("text"), body.get("payload"), body.get("ref")
    if ref is not None and not _valid(str(ref), _REF):
        return _error(400, BAD_MESSAGE)
    if isinstance(payload, str) and 0 < len(payload) <= 200:
        kind, text = Kind.BUTTON, ""
    elif isinstance(text, str) and text.strip() and payload is None:
        if len(text) > MAX_TEXT_CHARS:
            return _error(400, TOO_LONG)
        kind, text, payload = Kind.TEXT, text.strip(), None
    else:
        return _error(400, BAD_MESSAGE)
    session_id, is_new = _session_id(request)
    incoming = Incoming(
        channel=CHANNEL,
        sender_id=session_id,
        message_id=body["id"],
        kind=kind,
        text=text,
        payload=payload,
        ref=None if ref is None else str(ref),
    )
    return await _take(request, incoming, new_session=is_new)


async def post_photo(request: web.Request) -> web.Response:
    """Multipart with one image in the field `photo`, the client message id in `?id=`; 413 above MAX_PHOTO_BYTES."""
    upload = await _upload(request, field="photo", limit=MAX_PHOTO_BYTES, too_large=TOO_LARGE, missing=NOT_A_PHOTO)
    if isinstance(upload, web.Response):
        return upload
    client_id, data = upload
    session_id, is_new = _session_id(request)
    incoming = Incoming(channel=CHANNEL, sender_id=session_id, message_id=client_id, kind=Kind.PHOTO, data=data)
    return await _take(request, incoming, new_session=is_new)


async def post_voice(request: web.Request) -> web.Response:
    """Multipart with one recording (the browser's MediaRecorder: WebM/Opus, OGG/Opus or MP4) in the field
    `voice`, the client message id in `?id=`; it becomes a voice note with its transcript."""
    upload = await _upload(request, field="voice", limit=MAX_VOICE_BYTES, too_large=VOICE_TOO_LARGE, missing=NO_VOICE)
    if isinstance(upload, web.Response):
        return upload
    client_id, data = upload
    session_id, is_new = _session_id(request)
    incoming = Incoming(channel=CHANNEL, sender_id=session_id, message_id=client_id, kind=Kind.VOICE, data=data)
    incoming = await transcribe_incoming(request.app, incoming)
    return await _take(request, incoming, new_session=is_new)


async def _upload(
    request: web.Request, *, field: str, limit: int, too_large: str, missing: str
) -> tuple[str, bytes] | web.Response:
    """(client message id, file bytes) of a one-file multipart upload, or the refusal to answer with."""
    if request.content_length is not None and request.content_length > limit + 64 * 1024:
        return _error(413, too_large)
    client_id = request.query.get("id", "")
    if not _CLIENT_ID.match(client_id):
        return _error(400, BAD_MESSAGE)
    try:
        reader = await request.multipart()
        data = None
        while (part := await reader.next()) is not None:
            if isinstance(part, BodyPartReader) and part.name == field:
                data = await _read_limited(part, limit)
                break
    except (ValueError, AssertionError, KeyError):  # not multipart, or a malformed body
        return _error(400, missing)
    except _TooLarge:
        return _error(413, too_large)
    if not data:
        return _error(400, missing)
    return client_id, data


async def get_messages(request: web.Request) -> web.Response:
    """`?after=<outbox id>[&wait=<seconds>]`: this session's replies after `after`; waits up to 20 s for one."""
    try:
        after = max(0, int(request.query.get("after", "0")))
        wait = min(MAX_WAIT_SECONDS, max(0.0, float(request.query.get("wait", MAX_WAIT_SECONDS))))
    except ValueError:
        return _error(400, BAD_MESSAGE)
    session_id = session_id_of(request)
    if session_id is None:  # a new browser: nothing to read yet, but it gets its own session
        response = web.json_response({"messages": [], "last": after})
        _session(request, response)
        return response
    state = request.app[WEBCHAT]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        woken = state.mailbox.waiter(session_id)  # before reading, so no reply slips between read and wait
        async with request.app[keys.SESSIONMAKER]() as session:
            rows = await read_replies(session, session_id=session_id, after=after, limit=MAX_BATCH)
        remaining = deadline - loop.time()
        if rows or remaining <= 0 or state.mailbox.closing:
            break
        with suppress(TimeoutError):
            await asyncio.wait_for(woken.wait(), remaining)
    messages = [_shown(row.id, row.payload) for row in rows if isinstance(row.payload, dict)]
    return web.json_response(
        {"messages": messages, "last": rows[-1].id if rows else after}, headers={"Cache-Control": "no-store"}
    )


async def get_history(request: web.Request) -> web.Response:
    """The session's conversation so far, both sides in order (what a reloaded page shows), and the newest reply
    id to long-poll after: `{"messages": [{"who": "me" | "bot", ...}], "last": <outbox id>}`."""
    session_id = session_id_of(request)
    if session_id is None:
        response = web.json_response({"messages": [], "last": 0}, headers={"Cache-Control": "no-store"})
        _session(request, response)
        return response
    async with request.app[keys.SESSIONMAKER]() as session:
        found = await transcript(session, session_id=session_id, shown=_shown)
    return web.json_response({"messages": found.entries, "last": found.last}, headers={"Cache-Control": "no-store"})


async def get_recording(request: web.Request) -> web.StreamResponse:
    """GET /webchat/recordings/{id}: a voice note this browser's resident sent, in a format browsers play; else 404."""
    session_id = session_id_of(request)
    attachment = None
    if session_id is not None:
        async with request.app[keys.SESSIONMAKER]() as session:
            resident = await find_resident_by_identity(session, channel=CHANNEL, external_id=session_id)
            attachment = await session.get(Attachment, int(request.match_info["id"]))
            if attachment is None or resident is None or attachment.uploaded_by_resident_id != resident.id:
                attachment = None
    if attachment is None or attachment.kind != "voice":
        raise web.HTTPNotFound(text=NO_RECORDING)
    settings = request.app[keys.SETTINGS]
    try:
        found = await playable(
            request.app[WEBCHAT].files,
            sha256=attachment.sha256,
            mime=attachment.mime,
            cache=cache_dir(settings.data_dir),
        )
    except Unplayable:
        raise web.HTTPNotFound(text=NO_RECORDING) from None
    return web.FileResponse(found.path, headers={**_RECORDING_HEADERS, "Content-Type": found.mime})


# --- helpers -----------------------------------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


async def _read_limited(part: BodyPartReader, limit: int) -> bytes:
    """The part's bytes, read in chunks; raises _TooLarge as soon as more than `limit` arrived."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def _take(request: web.Request, incoming: Incoming, *, new_session: bool) -> web.Response:
    """Run one turn for `incoming`, then wake the outbox worker and this session's long polls; 202."""
    app = request.app
    state = app[WEBCHAT]
    try:
        community_id = await state.community.community_id(app[keys.SESSIONMAKER])
    except NoCommunity as error:
        _log.warning("web chat: %s", error)
        return _error(503, NO_COMMUNITY)
    metrics = app[keys.METRICS]
    metrics.messages_in.labels(CHANNEL).inc()
    with metrics.handler_seconds.labels(CHANNEL).time():
        result = await run_turn(
            app[keys.SESSIONMAKER], incoming, community_id=community_id, now=app[keys.CLOCK].now(), files=state.files
        )
    worker = app.get(keys.OUTBOX_WORKER)
    if worker is not None:
        worker.wake()
    state.mailbox.notify(incoming.sender_id)
    body: dict[str, Any] = {"status": "duplicate" if result.duplicate else "accepted"}
    if incoming.kind is Kind.PHOTO and incoming.data:  # the browser shows the resident's own photo from the server
        async with app[keys.SESSIONMAKER]() as session:
            body["photo"] = await uploaded_photo(session, session_id=incoming.sender_id, data=incoming.data)
    if incoming.kind is Kind.VOICE and incoming.data:  # and its voice note with what was heard, and a player
        async with app[keys.SESSIONMAKER]() as session:
            kept = await uploaded_attachment(session, session_id=incoming.sender_id, data=incoming.data, kind="voice")
        body["voice"] = {"text": incoming.text, "url": recording_url(kept) if kept is not None else None}
    response = web.json_response(body, status=202)
    if new_session:
        set_session_cookie(response, incoming.sender_id, secure=cookie_secure(request))
    return response


def _session_id(request: web.Request) -> tuple[str, bool]:
    """The request's session id, or a new one (then True: the response must set the cookie)."""
    session_id = session_id_of(request)
    return (session_id, False) if session_id is not None else (new_session_id(), True)


def _session(request: web.Request, response: web.StreamResponse) -> str:
    """The request's session id; when it has none, a new one, set as a cookie on `response`."""
    session_id, is_new = _session_id(request)
    if is_new:
        set_session_cookie(response, session_id, secure=cookie_secure(request))
    return session_id


def _shown(outbox_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """A reply as the browser renders it."""
    return {
        "id": outbox_id,
        "text": str(payload.get("text", "")),
        "buttons": payload.get("buttons") or [],
        "large": bool(payload.get("large")),
        "edit_ref": payload.get("edit_ref"),
        "photos": [photo_url(int(i)) for i in payload.get("attachment_ids") or () if str(i).isdigit()],
    }


def _valid(value: Any, pattern: re.Pattern[str]) -> bool:
    return isinstance(value, str) and pattern.match(value) is not None


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@cache
def _page() -> str:
    return (STATIC_DIR / "index.html").read_text(encoding="utf-8")
