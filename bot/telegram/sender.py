"""The Telegram `ChannelSender`: outbox payloads → sendMessage / sendPhoto / sendMediaGroup / editMessageText.

Returns "<chat id>:<message id>" of the text message, which a later card update edits. Telegram's
answers become the outbox's outcomes: RetryAfter → retry after that long (not counted against the
message), unreachable or 5xx → pause the channel, blocked / chat gone / refused payload → give up.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Final, TypeVar

from telegram import InputMediaPhoto, Message, ReplyKeyboardMarkup
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ExtBot
from telegram.warnings import PTBDeprecationWarning

from bot.delivery import ChannelUnavailable, PermanentFailure, RetryLater
from bot.delivery.photos import MAX_PHOTOS, PhotoSource
from bot.telegram.limits import ChatLimits, is_group_chat
from bot.telegram.render import fit_text, inline_markup
from storage.outbox import OutboxMessage

__all__ = ["CHANNEL", "OUTAGE_PAUSE_SECONDS", "TelegramSender"]

#: The channel name in the outbox, inbound log and identities.
CHANNEL: Final = "telegram"
#: How long the channel is paused when Telegram cannot be reached, before the next try.
OUTAGE_PAUSE_SECONDS: Final = 5.0
#: How long the channel is paused when Telegram refuses the token (a configuration problem).
BAD_TOKEN_PAUSE_SECONDS: Final = 60.0
#: BadRequest texts meaning "the message to edit is gone": send a new one instead.
_EDIT_GONE: Final = ("message to edit not found", "message can't be edited", "message_id_invalid")

_T = TypeVar("_T")
_log = logging.getLogger(__name__)


class TelegramSender:
    """Delivers outbox messages to Telegram chats, keeping the per-chat flood limits."""

    channel = CHANNEL

    def __init__(
        self,
        bot: ExtBot[None],
        photos: PhotoSource,
        menu: ReplyKeyboardMarkup,
        limits: ChatLimits | None = None,
        *,
        on_migrated: Callable[[str, str], Awaitable[None]] | None = None,
    ) -> None:
        self.bot = bot
        self.photos = photos
        self.menu = menu
        self.limits = limits or ChatLimits()
        self.on_migrated = on_migrated
        self._moved: dict[str, str] = {}  # group → its supergroup, for messages queued before the upgrade

    async def send(self, message: OutboxMessage) -> str | None:
        """Deliver one outbox message; returns "<chat>:<message id>" of the text message."""
        payload = message.payload if isinstance(message.payload, dict) else {}
        if not isinstance(payload.get("text"), str) or not payload["text"].strip():
            raise PermanentFailure(f"outbox {message.id}: no text to send")
        try:
            return await self._send_or_follow(message.recipient, message, payload)
        except RetryAfter as error:
            raise RetryLater(_seconds(error), "Telegram flood control", counted=False) from error
        except (Forbidden, ChatMigrated) as error:
            raise PermanentFailure(f"{type(error).__name__}: {error}") from error
        except BadRequest as error:
            raise PermanentFailure(f"BadRequest: {error}") from error
        except InvalidToken as error:
            raise ChannelUnavailable(BAD_TOKEN_PAUSE_SECONDS, "Telegram refuses the bot token") from error
        except NetworkError as error:
            raise ChannelUnavailable(OUTAGE_PAUSE_SECONDS, f"Telegram unreachable: {error}") from error

    async def _send_or_follow(self, chat: str, message: OutboxMessage, payload: dict[str, Any]) -> str:
        """Send to `chat`; a group upgraded to a supergroup is re-registered and the message goes to its new id
        (as a new message: the old group's messages cannot be edited there)."""
        chat = self._moved.get(chat, chat)
        try:
            return await self._send(chat, message, payload)
        except ChatMigrated as error:
            to_chat = str(error.new_chat_id)
            self._moved[chat] = to_chat
            if self.on_migrated is not None:
                await self.on_migrated(chat, to_chat)
            return await self._send(to_chat, message, {**payload, "edit_ref": None})

    async def _send(self, chat: str, message: OutboxMessage, payload: dict[str, Any]) -> str:
        text = fit_text(payload["text"])
        edit_ref = payload.get("edit_ref")
        if edit_ref:
            edited = await self._edit(str(edit_ref), text, payload)
            if edited is not None:
                return edited
        photos = await self.photos.photos_for(message)
        for start in range(0, len(photos), MAX_PHOTOS):
            chunk = photos[start : start + MAX_PHOTOS]
            if len(chunk) == 1:
                await self._limited(chat, lambda c=chunk: self.bot.send_photo(chat_id=chat, photo=c[0]))
            else:
                media = [InputMediaPhoto(data) for data in chunk]
                await self._limited(chat, lambda m=media: self.bot.send_media_group(chat_id=chat, media=m))
        markup = inline_markup(payload)
        if markup is None and not is_group_chat(chat):
            markup = self.menu  # residents keep the menu under the text box
        sent: Message = await self._limited(
            chat, lambda: self.bot.send_message(chat_id=chat, text=text, reply_markup=markup)
        )
        return f"{chat}:{sent.message_id}"

    async def _edit(self, edit_ref: str, text: str, payload: dict[str, Any]) -> str | None:
        """Edit the message `edit_ref` in place; None when it is gone (then a new one is sent)."""
        chat, _, message_id = edit_ref.rpartition(":")
        if not chat or not message_id.isdigit():
            return None
        try:
            await self._limited(
                chat,
                lambda: self.bot.edit_message_text(
                    chat_id=chat, message_id=int(message_id), text=text, reply_markup=inline_markup(payload)
                ),
            )
        except BadRequest as error:
            reason = str(error).lower()
            if "not modified" in reason:
                return edit_ref
            if any(gone in reason for gone in _EDIT_GONE):
                _log.info("telegram: message %s cannot be edited (%s); sending a new one", edit_ref, error)
                return None
            raise
        return edit_ref

    async def _limited(self, chat: str, call: Callable[[], Awaitable[_T]]) -> _T:
        async with self.limits.pacer(chat):
            return await call()


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # int today, timedelta in PTB 23: both are handled
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
