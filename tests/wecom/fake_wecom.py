"""A fake WeCom for tests: an aiohttp server speaking WeCom's JSON API (gettoken, message/send,
message/update_template_card, media/get, media/upload, webhook/send with text, markdown and images) and playing
WeCom's side of callbacks (encrypted and signed XML, retried when our answer is slow). It enforces what WeCom
enforces: tokens expire, response codes work once, task ids are unique, uploads come as multipart field `media`
(images JPG/PNG, 5 bytes to 10 MB), image messages name an uploaded media id, robot images are JPG/PNG of at most
2 MB whose md5 matches, messages over the per-member and per-robot limits are dropped (members, as WeCom does
silently) or refused (robots, errcode 45009), and it records all of it for assertions."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.wecom.crypto import WeComCrypto

CORP_ID = "ww5f3b2c1d0e9a8877"
AGENT_ID = "1000002"
SECRET = "app-secret-for-tests-0123456789abcdef"
TOKEN = "CallbackToken42"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"


@dataclass
class Sent:
    """One app message WeCom accepted."""

    to: dict[str, str]
    msgtype: str
    content: dict[str, Any]
    msgid: str
    response_code: str = ""


@dataclass
class FakeWeCom:
    """WeCom's servers, for one corp and app; `url` once started."""

    token_lifetime: int = 7200
    member_limits: tuple[tuple[int, float], ...] = ((30, 60.0), (1000, 3600.0))
    robot_limit: tuple[int, float] = (20, 60.0)
    robots: dict[str, str] = field(default_factory=lambda: {"robot-key-engineering": "engineering"})
    sent: list[Sent] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    robot_posts: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    uploads: list[tuple[str, bytes]] = field(default_factory=list)
    uploaded: set[str] = field(default_factory=set)  # media ids from media/upload
    token_calls: int = 0
    media_delay: float = 0.0  # seconds media/get takes (a slow download)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    crypto: WeComCrypto = field(default_factory=lambda: WeComCrypto(TOKEN, AES_KEY, CORP_ID))

    def __post_init__(self) -> None:
        self._tokens: dict[str, float] = {}
        self._codes: dict[str, str] = {}  # unused response code → task id
        self._tasks: set[str] = set()
        self._ids = itertools.count(1)
        self._member_times: dict[str, deque[float]] = defaultdict(deque)
        self._robot_times: dict[str, deque[float]] = defaultdict(deque)
        self.server: TestServer | None = None

    # --- server ---------------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=32 << 20)  # WeCom takes files up to 20 MB
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/message/send", self._send)
        app.router.add_post("/cgi-bin/message/update_template_card", self._update)
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_post("/cgi-bin/media/upload", self._media_upload)
        app.router.add_post("/cgi-bin/webhook/send", self._webhook)
        self.server = TestServer(app)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("")).rstrip("/")

    def expire_tokens(self) -> None:
        """Every issued token stops working (WeCom answers 42001 until a new one is fetched)."""
        for token in self._tokens:
            self._tokens[token] = 0.0

    def add_media(self, data: bytes, content_type: str) -> str:
        media_id = "MEDIA" + secrets.token_hex(12)
        self.media[media_id] = (data, content_type)
        return media_id

    # --- API handlers ---------------------------------------------------------------------------------------

    async def _gettoken(self, request: web.Request) -> web.Response:
        self.token_calls += 1
        if request.query.get("corpid") != CORP_ID or request.query.get("corpsecret") != SECRET:
            return _error(40001, "invalid credential")
        token = "TOKEN" + secrets.token_hex(16)
        self._tokens[token] = time.monotonic() + self.token_lifetime
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_lifetime}
        )

    def _token_error(self, request: web.Request) -> web.Response | None:
        token = request.query.get("access_token", "")
        if token not in self._tokens:
            return _error(40014, "invalid access_token")
        if self._tokens[token] <= time.monotonic():
            return _error(42001, "access_token expired")
        return None

    async def _send(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        body = json.loads(await request.read())
        if str(body.get("agentid")) != AGENT_ID:
            return _error(40056, "invalid agentid")
        to = {key: body[key] for key in ("touser", "toparty", "totag") if body.get(key)}
        if not to:
            return _error(40035, "empty recipients")
        msgtype = body.get("msgtype")
        content = body.get(msgtype)
        if not isinstance(content, dict):
            return _error(40008, "invalid message type")
        if msgtype == "text" and len(content.get("content", "").encode()) > 2048:
            return _error(45002, "content size out of limit")
        if msgtype == "image" and content.get("media_id") not in self.uploaded:
            return _error(40007, "invalid media_id")
        response_code = ""
        if msgtype == "template_card":
            problem = self._card_problem(content, new=True)
            if problem:
                return _error(*problem)
            self._tasks.add(content["task_id"])
            response_code = self._new_code(content["task_id"])
        msgid = f"msg{next(self._ids)}"
        members = [f"user:{u}" for u in to.get("touser", "").split("|") if u]
        members += [f"party:{p}" for p in to.get("toparty", "").split("|") if p]
        if any(self._over(self._member_times[m], *limit) for m in members for limit in self.member_limits):
            self.dropped.append(body)  # WeCom accepts and silently drops over-limit messages
        else:
            for member in members:
                self._member_times[member].append(time.monotonic())
            self.sent.append(Sent(to, msgtype, content, msgid, response_code))
        answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok", "msgid": msgid}
        if response_code:
            answer["response_code"] = response_code
        return web.json_response(answer)

    def _card_problem(self, card: dict[str, Any], *, new: bool) -> tuple[int, str] | None:
        if card.get("card_type") != "button_interaction":
            return 40008, "unsupported card_type"
        task_id = card.get("task_id", "")
        if not task_id or len(task_id.encode()) > 128 or (new and task_id in self._tasks):
            return 42014, "taskid has existed or empty or exceed max len"
        if not card.get("main_title", {}).get("title"):
            return 40058, "main_title.title required"
        buttons = card.get("button_list") or []
        if len(buttons) > 6 or (not buttons and not card.get("replace_text")):
            return 40058, "button_list must hold 1-6 buttons"
        if any(not b.get("key") or not b.get("text") for b in buttons):
            return 40058, "button key and text required"
        return None

    def _new_code(self, task_id: str) -> str:
        code = "RC" + secrets.token_hex(10)
        self._codes[code] = task_id
        return code

    async def _update(self, request: web.Request) -> web.Response:
        if (error := self._token_error(request)) is not None:
            return error
        body = json.loads(await request.read())
        code = body.get("response_code", "")
        if code not in self._codes:
            return _error(40014 + 45000, "response_code used or expired")  # stands in for WeCom's errcode
        card = body.get("template_card") or {}
        if (problem := self._card_problem(card, new=False)) is not None:
            return _error(*problem)
        task_id = self._codes.pop(code)
        if card.get("task_id") != task_id:
            return _error(42014, "task_id does not match the response_code")
        self.updates.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": []})

    async def _media_get(self, request: web.Request) -> web.StreamResponse:
        if (error := self._token_error(request)) is not None:
            return error
        await asyncio.sleep(self.media_delay)
        found = self.media.get(request.query.get("media_id", ""))
        if found is None:
            return _error(40007, "invalid media_id")
        data, content_type = found
        return web.Response(
            body=data, content_type=content_type, headers={"Content-Disposition": 'attachment; filename="m.jpg"'}
        )

    async def _media_upload(self, request: web.Request) -> web.Response:
        """multipart/form-data with the file in the field `media` (with a filename); size and format checked as
        WeCom documents: every file more than 5 bytes, images JPG/PNG up to 10 MB, voice AMR up to 2 MB."""
        if (error := self._token_error(request)) is not None:
            return error
        kind = request.query.get("type", "")
        if kind not in ("image", "voice", "video", "file"):
            return _error(40004, "invalid media type")
        if not request.content_type.startswith("multipart/form-data"):
            return _error(41001, "media missing")
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, aiohttp.BodyPartReader) or part.name != "media" or not part.filename:
            return _error(41001, "media missing")
        data = bytes(await part.read())
        limit, magics = {"image": (10 << 20, (b"\xff\xd8\xff", b"\x89PNG")), "voice": (2 << 20, (b"#!AMR",))}.get(
            kind, (20 << 20, (b"",))
        )
        if len(data) <= 5 or len(data) > limit:
            return _error(40009 if kind == "image" else 40006, "invalid media size")
        if not data.startswith(magics):
            return _error(40005, "invalid file type")
        content_type = part.headers.get("Content-Type", "application/octet-stream")
        media_id = self.add_media(data, content_type)
        self.uploaded.add(media_id)
        self.uploads.append((kind, data))
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media_id, "created_at": "1"})

    async def _webhook(self, request: web.Request) -> web.Response:
        robot = self.robots.get(request.query.get("key", ""))
        if robot is None:
            return _error(93000, "invalid webhook url")
        body = json.loads(await request.read())
        msgtype = body.get("msgtype")
        if msgtype == "image":
            if (problem := _robot_image_problem(body.get("image") or {})) is not None:
                return _error(*problem)
        elif msgtype not in ("text", "markdown") or not body.get(msgtype, {}).get("content"):
            return _error(40008, "invalid message type")
        else:
            limit = 2048 if msgtype == "text" else 4096
            if len(body[msgtype]["content"].encode()) > limit:
                return _error(40058, "content exceed max length")
        if self._over(self._robot_times[robot], *self.robot_limit):
            self.refused.append(body)
            return _error(45009, "api freq out of limit")
        self._robot_times[robot].append(time.monotonic())
        self.robot_posts.append({"robot": robot, **body})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    @staticmethod
    def _over(times: deque[float], count: int, window: float) -> bool:
        now = time.monotonic()
        while times and times[0] <= now - window:
            times.popleft()
        return len(times) >= count

    # --- WeCom's side of callbacks --------------------------------------------------------------------------

    def cards_to(self, target: str) -> list[Sent]:
        """Cards sent to `user:<id>` or `party:<id>`, oldest first."""
        kind, _, value = target.partition(":")
        field_name = {"user": "touser", "party": "toparty"}[kind]
        return [s for s in self.sent if s.msgtype == "template_card" and value in s.to.get(field_name, "").split("|")]

    def click_code(self, task_id: str) -> str:
        """A click on a card: WeCom issues a fresh response code for it."""
        return self._new_code(task_id)


