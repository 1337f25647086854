"""The WeCom server API as our app and group robots use it: access_token, message/send, template card updates,
media upload and download, and group-robot webhooks. JSON in, JSON out; errors become `WeComError`."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

import aiohttp

__all__ = ["TOKEN_ERRORS", "Audience", "TransportError", "WeComClient", "WeComError"]

#: errcodes meaning "this access_token is no good": refresh it once and repeat the call.
TOKEN_ERRORS: Final = frozenset({40014, 42001})
#: errcodes meaning "too many calls / busy now": try again later.
BUSY_ERRORS: Final = frozenset({-1, 45009, 45033, 45047})
#: Seconds before its stated expiry that a token is treated as expired (clock skew, slow calls).
TOKEN_MARGIN_SECONDS: Final = 120.0
#: The largest media file we download (WeCom's own upload limits are 10 MB for images, 2 MB for voice).
MAX_MEDIA_BYTES: Final = 10 * 1024 * 1024

_log = logging.getLogger(__name__)


class WeComError(Exception):
    """WeCom answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str, api: str) -> None:
        super().__init__(f"{api}: errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg
        self.api = api

    @property
    def busy(self) -> bool:
        """A rate limit or a busy server: the same call may work later."""
        return self.errcode in BUSY_ERRORS


class TransportError(Exception):
    """WeCom could not be reached or answered something that is not its API (network, HTTP 5xx, bad JSON)."""


@dataclass(frozen=True)
class Audience:
    """Who an app message goes to: members (UserIDs), departments (party ids) and tags."""

    users: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def send_fields(self) -> dict[str, str]:
        """`touser`/`toparty`/`totag` of message/send."""
        found = {"touser": "|".join(self.users), "toparty": "|".join(self.parties), "totag": "|".join(self.tags)}
        return {key: value for key, value in found.items() if value}

    def update_fields(self) -> dict[str, Any]:
        """`userids`/`partyids`/`tagids` of update_template_card (everyone the card went to)."""
        return {
            "userids": list(self.users),
            "partyids": [int(p) for p in self.parties],
            "tagids": [int(t) for t in self.tags],
            "atall": 1,
        }


@dataclass
class _Token:
    value: str = ""
    expires: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class WeComClient:
    """One WeCom app (corp id, secret, agent id) at `api_url`, over the caller's aiohttp session or its own
    (opened on first use, closed by `close()`).

    The access_token is fetched once and cached until shortly before it expires; a call answered with an
    expired/invalid-token errcode fetches a new token and is repeated once.
    """

    def __init__(
        self,
        http: aiohttp.ClientSession | None = None,
        *,
        api_url: str,
        corp_id: str,
        secret: str,
        agent_id: str,
        monotonic: Callable[[], float] = time.monotonic,
        timeout: float = 10.0,
    ) -> None:
        self._http = http
        self._own_http = http is None
        self._base = api_url.rstrip("/") + "/cgi-bin/"
        self._corp_id = corp_id
        self._secret = secret
        self.agent_id = int(agent_id)
        self._monotonic = monotonic
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._token = _Token()

    @property
    def http(self) -> aiohttp.ClientSession:
        """The HTTP session (its own one is opened here, inside the running event loop)."""
        if self._http is None:
            self._http = aiohttp.ClientSession()
        return self._http

    async def close(self) -> None:
        """Close the HTTP session if the client opened it."""
        if self._own_http and self._http is not None:
            await self._http.close()
            self._http = None

    # --- access token ----------------------------------------------------------------------------------------

    async def access_token(self, *, refresh: bool = False, stale: str | None = None) -> str:
        """The cached token, fetched by gettoken when missing, expired, or (with `refresh`) equal to `stale`."""
        token = self._token
        async with token.lock:
            expired = self._monotonic() >= token.expires
            if token.value and not expired and not (refresh and token.value == stale):
                return token.value
            answer = await self._request(
                "GET", "gettoken", params={"corpid": self._corp_id, "corpsecret": self._secret}
            )
            value = answer.get("access_token")
            if not isinstance(value, str) or not value:
                raise TransportError("gettoken: no access_token in the answer")
            lifetime = float(answer.get("expires_in") or 7200)
            token.value = value
            token.expires = self._monotonic() + max(0.0, lifetime - min(TOKEN_MARGIN_SECONDS, lifetime / 10))
            return value

    async def _call(
        self,
        method: str,
        api: str,
        *,
        body: Any = None,
        form: aiohttp.FormData | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """An authenticated call; one retry with a fresh token when WeCom says the token is bad."""
        token = await self.access_token()
        try:
            return await self._request(
                method, api, params={**(params or {}), "access_token": token}, body=body, form=form
            )
        except WeComError as error:
            if error.errcode not in TOKEN_ERRORS:
                raise
            _log.info("wecom %s: access_token rejected (errcode %s), fetching a new one", api, error.errcode)
        token = await self.access_token(refresh=True, stale=token)
        return await self._request(method, api, params={**(params or {}), "access_token": token}, body=body, form=form)

    async def _request(
        self, method: str, api: str, *, params: dict[str, str], body: Any = None, form: aiohttp.FormData | None = None
    ) -> dict[str, Any]:
        data: Any = form
        headers = {}
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        try:
            async with self.http.request(
                method, self._base + api, params=params, data=data, headers=headers, timeout=self._timeout
            ) as response:
                if response.status >= 500:
                    raise TransportError(f"{api}: HTTP {response.status}")
                text = await response.text()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise TransportError(f"{api}: {type(error).__name__}: {error}") from error
        return _checked(api, text)

    # --- app messages ----------------------------------------------------------------------------------------

    async def send_message(self, to: Audience, msgtype: str, content: dict[str, Any]) -> dict[str, Any]:
        """message/send as the app; the answer (msgid, response_code for interactive cards)."""
        body = {**to.send_fields(), "msgtype": msgtype, "agentid": self.agent_id, msgtype: content}
        answer = await self._call("POST", "message/send", body=body)
        if answer.get("invaliduser") or answer.get("invalidparty") or answer.get("invalidtag"):
            _log.warning(
                "wecom message/send: some recipients are not reachable by the app: %s",
                {k: answer.get(k) for k in ("invaliduser", "invalidparty", "invalidtag") if answer.get(k)},
            )
        return answer

    async def send_text(self, to: Audience, text: str) -> str:
        """A text message (≤ 2048 bytes: the caller splits); its msgid."""
        return str((await self.send_message(to, "text", {"content": text})).get("msgid", ""))

    async def send_image(self, to: Audience, media_id: str) -> str:
        """An image message by media id (see `upload_media`); its msgid."""
        return str((await self.send_message(to, "image", {"media_id": media_id})).get("msgid", ""))

    async def send_template_card(self, to: Audience, card: dict[str, Any]) -> tuple[str, str]:
        """A template card; (msgid, response_code) — the code allows one update_template_card within 72 h."""
        answer = await self.send_message(to, "template_card", card)
        return str(answer.get("msgid", "")), str(answer.get("response_code", ""))

    async def update_template_card(self, to: Audience, response_code: str, card: dict[str, Any]) -> None:
        """Replace a sent interactive card for everyone it went to (uses up `response_code`)."""
        body = {**to.update_fields(), "agentid": self.agent_id, "response_code": response_code, "template_card": card}
        await self._call("POST", "message/update_template_card", body=body)

    # --- media -----------------------------------------------------------------------------------------------

    async def upload_media(self, kind: str, data: bytes, filename: str, content_type: str) -> str:
        """media/upload (temporary media, 3 days); the media_id."""
        form = aiohttp.FormData()
        form.add_field("media", data, filename=filename, content_type=content_type)
        answer = await self._call("POST", "media/upload", params={"type": kind}, form=form)
        media_id = answer.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise TransportError("media/upload: no media_id in the answer")
        return media_id

    async def download_media(self, media_id: str, *, max_bytes: int = MAX_MEDIA_BYTES) -> bytes:
        """media/get: the file's bytes (refreshing the token once if needed); WeComError when WeCom refuses."""
        for attempt in range(2):
            token = await self.access_token(refresh=attempt > 0, stale=self._token.value)
            try:
                async with self.http.get(
                    self._base + "media/get",
                    params={"access_token": token, "media_id": media_id},
                    timeout=self._timeout,
                ) as response:
                    if response.status >= 500:
                        raise TransportError(f"media/get: HTTP {response.status}")
                    if response.content_type in {"application/json", "text/plain"}:
                        try:
                            _checked("media/get", await response.text())
                        except WeComError as error:
                            if error.errcode in TOKEN_ERRORS and attempt == 0:
                                continue
                            raise
                        raise TransportError("media/get: JSON answer without an error")
                    data = await response.content.read(max_bytes + 1)
            except (aiohttp.ClientError, TimeoutError) as error:
                raise TransportError(f"media/get: {type(error).__name__}: {error}") from error
            if len(data) > max_bytes:
                raise TransportError(f"media/get: file larger than {max_bytes} bytes")
            return data
        raise TransportError("media/get: access_token refused twice")  # pragma: no cover - loop always returns

    # --- group robots ----------------------------------------------------------------------------------------

    async def robot_image(self, key: str, data: bytes) -> None:
        """Post a picture to a group robot: its base64 and the md5 of its bytes (JPG/PNG, ≤ 2 MB: the caller
        checks)."""
        checksum = hashlib.md5(data, usedforsecurity=False).hexdigest()  # WeCom's integrity check
        image = {"base64": base64.b64encode(data).decode("ascii"), "md5": checksum}
        await self._request("POST", "webhook/send", params={"key": key}, body={"msgtype": "image", "image": image})

    async def robot_send(self, key: str, msgtype: str, content: str, *, mention_all: bool = False) -> None:
        """Post to a group robot: `msgtype` text (≤ 2048 bytes) or markdown (≤ 4096 bytes)."""
        body: dict[str, Any] = {"msgtype": msgtype, msgtype: {"content": content}}
        if mention_all and msgtype == "text":
            body["text"]["mentioned_list"] = ["@all"]
        await self._request("POST", "webhook/send", params={"key": key}, body=body)


def _checked(api: str, text: str) -> dict[str, Any]:
    try:
        answer = json.loads(text)
    except ValueError:
        raise TransportError(f"{api}: answer is not JSON") from None
    if not isinstance(answer, dict):
        raise TransportError(f"{api}: answer is not a JSON object")
    errcode = answer.get("errcode", 0)
    if errcode not in (0, None):
        raise WeComError(int(errcode), str(answer.get("errmsg", "")), api)
    return answer
