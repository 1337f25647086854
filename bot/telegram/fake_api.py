"""A stand-in for Telegram's Bot API server, for tests and the flood benchmark (never used in production).

It speaks the real wire format (form or multipart requests, `{"ok": ..., "result": ...}` answers, 429 with
`parameters.retry_after`), keeps each chat's messages (edits applied), serves files (getFile and
`/file/bot<token>/<path>`), hands updates out by getUpdates or posts them to a webhook with the secret
header, can be down (502 answers, or refusing connections) and counts every breach of the flood limits:
more than 30 messages in a second overall, 20 in a minute into a group, 1 in a second into a private chat.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import time
from collections import defaultdict, deque
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import ClientSession, web
from aiohttp.web_request import FileField

from bot.telegram.limits import GROUP_PER_MINUTE, OVERALL_PER_SECOND, PRIVATE_PER_SECOND, is_group_chat

#: Methods that put a message into a chat (what the flood limits count).
MESSAGE_METHODS: Final = frozenset(
    {"sendMessage", "sendPhoto", "sendMediaGroup", "editMessageText", "editMessageReplyMarkup", "sendVoice"}
)
#: Share of each limit's window forgiven for timing jitter between the bot's clock and ours.
TOLERANCE: Final = 0.05
BOT_USER: Final = {"id": 4242, "is_bot": True, "first_name": "物业客服", "username": "wuye_test_bot"}


@dataclass
class Sent:
    """One call of a message method as the server received it."""

    method: str
    chat_id: str
    at: float
    text: str | None = None
    message_id: int | None = None


@dataclass
class Violation:
    """A flood limit the bot broke: which, where, when."""

    limit: str
    chat_id: str
    at: float


@dataclass
class _Window:
    limit: int
    seconds: float
    times: deque[float] = field(default_factory=deque)

    def add(self, at: float) -> bool:
        """Record a message at `at`; False when the window now holds more than the limit."""
        horizon = at - self.seconds * (1 - TOLERANCE)
        while self.times and self.times[0] <= horizon:
            self.times.popleft()
        self.times.append(at)
        return len(self.times) <= self.limit


class FakeBotApi:
    """The fake server; `await start()`, then point the bot at `url`."""

    def __init__(self, token: str, *, host: str = "127.0.0.1") -> None:
        self.token = token
        self.host = host
        self.port = 0
        self.chats: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)  # chat → message id → message
        self.sent: list[Sent] = []
        self.answers: list[dict[str, Any]] = []  # answerCallbackQuery calls
        self.keyboards: dict[str, dict[str, Any]] = {}  # chat → the reply keyboard it shows
        self.violations: list[Violation] = []
        self.requests: defaultdict[str, int] = defaultdict(int)
        self.webhook: dict[str, Any] | None = None
        self.mode = "up"  # up | 502 | refuse
        self._floods: defaultdict[str, int] = defaultdict(int)
        self.flood_seconds = 1
        self._migrated: dict[str, int] = {}  # old group id → its supergroup's id
        self._files: dict[str, tuple[str, bytes]] = {}  # file id → (path, bytes)
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids: defaultdict[str, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._callback_ids = itertools.count(1)
        self._overall = _Window(OVERALL_PER_SECOND, 1.0)
        self._per_chat: dict[str, _Window] = {}
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._http: ClientSession | None = None

    # --- lifetime -------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API root to give the bot (WUYE_TELEGRAM_API_URL)."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Serve on a free port (kept across `refuse()` / `restore()`)."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port)
        await self._site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        """Stop serving and close the webhook client."""
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def refuse(self) -> None:
        """Go away: connections to the port are refused until `restore()`."""
        self.mode = "refuse"
        if self._site is not None:
            await self._site.stop()
            self._site = None

    def fail(self) -> None:
        """Answer every request with 502 Bad Gateway until `restore()`."""
        self.mode = "502"

    async def restore(self) -> None:
        """Back to normal service."""
        if self._site is None and self._runner is not None:
            self._site = web.TCPSite(self._runner, self.host, self.port)
            await self._site.start()
        self.mode = "up"

    def flood(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` get 429 Too Many Requests with `parameters.retry_after`."""
        self._floods[method] += times
        self.flood_seconds = retry_after

    def migrate(self, chat_id: str | int, to_chat_id: str | int) -> None:
        """Upgrade a group to a supergroup: from now on calls to `chat_id` fail with `migrate_to_chat_id`."""
        self._migrated[str(chat_id)] = int(to_chat_id)

    # --- what the bot did -----------------------------------------------------------------------------------------

    def messages(self, chat_id: str | int) -> list[dict[str, Any]]:
        """The chat's messages from the bot, oldest first, as they look now (edits applied)."""
        chat = self.chats.get(str(chat_id), {})
        return [m for _, m in sorted(chat.items()) if m.get("from", {}).get("id") == BOT_USER["id"]]

    def texts(self, chat_id: str | int) -> list[str]:
        """The texts of the chat's bot messages (captions of photos count as text; photos without one are skipped)."""
        return [m.get("text") or m.get("caption") or "" for m in self.messages(chat_id) if "text" in m]

    def sent_to(self, chat_id: str | int, method: str | None = None) -> list[Sent]:
        """Every message call into a chat, in order of arrival."""
        return [s for s in self.sent if s.chat_id == str(chat_id) and (method is None or s.method == method)]

    # --- what users do --------------------------------------------------------------------------------------------

    def add_file(self, data: bytes, *, kind: str = "photos", suffix: str = "jpg") -> dict[str, Any]:
        """Store a user's upload; returns {file_id, file_unique_id, file_size}."""
        digest = hashlib.sha256(data).hexdigest()[:16]
        file_id = f"F{digest}{len(self._files)}"
        self._files[file_id] = (f"{kind}/file_{len(self._files)}.{suffix}", data)
        return {"file_id": file_id, "file_unique_id": f"U{digest}", "file_size": len(data)}

    def user_message(
        self,
        chat_id: int,
        user: dict[str, Any],
        *,
        text: str | None = None,
        photo: bytes | None = None,
        voice: bytes | None = None,
        caption: str | None = None,
        reply_to: int | None = None,
        chat_type: str | None = None,
        title: str | None = None,
    ) -> dict[str, Any]:
        """A user's message in a chat (kept in the chat), wrapped in a new update."""
        chat = _chat(chat_id, chat_type, title, user)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[str(chat_id)]),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if photo is not None:
            file = self.add_file(photo)
            message["photo"] = [
                {**self.add_file(photo[: max(1, len(photo) // 4)]), "width": 90, "height": 90},
                {**file, "width": 1280, "height": 960},
            ]
        if voice is not None:
            message["voice"] = {**self.add_file(voice, kind="voice", suffix="oga"), "duration": 3}
        if caption is not None:
            message["caption"] = caption
        if reply_to is not None:
            message["reply_to_message"] = self.chats[str(chat_id)][reply_to]
        self.chats[str(chat_id)][message["message_id"]] = message
        return self.update(message=message)

    def press(self, chat_id: int, message_id: int, user: dict[str, Any], data: str) -> dict[str, Any]:
        """A user pressing an inline button of a bot message: a callback_query update."""
        message = self.chats[str(chat_id)][message_id]
        query = {
            "id": f"{next(self._callback_ids)}{user['id']}",
            "from": user,
            "message": message,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self.update(callback_query=query)

    def bot_added(self, chat_id: int, title: str, by: dict[str, Any]) -> dict[str, Any]:
        """The bot was added to a group: a my_chat_member update."""
        return self.update(
            my_chat_member={
                "chat": _chat(chat_id, "group", title, by),
                "from": by,
                "date": int(time.time()),
                "old_chat_member": {"status": "left", "user": BOT_USER},
                "new_chat_member": {"status": "member", "user": BOT_USER},
            }
        )

    def update(self, **body: Any) -> dict[str, Any]:
        """A new update with the next update_id."""
        return {"update_id": next(self._update_ids), **body}

    async def deliver(self, update: dict[str, Any]) -> int:
        """Hand an update to the bot: posted to the webhook (returns its status) or queued for getUpdates (200)."""
        if self.webhook is not None:
            if self._http is None:
                self._http = ClientSession()
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            async with self._http.post(self.webhook["url"], json=update, headers=headers) as response:
                await response.read()
                return response.status
        async with self._new_update:
            self._updates.append(update)
            self._new_update.notify_all()
        return 200

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    # --- the API --------------------------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if self.mode == "refuse" and request.transport is not None:  # a kept-alive connection dies too
            request.transport.close()
        if self.mode in ("502", "refuse"):
            return web.Response(status=502, text="<html>502 Bad Gateway</html>", content_type="text/html")
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.requests[method] += 1
        params, files = await _params(request)
        if self._floods[method] > 0:
            self._floods[method] -= 1
            return _error(429, f"Too Many Requests: retry after {self.flood_seconds}", retry_after=self.flood_seconds)
        moved_to = self._migrated.get(str(params.get("chat_id", "")))
        if moved_to is not None:
            return _error(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id=moved_to)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        try:
            result = await handler(params, files) if asyncio.iscoroutinefunction(handler) else handler(params, files)
        except _ApiError as error:
            return _error(error.code, error.description)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if self.mode != "up":
            return web.Response(status=502)
        if request.match_info["token"] not in (self.token, self.token.replace(":", "%3A")):
            return web.Response(status=401)
        path = request.match_info["path"]
        for stored_path, data in self._files.values():
            if stored_path == path:
                return web.Response(body=data, content_type="application/octet-stream")
        return web.Response(status=404)

    def _count(self, method: str, chat_id: str, text: str | None, message_id: int | None) -> None:
        at = asyncio.get_running_loop().time()
        self.sent.append(Sent(method, chat_id, at, text, message_id))
        if not self._overall.add(at):
            self.violations.append(Violation("overall 30/s", chat_id, at))
        window = self._per_chat.get(chat_id)
        if window is None:
            window = _Window(GROUP_PER_MINUTE, 60.0) if is_group_chat(chat_id) else _Window(PRIVATE_PER_SECOND, 1.0)
            self._per_chat[chat_id] = window
        if not window.add(at):
            self.violations.append(Violation("group 20/min" if is_group_chat(chat_id) else "chat 1/s", chat_id, at))

    def _new_message(self, chat_id: str, **content: Any) -> dict[str, Any]:
        chat_type = "supergroup" if is_group_chat(chat_id) else "private"
        message = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": chat_type},
            "from": BOT_USER,
            **content,
        }
        self.chats[chat_id][message["message_id"]] = message
        return message

    def _m_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return BOT_USER

    def _m_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat_id, text = _chat_id(params), params.get("text", "")
        if not text:
            raise _ApiError(400, "Bad Request: message text is empty")
        content: dict[str, Any] = {"text": text}
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup  # a message shows only inline keyboards
        elif markup:
            self.keyboards[chat_id] = markup  # the keyboard under the user's text box
        message = self._new_message(chat_id, **content)
        self._count("sendMessage", chat_id, text, message["message_id"])
        return message

    def _m_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        data = _upload(params.get("photo"), files)
        file = self.add_file(data)
        content: dict[str, Any] = {"photo": [{**file, "width": 1280, "height": 960}]}
        if params.get("caption"):
            content["caption"] = params["caption"]
        message = self._new_message(chat_id, **content)
        self._count("sendPhoto", chat_id, None, message["message_id"])
        return message

    def _m_sendMediaGroup(self, params: dict[str, Any], files: dict[str, bytes]) -> list[dict[str, Any]]:
        chat_id = _chat_id(params)
        media = json.loads(params.get("media", "[]"))
        if not 2 <= len(media) <= 10:
            raise _ApiError(400, "Bad Request: wrong number of media in the group")
        group = f"G{time.monotonic_ns()}"
        sent = []
        for item in media:
            file = self.add_file(_upload(item.get("media"), files))
            photo = [{**file, "width": 1280, "height": 960}]
            sent.append(self._new_message(chat_id, photo=photo, media_group_id=group))
        self._count("sendMediaGroup", chat_id, None, sent[0]["message_id"])
        return sent

    def _m_editMessageText(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat_id, message = self._editable(params)
        markup = json.loads(params["reply_markup"]) if params.get("reply_markup") else None
        if message.get("text") == params.get("text") and message.get("reply_markup") == markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        message["text"] = params.get("text", "")
        message["edit_date"] = int(time.time())
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        self._count("editMessageText", chat_id, message["text"], message["message_id"])
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat_id, message = self._editable(params)
        if params.get("reply_markup"):
            message["reply_markup"] = json.loads(params["reply_markup"])
        else:
            message.pop("reply_markup", None)
        self._count("editMessageReplyMarkup", chat_id, None, message["message_id"])
        return message

    def _editable(self, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        chat_id = _chat_id(params)
        message = self.chats.get(chat_id, {}).get(int(params.get("message_id", 0)))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != BOT_USER["id"]:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return chat_id, message

    def _m_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        self.answers.append(
            {
                "callback_query_id": params.get("callback_query_id"),
                "text": params.get("text"),
                "show_alert": params.get("show_alert") in ("true", "True", True),
            }
        )
        return True

    def _m_getFile(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        stored = self._files.get(params.get("file_id", ""))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path, data = stored
        file_id = params["file_id"]
        return {"file_id": file_id, "file_unique_id": "U" + file_id, "file_size": len(data), "file_path": path}

    def _m_setWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    def _m_deleteWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        self.webhook = None
        return True

    async def _m_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._new_update:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._new_update.wait(), timeout)
            return self._updates[:limit]


class _ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _error(code: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


async def _params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The call's parameters (strings) and uploaded files by part name."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in (await request.json()).items()})
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, FileField):
                files[key] = value.file.read()
                params.setdefault(key, f"attach://{key}")
            else:
                params[key] = value
    return params, files


def _upload(value: Any, files: dict[str, bytes]) -> bytes:
    if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
        return files[value[9:]]
    raise _ApiError(400, "Bad Request: there is no photo in the request")


def _chat_id(params: dict[str, Any]) -> str:
    chat_id = str(params.get("chat_id", "")).strip()
    if not chat_id.lstrip("-").isdigit():
        raise _ApiError(400, "Bad Request: chat not found")
    return str(int(chat_id))


def _chat(chat_id: int, chat_type: str | None, title: str | None, user: dict[str, Any]) -> dict[str, Any]:
    kind = chat_type or ("supergroup" if chat_id < 0 else "private")
    if kind == "private":
        return {"id": chat_id, "type": "private", "first_name": user.get("first_name", "")}
    return {"id": chat_id, "type": kind, "title": title or f"group {chat_id}"}