def message_xml(fields: dict[str, str]) -> bytes:
    """A WeCom callback message in XML (text values in CDATA-free escaped form)."""
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f"<xml>{inner}</xml>".encode()


class WeComCallbacks:
    """WeCom calling our /wecom/callback: encrypts, signs, posts, and retries (3 tries in all) when our answer
    does not come within `timeout` seconds."""

    def __init__(self, fake: FakeWeCom, url: str, *, now: Any, timeout: float = 5.0) -> None:
        self.fake = fake
        self.url = url
        self.now = now  # () -> datetime, the app's clock
        self.timeout = timeout
        self.attempts = 0
        self._ids = itertools.count(7_000_000_000_000_000_000)

    def envelope(self, fields: dict[str, str], **override: str) -> tuple[dict[str, str], bytes]:
        """(query, body) of one encrypted callback; `override` replaces query values or the ToUserName."""
        timestamp = override.get("timestamp", str(int(self.now().timestamp())))
        nonce = override.get("nonce", secrets.token_hex(5))
        encrypted, signed = self.fake.crypto.seal(message_xml(fields), timestamp, nonce)
        to = override.get("to", CORP_ID)
        body = (
            f"<xml><ToUserName><![CDATA[{to}]]></ToUserName><AgentID><![CDATA[{AGENT_ID}]]></AgentID>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        ).encode()
        query = {"msg_signature": override.get("msg_signature", signed), "timestamp": timestamp, "nonce": nonce}
        return query, body

    async def post(self, fields: dict[str, str], **override: str) -> list[int | None]:
        """Deliver one callback as WeCom does; the status of each try (None: timed out)."""
        query, body = self.envelope(fields, **override)
        return await self.post_raw(query, body)

    async def post_raw(self, query: dict[str, str], body: bytes) -> list[int | None]:
        statuses: list[int | None] = []
        async with aiohttp.ClientSession() as http:
            for _ in range(3):
                self.attempts += 1
                try:
                    async with http.post(
                        self.url, params=query, data=body, timeout=aiohttp.ClientTimeout(total=self.timeout)
                    ) as response:
                        await response.read()
                        statuses.append(response.status)
                        return statuses
                except TimeoutError:
                    statuses.append(None)
        return statuses

    def base(self, sender: str, msg_type: str) -> dict[str, str]:
        return {
            "ToUserName": CORP_ID,
            "FromUserName": sender,
            "CreateTime": str(int(self.now().timestamp())),
            "MsgType": msg_type,
            "AgentID": AGENT_ID,
        }

    async def text(self, sender: str, content: str, **override: str) -> list[int | None]:
        fields = self.base(sender, "text") | {"Content": content, "MsgId": str(next(self._ids))}
        return await self.post(fields, **override)

    async def image(self, sender: str, data: bytes) -> list[int | None]:
        media_id = self.fake.add_media(data, "image/jpeg")
        fields = self.base(sender, "image") | {"PicUrl": "http://p/1.jpg", "MediaId": media_id}
        return await self.post(fields | {"MsgId": str(next(self._ids))})

    async def voice(self, sender: str, data: bytes) -> list[int | None]:
        media_id = self.fake.add_media(data, "audio/amr")
        fields = self.base(sender, "voice") | {"MediaId": media_id, "Format": "amr"}
        return await self.post(fields | {"MsgId": str(next(self._ids))})

    async def location(self, sender: str, label: str) -> list[int | None]:
        fields = self.base(sender, "location") | {
            "Location_X": "23.1",
            "Location_Y": "113.3",
            "Scale": "15",
            "Label": label,
            "MsgId": str(next(self._ids)),
        }
        return await self.post(fields)

    async def click(self, sender: str, card: Sent, label: str) -> list[int | None]:
        """`sender` presses the button labelled `label` (exactly, or containing it) on `card`."""
        content = card.content
        buttons = content.get("button_list") or []
        chosen = [b for b in buttons if b["text"] == label] or [b for b in buttons if label in b["text"]]
        assert chosen, f"no button {label!r} on {[b['text'] for b in buttons]}"
        return await self.click_key(sender, content["task_id"], chosen[0]["key"])

    async def click_key(self, sender: str, task_id: str, key: str) -> list[int | None]:
        fields = self.base(sender, "event") | {
            "Event": "template_card_event",
            "EventKey": key,
            "TaskId": task_id,
            "CardType": "button_interaction",
            "ResponseCode": self.fake.click_code(task_id),
        }
        return await self.post(fields)


def _robot_image_problem(image: dict[str, Any]) -> tuple[int, str] | None:
    """A group robot image: base64 of a JPG/PNG of at most 2 MB, with the md5 of its bytes."""
    try:
        data = base64.b64decode(image.get("base64", ""), validate=True)
    except (ValueError, TypeError):
        return 40008, "image base64 invalid"
    if not data or image.get("md5") != hashlib.md5(data, usedforsecurity=False).hexdigest():
        return 40008, "image md5 does not match"
    if len(data) > 2 * 1024 * 1024:
        return 40009, "image size exceeds 2MB"
    if not data.startswith((b"\xff\xd8\xff", b"\x89PNG")):
        return 40005, "image must be JPG or PNG"
    return None


def robot_image(post: dict[str, Any]) -> bytes:
    """The picture of a robot image post."""
    return base64.b64decode(post["image"]["base64"])


def _error(errcode: int, errmsg: str) -> web.Response:
    return web.json_response({"errcode": errcode, "errmsg": errmsg})
