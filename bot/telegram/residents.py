"""Residents in private chats: text, photos, voice notes, menu keys and button presses → `dialogs.run_turn`."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message
from telegram.error import TelegramError

from bot.telegram.context import TelegramContext, command_of
from bot.telegram.render import menu_payloads
from bot.telegram.sender import CHANNEL
from dialogs import Incoming, Kind, TurnResult, run_turn

__all__ = ["resident_button", "resident_message"]

_log = logging.getLogger(__name__)


async def resident_message(context: TelegramContext, message: Message) -> TurnResult:
    """One message of a resident in the bot's private chat, as one dialog turn."""
    command, text = command_of(message)
    kind, payload, data = Kind.TEXT, None, None
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        kind, data = Kind.PHOTO, await _fetch(context, largest.file_id, largest.file_size)
    elif message.voice:
        kind, data = Kind.VOICE, await _fetch(context, message.voice.file_id, message.voice.file_size)
        text = ""
    elif command:
        text = command  # /start /help /status /cancel: the dialogs know them
    elif text in (menu := menu_payloads(context.wording)):
        kind, payload, text = Kind.BUTTON, menu[text], ""
    incoming = Incoming(
        channel=CHANNEL,
        sender_id=str(message.chat.id),
        message_id=str(message.message_id),
        kind=kind,
        text=text,
        payload=payload,
        data=data,
        sender_name=message.from_user.full_name if message.from_user else None,
    )
    if kind is Kind.VOICE and context.hear is not None:
        incoming = await context.hear(incoming)
    return await _turn(context, incoming)


async def resident_button(context: TelegramContext, query: CallbackQuery) -> TurnResult:
    """A resident pressed one of our inline buttons in the private chat."""
    chat_id = str(query.message.chat.id) if query.message else str(query.from_user.id)
    incoming = Incoming(
        channel=CHANNEL,
        sender_id=chat_id,
        message_id=f"cbq:{query.id}",
        kind=Kind.BUTTON,
        payload=query.data or "",
        ref=f"{chat_id}:{query.message.message_id}" if query.message else None,
        sender_name=query.from_user.full_name,
    )
    return await _turn(context, incoming)


async def _turn(context: TelegramContext, incoming: Incoming) -> TurnResult:
    community_id = await context.community.community_id(context.sessions)
    if context.metrics is not None:
        context.metrics.messages_in.labels(CHANNEL).inc()
        with context.metrics.handler_seconds.labels(CHANNEL).time():
            result = await _run(context, incoming, community_id)
    else:
        result = await _run(context, incoming, community_id)
    context.wake()
    return result


async def _run(context: TelegramContext, incoming: Incoming, community_id: int) -> TurnResult:
    return await run_turn(
        context.sessions,
        incoming,
        community_id=community_id,
        now=context.clock.now(),
        wording=context.wording,
        files=context.files,
    )


async def _fetch(context: TelegramContext, file_id: str, size: int | None) -> bytes | None:
    """The file's bytes, or None when it cannot be fetched (the dialogs then ask for text)."""
    try:
        return await context.download(file_id, size)
    except TelegramError as error:
        _log.warning("telegram: file %s not downloaded: %s", file_id, error)
        return None
