"""The WeCom `ChannelSender`: outbox messages as app messages (photos, text, button cards, card updates) to members
or departments, and as posts of a department's group robot (photos, text).

Photos (a message's `attachment_ids`, or a new ticket card's photos) come before the text, as on Telegram: to the
app audience uploaded as temporary media (≤ 10 MB) and sent by media id, to a group robot as base64 with its md5
(≤ 2 MB); both take JPG and PNG only, so other photos are left out (logged) and the text still goes.

Keeps WeCom's sending limits (each photo is a message) by asking the worker to retry later, never dropping. Reads
the photos and the card response codes (`CardTasks`) from the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.delivery import PermanentFailure, RetryLater
from bot.delivery.photos import PhotoSource
from bot.wecom.cards import MAX_BUTTONS, Destination, button_card, card_fits, parse_destination, split_text
from bot.wecom.client import TransportError, WeComClient, WeComError
from bot.wecom.limits import SendLimits
from bot.wecom.tasks import CardTasks
from dialogs import Wording, default_wording
from nlu.phone import mask_phones_in
from storage.attachments.sniff import sniff
from storage.outbox import OutboxMessage

__all__ = ["CHANNEL", "WeComSender"]

CHANNEL: Final = "wecom"
#: Seconds to wait after WeCom said it is busy or rate-limited us.
BUSY_RETRY_SECONDS: Final = 60.0
#: Seconds to wait after WeCom could not be reached.
NETWORK_RETRY_SECONDS: Final = 10.0
#: Picture formats WeCom shows (app image messages and group robot images alike).
IMAGE_TYPES: Final = {"image/jpeg": "jpg", "image/png": "png"}
#: Temporary media (media/upload type=image): more than 5 bytes, at most 10 MB.
MIN_MEDIA_BYTES: Final = 6
MAX_APP_IMAGE_BYTES: Final = 10 * 1024 * 1024
#: A group robot's image, before base64.
MAX_ROBOT_IMAGE_BYTES: Final = 2 * 1024 * 1024
#: Seconds an uploaded photo's media id is reused (WeCom keeps temporary media 3 days).
MEDIA_REUSE_SECONDS: Final = 2 * 24 * 3600.0
#: Uploaded photos remembered at most.
MAX_MEDIA_CACHE: Final = 1000
#: errcode of a media id WeCom no longer knows.
INVALID_MEDIA: Final = 40007

_log = logging.getLogger(__name__)


class WeComSender:
    """Delivers `wecom` outbox messages. Recipient: a member's UserID, or a staff group's targets
    (`robot:<department>,party:<id>`; see `parse_destination`). Returns a JSON reference for later edits."""

    channel = CHANNEL

    def __init__(
        self,
        client: WeComClient,
        *,
        robot_keys: Mapping[str, str],
        tasks: CardTasks,
        limits: SendLimits | None = None,
        photos: PhotoSource | None = None,
        wording: Wording | None = None,
    ) -> None:
        self.client = client
        self.more_title = (wording or default_wording())("wecom.more_choices")
        self.robot_keys = dict(robot_keys)
        self.limits = limits or SendLimits()
        self.tasks = tasks
        self.photos = photos
        self._media: dict[str, tuple[str, float]] = {}  # photo sha256 → (media id, reuse until, monotonic)
        self._done: dict[int, dict[str, Any]] = {}  # parts of a message already delivered before a retry

    async def send(self, message: OutboxMessage) -> str | None:
        """Deliver one outbox message; raises RetryLater (limits, WeCom busy or down) or PermanentFailure."""
        payload = message.payload if isinstance(message.payload, dict) else {}
        text = payload.get("text")
        if not isinstance(text, str) or not text.strip():
            raise PermanentFailure(f"outbox {message.id}: no text to send")
        try:
            destination = parse_destination(message.recipient)
        except ValueError as error:
            raise PermanentFailure(f"outbox {message.id}: {error}") from None
        missing = [name for name in destination.robots if not self.robot_keys.get(name)]
        if missing:
            raise PermanentFailure(f"no group robot key for {', '.join(missing)} (WUYE_WECOM_ROBOT_<DEPARTMENT>)")
        if destination.robots or destination.audience.parties or destination.audience.tags:
            text = mask_phones_in(text)  # a group: nobody there may read a resident's full number
        buttons = [b for row in payload.get("buttons") or [] for b in row if isinstance(b, dict)]
        previous = _parse_ref(payload.get("edit_ref"))
        is_edit = "edit_of" in payload
        photos = [] if is_edit or self.photos is None else _photos(message, await self.photos.photos_for(message))
        robot_photos = [photo for photo in photos if photo.fits_robot]
        app_photos = [photo for photo in photos if photo.fits_app]
        done = self._done.setdefault(message.id, {})
        wanted = self._wanted(destination, text, buttons, done, robot_photos=robot_photos, app_photos=app_photos)
        wait = await self.limits.reserve(wanted)
        if wait:
            raise RetryLater(wait, f"WeCom sending limit: wait {wait:.1f} s")
        try:
            for robot in destination.robots:
                for index, photo in enumerate(robot_photos):
                    if f"robot:{robot}:photo:{index}" not in done:
                        await self._robot_photo(message, robot, photo)
                        done[f"robot:{robot}:photo:{index}"] = True
                if f"robot:{robot}" not in done:
                    await self._post_robot(robot, text, follow_up=is_edit and previous.get("robot") is True)
                    done[f"robot:{robot}"] = True
            if destination.has_app and "app" not in done:
                for index, photo in enumerate(app_photos):
                    if f"app:photo:{index}" not in done:
                        await self._app_photo(message, destination, photo)
                        done[f"app:photo:{index}"] = True
                if is_edit and previous.get("task"):
                    done["app"] = await self._update_card(message, destination, text, buttons, previous)
                else:
                    done["app"] = await self._send_app(message, destination, text, buttons)
        except WeComError as error:
            if error.busy:
                raise RetryLater(BUSY_RETRY_SECONDS, str(error)) from None
            self._done.pop(message.id, None)
            raise PermanentFailure(str(error)) from None
        except TransportError as error:
            raise RetryLater(NETWORK_RETRY_SECONDS, str(error)) from None
        self._done.pop(message.id, None)
        ref = dict(done.get("app") or {})
        if destination.robots:
            ref["robot"] = True
        return json.dumps(ref, sort_keys=True) if ref else None

    def _wanted(
        self,
        destination: Destination,
        text: str,
        buttons: list[dict[str, str]],
        done: dict[str, Any],
        *,
        robot_photos: list[Photo],
        app_photos: list[Photo],
    ) -> list[tuple[str, str, int]]:
        """The messages still to send, by limit counter: each photo is a message of its own."""
        wanted = []
        for robot in destination.robots:
            cost = sum(f"robot:{robot}:photo:{i}" not in done for i in range(len(robot_photos)))
            cost += f"robot:{robot}" not in done
            if cost:
                wanted.append(("robot", robot, cost))
        if destination.has_app and "app" not in done:
            cost = _app_message_count(text, buttons)
            cost += sum(f"app:photo:{i}" not in done for i in range(len(app_photos)))
            audience = destination.audience
            wanted += [("member", f"user:{user}", cost) for user in audience.users]
            wanted += [("member", f"party:{party}", cost) for party in audience.parties]
            wanted += [("member", f"tag:{tag}", cost) for tag in audience.tags]
        return wanted

    async def _robot_photo(self, message: OutboxMessage, robot: str, photo: Photo) -> None:
        """A photo in the group (base64 and md5); one WeCom refuses is left out, the text still goes."""
        try:
            await self.client.robot_image(self.robot_keys[robot], photo.data)
        except WeComError as error:
            if error.busy:
                raise
            _log.warning("outbox %s: photo %s not posted by robot %s: %s", message.id, photo.sha256[:12], robot, error)

    async def _app_photo(self, message: OutboxMessage, destination: Destination, photo: Photo) -> None:
        """A photo as an app image message: uploaded once as temporary media, its media id reused for 2 days."""
        for attempt in range(2):
            media_id = await self._media_id(photo, fresh=attempt > 0)
            try:
                await self.client.send_image(destination.audience, media_id)
                return
            except WeComError as error:
                if error.busy:
                    raise
                if error.errcode == INVALID_MEDIA and attempt == 0:
                    continue  # WeCom forgot the upload: upload again
                _log.warning("outbox %s: photo %s not sent: %s", message.id, photo.sha256[:12], error)
                return

    async def _media_id(self, photo: Photo, *, fresh: bool) -> str:
        cached = self._media.get(photo.sha256)
        if cached is not None and not fresh and cached[1] > time.monotonic():
            return cached[0]
        media_id = await self.client.upload_media("image", photo.data, f"photo.{photo.extension}", photo.mime)
        self._media.pop(photo.sha256, None)
        self._media[photo.sha256] = (media_id, time.monotonic() + MEDIA_REUSE_SECONDS)
        while len(self._media) > MAX_MEDIA_CACHE:
            self._media.pop(next(iter(self._media)))
        return media_id

    async def _post_robot(self, robot: str, text: str, *, follow_up: bool) -> None:
        """A group robot post, phones masked: the whole card, or after an edit one line of what changed."""
        key = self.robot_keys[robot]
        if follow_up:
            lines = [line for line in mask_phones_in(text).strip().splitlines() if line.strip()]
            summary = f"**{lines[0]}**" + (f"\n> {lines[-1]}" if len(lines) > 1 else "")
            await self.client.robot_send(key, "markdown", split_text(summary, 4096)[0])
            return
        for piece in split_text(mask_phones_in(text)):
            await self.client.robot_send(key, "text", piece, mention_all=True)

    async def _send_app(
        self, message: OutboxMessage, destination: Destination, text: str, buttons: list[dict[str, str]]
    ) -> dict[str, Any]:
        """Text, or a button card (the text first when it does not fit on the card); the first card's ref."""
        audience = destination.audience
        if not buttons:
            msgid = ""
            for piece in split_text(text):
                msgid = await self.client.send_text(audience, piece)
            return {"msgid": msgid}
        if not card_fits(text):
            for piece in split_text(text):
                await self.client.send_text(audience, piece)
        ref: dict[str, Any] = {}
        for start in range(0, len(buttons), MAX_BUTTONS):
            task_id = _task_id(message.id, start // MAX_BUTTONS)
            # More than six buttons: the text is on the first card only, the rest come under 更多选项.
            title = text if start == 0 else self.more_title
            card = button_card(title, buttons[start : start + MAX_BUTTONS], task_id)
            _msgid, code = await self.client.send_template_card(audience, card)
            await self.tasks.offer(task_id, code)
            ref = ref or {"task": task_id}  # the code is kept by `tasks`: WeCom's codes and msgids are long
        return ref

    async def _update_card(
        self,
        message: OutboxMessage,
        destination: Destination,
        text: str,
        buttons: list[dict[str, str]],
        previous: dict[str, Any],
    ) -> dict[str, Any]:
        """Replace the card in place with a response code; when none works (used, expired, refused), send the card
        again."""
        taken = await self.tasks.take(str(previous["task"]))
        task_id, code = taken.task_id, taken.code
        if code is None and not taken.known:  # a card sent before codes were kept: its ref's code, once
            code = previous.get("code")
        if code:
            try:
                await self.client.update_template_card(
                    destination.audience, str(code), button_card(text, buttons[:MAX_BUTTONS], task_id)
                )
                return {"task": task_id, "updated": True}
            except WeComError as error:
                if error.busy:
                    raise
                _log.info("outbox %s: card %s could not be updated (%s); sending it again", message.id, task_id, error)
        new = await self._send_app(message, destination, text, buttons)
        if new.get("task"):
            await self.tasks.moved(task_id, new["task"], "")
        return new


@dataclass(frozen=True)
class Photo:
    """A photo to show with a message, in a format WeCom takes."""

    data: bytes
    mime: str
    sha256: str

    @property
    def extension(self) -> str:
        return IMAGE_TYPES[self.mime]

    @property
    def fits_robot(self) -> bool:
        return len(self.data) <= MAX_ROBOT_IMAGE_BYTES

    @property
    def fits_app(self) -> bool:
        return MIN_MEDIA_BYTES <= len(self.data) <= MAX_APP_IMAGE_BYTES


def _photos(message: OutboxMessage, found: list[bytes]) -> list[Photo]:
    """The photos WeCom can show (JPG, PNG); the others are logged and left out."""
    photos = []
    for data in found:
        kind = sniff(data)
        if kind is None or kind.mime not in IMAGE_TYPES:
            _log.info("outbox %s: a %s photo is not shown on WeCom (JPG/PNG only)", message.id, kind and kind.mime)
            continue
        photos.append(Photo(data, kind.mime, hashlib.sha256(data).hexdigest()))
    return photos


def _app_message_count(text: str, buttons: list[dict[str, str]]) -> int:
    if not buttons:
        return len(split_text(text))
    cards = -(-len(buttons) // MAX_BUTTONS)
    extra_text = 0 if card_fits(text) and len(buttons) <= MAX_BUTTONS else len(split_text(text))
    return cards + extra_text


def _task_id(outbox_id: int, part: int) -> str:
    """Unique per app for ever (WeCom refuses a reused one): outbox id, part, random suffix; [A-Za-z0-9_-]."""
    return f"wy{outbox_id}-{part}-{secrets.token_hex(4)}"


def _parse_ref(ref: Any) -> dict[str, Any]:
    if not isinstance(ref, str) or not ref:
        return {}
    try:
        parsed = json.loads(ref)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
