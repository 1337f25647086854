"""`/wecom/callback`: WeCom's URL verification (GET) and encrypted messages (POST).

Every POST is checked before anything is stored: body size, timestamp within the allowed skew, the outer XML,
the corp id, the signature, the decryption and its receive id. A refusal is logged with its reason, never the
body. An accepted message is first held in the inbound log (one small insert of the decrypted XML, committed),
then acknowledged (200, empty body: WeCom waits 5 s at most and never delivers an acknowledged message again)
and handled in a background task the app keeps, so shutdown waits for it. The handler takes the held row over
in the transaction that handles it; a message still held at start (the process died or was stopped in between)
is handled then, in arrival order. WeCom's retries find the held row and store nothing twice. When the message
cannot be stored, the answer is 503 so that WeCom delivers it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.asr import transcribe_incoming
from bot.community import CommunityChoice, NoCommunity
from bot.http import keys
from bot.wecom.adapter import Callback, MalformedXml, handle_callback, parse_xml
from bot.wecom.client import WeComClient
from bot.wecom.crypto import BadCiphertext, BadReceiveId, BadSignature, WeComCrypto
from bot.wecom.sender import CHANNEL
from bot.wecom.tasks import CardTasks
from storage.attachments.store import FileStore
from storage.inbound.service import hold_inbound, pending_messages, release, start_attempt

__all__ = ["MAX_ATTEMPTS", "MAX_BODY_BYTES", "PATH", "WECOM", "WeComState", "receive", "recover", "verify_url"]

#: Where WeCom calls us (set as the app's 接收消息 URL).
PATH: Final = "/wecom/callback"
#: The largest callback body accepted (WeCom's are a few KB: an encrypted XML message).
MAX_BODY_BYTES: Final = 64 * 1024
#: Seconds shutdown waits for callbacks still being handled.
DRAIN_SECONDS: Final = 20.0
#: Handlings of a held message started before it is given up (one that keeps killing the process).
MAX_ATTEMPTS: Final = 3
#: Held messages handled at start at most (the rest wait for the next start).
MAX_RECOVERED: Final = 5000

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
        callback, plain = await _open(request, state)
    except Refused as refused:
        return _refuse(request, refused)
    key = callback.dedupe_key
    if key in state.in_flight or not callback.handled:  # a retry being handled now, or nothing we act on
        return web.Response(status=200)
    try:
        held_id = await _hold(request.app, callback, plain)
    except (SQLAlchemyError, OSError) as error:
        _log.error("wecom callback %s could not be stored (%s); WeCom will deliver it again", key, type(error).__name__)
        return web.Response(status=503, text="try again")
    if held_id is not None:  # else a retry of a message held before: handled, being handled, or at the next start
        _start(request.app, state, key, _handle(request.app, state, callback, held_id))
    return web.Response(status=200)


async def _hold(app: web.Application, callback: Callback, plain: bytes) -> int | None:
    """Store the decrypted message as held; its inbound id, or None when WeCom delivered it before."""
    text = callback.fields.get("Content") or callback.fields.get("Label") or ""
    async with app[keys.SESSIONMAKER].begin() as session:
        held, is_new = await hold_inbound(
            session,
            channel=CHANNEL,
            dedupe_key=callback.dedupe_key,
            raw=plain.decode("utf-8", errors="replace"),
            payload={"kind": "held", "msg_type": callback.msg_type, "text": text},
            sender_id=callback.sender,
            now=app[keys.CLOCK].now(),
        )
        return held.id if is_new else None


def _start(app: web.Application, state: WeComState, key: str, work: Coroutine[Any, Any, None]) -> None:
    state.in_flight.add(key)
    task = asyncio.create_task(work, name=f"wecom callback {key}")
    state.running.add(task)
    task.add_done_callback(lambda done: _finished(state, key, done))


async def _open(request: web.Request, state: WeComState) -> tuple[Callback, bytes]:
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
    return Callback(fields), plain


def _check_time(request: web.Request, timestamp: str) -> None:
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise Refused(403, "no timestamp")
    now = request.app[keys.CLOCK].now().timestamp()
    if abs(now - int(timestamp)) > request.app[WECOM].max_skew_seconds:
        raise Refused(403, f"timestamp {int(now - int(timestamp))} s from now")


def _refuse(request: web.Request, refused: Refused) -> web.Response:
    _log.warning("wecom callback refused from %s: %s", request.remote, refused.reason)
    return web.Response(status=refused.status, text="refused")


async def _handle(app: web.Application, state: WeComState, callback: Callback, held_id: int) -> None:
    """Handle the held message `held_id` once. The handler takes the held row over in its own transaction; when
    nothing took it (a repeat, nothing to do) it is released as processed, when handling failed as given up
    (left unprocessed for staff to see). Cancelled (shutdown) or killed, it stays held for the next start."""
    sessions = app[keys.SESSIONMAKER]
    async with sessions.begin() as session:
        attempts = await start_attempt(session, message_id=held_id)
    if attempts is None:  # taken over meanwhile (another process handled it)
        return
    if attempts > MAX_ATTEMPTS:
        _log.error(
            "wecom callback %s given up after %d handlings that did not finish", callback.dedupe_key, attempts - 1
        )
        await _release(app, held_id, processed=False)
        return
    try:
        community_id = await state.community.community_id(sessions)
    except NoCommunity as error:
        _log.warning("wecom: message not handled: %s", error)
        await _release(app, held_id, processed=False)
        return
    metrics = app[keys.METRICS]
    metrics.messages_in.labels(CHANNEL).inc()
    try:
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
    except Exception:
        await _release(app, held_id, processed=False)
        raise
    await _release(app, held_id, processed=True)
    worker = app.get(keys.OUTBOX_WORKER)
    if handled and worker is not None:
        worker.wake()


async def _release(app: web.Application, held_id: int, *, processed: bool) -> None:
    async with app[keys.SESSIONMAKER].begin() as session:
        await release(session, message_id=held_id, now=app[keys.CLOCK].now(), processed=processed)


async def recover(app: web.Application) -> None:
    """On start: handle the messages still held (received, acknowledged, not handled), oldest first, in one
    background task (so a resident's messages keep their order), before new callbacks are accepted."""
    state = app[WECOM]
    async with app[keys.SESSIONMAKER]() as session:
        held = [
            (m.id, m.dedupe_key, m.raw or "")
            for m in await pending_messages(session, channel=CHANNEL, limit=MAX_RECOVERED)
        ]
    if not held:
        return
    _log.info("wecom: handling %d message(s) received before the restart", len(held))
    callbacks: list[tuple[int, Callback]] = []
    for held_id, key, raw in held:
        try:
            callbacks.append((held_id, Callback(parse_xml(raw))))
        except MalformedXml:
            _log.error("wecom callback %s: the held message cannot be read; given up", key)
            await _release(app, held_id, processed=False)
    for _, callback in callbacks:
        state.in_flight.add(callback.dedupe_key)

    async def handle_all() -> None:
        for held_id, callback in callbacks:
            try:
                await _handle(app, state, callback, held_id)
            except Exception:
                _log.exception("wecom callback %s failed", callback.dedupe_key)
            finally:
                state.in_flight.discard(callback.dedupe_key)

    task = asyncio.create_task(handle_all(), name="wecom held callbacks")
    state.running.add(task)
    task.add_done_callback(state.running.discard)


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
