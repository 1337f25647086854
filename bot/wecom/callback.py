"""`/wecom/callback`: WeCom's URL verification (GET) and encrypted messages (POST).

Every POST is checked before anything is stored: body size, timestamp within the allowed skew, the outer XML,
the corp id, the signature, the decryption and its receive id. A refusal is logged with its reason, never the
body. An accepted message is acknowledged at once (200, empty body: WeCom waits 5 s at most) and handled in
a background task the app keeps, so shutdown waits for it; WeCom's retries are recognised by the inbound log.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Final

from aiohttp import web

from bot.asr import transcribe_incoming
from bot.http import keys
from bot.webchat.community import CommunityChoice, NoCommunity
from bot.wecom.adapter import Callback, MalformedXml, handle_callback, parse_xml
from bot.wecom.client import WeComClient
from bot.wecom.crypto import BadCiphertext, BadReceiveId, BadSignature, WeComCrypto
from bot.wecom.sender import CHANNEL
from bot.wecom.tasks import CardTasks
from storage.attachments.store import FileStore

__all__ = ["MAX_BODY_BYTES", "PATH", "WECOM", "WeComState", "receive", "verify_url"]

#: Where WeCom calls us (set as the app's 接收消息 URL).
PATH: Final = "/wecom/callback"
#: The largest callback body accepted (WeCom's are a few KB: an encrypted XML message).
MAX_BODY_BYTES: Final = 64 * 1024
#: Seconds shutdown waits for callbacks still being handled.
DRAIN_SECONDS: Final = 20.0

_log = logging.getLogger(__name__)


@dataclass
class WeComState:
    """What the callback handlers share."""

    crypto: WeComCrypto
    client: WeComClient
    tasks: CardTasks
    files: FileStore
    corp_id: str
    agent_id: str
    max_skew_seconds: int
    community: CommunityChoice = field(default_factory=CommunityChoice)
    running: set[asyncio.Task[None]] = field(default_factory=set)
    in_flight: set[str] = field(default_factory=set)


#: The WeCom channel's state in the app.
WECOM: Final = web.AppKey("wuye_wecom", WeComState)


class Refused(Exception):
    """A callback we do not trust or cannot read: `status` to answer and `reason` to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def verify_url(request: web.Request) -> web.Response:
    """GET: answer the decrypted echostr when the signature is right; 403 otherwise."""
    state = request.app[WECOM]
    query = request.query
    try:
        _check_time(request, query.get("timestamp", ""))
        answer = state.crypto.verify_url(
            query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", ""), query.get("echostr", "")
        )
    except Refused as refused:
        return _refuse(request, refused)
    except (BadSignature, BadCiphertext, BadReceiveId) as error:
        return _refuse(request, Refused(403, f"URL verification: {type(error).__name__}"))
    return web.Response(text=answer, content_type="text/plain")


async def receive(request: web.Request) -> web.Response:
    """POST: check and decrypt, start handling in the background, answer 200 with an empty body."""
    state = request.app[WECOM]
    try:
        callback = await _open(request, state)
    except Refused as refused:
        return _refuse(request, refused)
    key = callback.dedupe_key
    if key in state.in_flight:  # WeCom retried while the first delivery is still being handled
        return web.Response(status=200)
    state.in_flight.add(key)
    task = asyncio.create_task(_handle(request.app, state, callback), name=f"wecom callback {key}")
    state.running.add(task)
    task.add_done_callback(lambda done: _finished(state, key, done))
    return web.Response(status=200)


async def _open(request: web.Request, state: WeComState) -> Callback:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise Refused(413, f"body of {request.content_length} bytes")
    body = await request.content.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise Refused(413, "body too large")
    query = request.query
    timestamp, nonce, signed = query.get("timestamp", ""), query.get("nonce", ""), query.get("msg_signature", "")
    _check_time(request, timestamp)
    try:
        outer = parse_xml(body)
    except MalformedXml as error:
        raise Refused(400, f"malformed outer XML ({error})") from None
    if outer.get("ToUserName") != state.corp_id:
        raise Refused(403, "wrong corp id")
    if outer.get("AgentID") and outer["AgentID"] != state.agent_id:
        raise Refused(403, "wrong agent id")
    try:
        plain = state.crypto.open(signed, timestamp, nonce, outer.get("Encrypt", ""))
    except BadSignature:
        raise Refused(403, "bad signature") from None
    except BadReceiveId:
        raise Refused(403, "wrong receive id (corp id)") from None
    except BadCiphertext as error:
        raise Refused(400, f"undecryptable ({error})") from None
    try:
        fields = parse_xml(plain)
    except MalformedXml as error:
        raise Refused(400, f"malformed message XML ({error})") from None
    if fields.get("ToUserName") not in (None, state.corp_id):
        raise Refused(403, "message for another corp")
    return Callback(fields)


def _check_time(request: web.Request, timestamp: str) -> None:
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise Refused(403, "no timestamp")
    now = request.app[keys.CLOCK].now().timestamp()
    if abs(now - int(timestamp)) > request.app[WECOM].max_skew_seconds:
        raise Refused(403, f"timestamp {int(now - int(timestamp))} s from now")


def _refuse(request: web.Request, refused: Refused) -> web.Response:
    _log.warning("wecom callback refused from %s: %s", request.remote, refused.reason)
    return web.Response(status=refused.status, text="refused")


async def _handle(app: web.Application, state: WeComState, callback: Callback) -> None:
    sessions = app[keys.SESSIONMAKER]
    try:
        community_id = await state.community.community_id(sessions)
    except NoCommunity as error:
        _log.warning("wecom: message not handled: %s", error)
        return
    metrics = app[keys.METRICS]
    metrics.messages_in.labels(CHANNEL).inc()
    with metrics.handler_seconds.labels(CHANNEL).time():
        handled = await handle_callback(
            callback,
            sessions=sessions,
            client=state.client,
            tasks=state.tasks,
            files=state.files,
            community_id=community_id,
            now=app[keys.CLOCK].now(),
            hear=lambda incoming: transcribe_incoming(app, incoming),
        )
    worker = app.get(keys.OUTBOX_WORKER)
    if handled and worker is not None:
        worker.wake()


def _finished(state: WeComState, key: str, task: asyncio.Task[None]) -> None:
    state.running.discard(task)
    state.in_flight.discard(key)
    if not task.cancelled() and task.exception() is not None:
        _log.error("wecom callback %s failed", key, exc_info=task.exception())


async def drain(app: web.Application) -> None:
    """On shutdown: let the callbacks being handled finish (DRAIN_SECONDS), then cancel the rest."""
    state = app[WECOM]
    if not state.running:
        return
    pending = list(state.running)
    _done, late = await asyncio.wait(pending, timeout=DRAIN_SECONDS)
    for task in late:
        task.cancel()
    with suppress(Exception):
        await asyncio.gather(*late, return_exceptions=True)
