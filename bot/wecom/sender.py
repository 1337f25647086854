"""The WeCom `ChannelSender`: outbox messages as app messages (text, button cards, card updates) to members or
departments, and as posts of a department's group robot. Keeps WeCom's sending limits by asking the worker to
retry later (never dropping). Reads only the card response codes (`CardTasks`) from the database."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from typing import Any, Final

from bot.delivery import PermanentFailure, RetryLater
from bot.wecom.cards import MAX_BUTTONS, Destination, button_card, card_fits, parse_destination, split_text
from bot.wecom.client import TransportError, WeComClient, WeComError
from bot.wecom.limits import SendLimits
from bot.wecom.tasks import CardTasks
from nlu.phone import find_phones, mask_phone
from storage.outbox import OutboxMessage

__all__ = ["CHANNEL", "WeComSender"]

CHANNEL: Final = "wecom"
#: Seconds to wait after WeCom said it is busy or rate-limited us.
BUSY_RETRY_SECONDS: Final = 60.0
#: Seconds to wait after WeCom could not be reached.
NETWORK_RETRY_SECONDS: Final = 10.0

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
    ) -> None:
        self.client = client
        self.robot_keys = dict(robot_keys)
        self.limits = limits or SendLimits()
        self.tasks = tasks
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
            text = _masked(text)  # a group: nobody there may read a resident's full number
        buttons = [b for row in payload.get("buttons") or [] for b in row if isinstance(b, dict)]
        previous = _parse_ref(payload.get("edit_ref"))
        is_edit = "edit_of" in payload
        done = self._done.setdefault(message.id, {})
        wanted = self._wanted(destination, text, buttons, done)
        wait = await self.limits.reserve(wanted)
        if wait:
            raise RetryLater(wait, f"WeCom sending limit: wait {wait:.1f} s")
        try:
            for robot in destination.robots:
                if f"robot:{robot}" not in done:
                    await self._post_robot(robot, text, follow_up=is_edit and previous.get("robot") is True)
                    done[f"robot:{robot}"] = True
            if destination.has_app and "app" not in done:
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
        self, destination: Destination, text: str, buttons: list[dict[str, str]], done: dict[str, Any]
    ) -> list[tuple[str, str, int]]:
        wanted = [("robot", robot, 1) for robot in destination.robots if f"robot:{robot}" not in done]
        if destination.has_app and "app" not in done:
            cost = _app_message_count(text, buttons)
            audience = destination.audience
            wanted += [("member", f"user:{user}", cost) for user in audience.users]
            wanted += [("member", f"party:{party}", cost) for party in audience.parties]
            wanted += [("member", f"tag:{tag}", cost) for tag in audience.tags]
        return wanted

    async def _post_robot(self, robot: str, text: str, *, follow_up: bool) -> None:
        """A group robot post, phones masked: the whole card, or after an edit one line of what changed."""
        key = self.robot_keys[robot]
        if follow_up:
            lines = [line for line in _masked(text).strip().splitlines() if line.strip()]
            summary = f"**{lines[0]}**" + (f"\n> {lines[-1]}" if len(lines) > 1 else "")
            await self.client.robot_send(key, "markdown", split_text(summary, 4096)[0])
            return
        for piece in split_text(_masked(text)):
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
        if not (card_fits(text) and len(buttons) <= MAX_BUTTONS):
            for piece in split_text(text):
                await self.client.send_text(audience, piece)
        ref: dict[str, Any] = {}
        for start in range(0, len(buttons), MAX_BUTTONS):
            task_id = _task_id(message.id, start // MAX_BUTTONS)
            card = button_card(text, buttons[start : start + MAX_BUTTONS], task_id)
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


def _masked(text: str) -> str:
    """Every phone number in `text` masked (group chats never show a resident's full number)."""
    for phone, start, end in sorted(find_phones(text), key=lambda found: -found[1]):
        text = text[:start] + mask_phone(phone) + text[end:]
    return text
