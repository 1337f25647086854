"""Our channel-neutral replies as Telegram markup: inline buttons, and the residents' persistent menu."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from dialogs import MENU, Wording

#: Telegram's limit on callback_data, in bytes.
MAX_CALLBACK_BYTES: Final = 64
#: Telegram's limit on a message's text, in characters.
MAX_TEXT_CHARS: Final = 4096

_log = logging.getLogger(__name__)


def inline_markup(payload: Mapping[str, Any]) -> InlineKeyboardMarkup | None:
    """The payload's button rows as an inline keyboard (`large`: one big button per row); None without buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    for row in payload.get("buttons") or []:
        keys = [_button(button) for button in row]
        keys = [key for key in keys if key is not None]
        if payload.get("large"):
            rows += [[key] for key in keys]
        elif keys:
            rows.append(keys)
    return InlineKeyboardMarkup(rows) if rows else None


def _button(button: Mapping[str, Any]) -> InlineKeyboardButton | None:
    data = str(button.get("payload", ""))
    if not data or len(data.encode()) > MAX_CALLBACK_BYTES:
        _log.warning("button %r dropped: its payload does not fit Telegram's 64 bytes", button.get("label"))
        return None
    return InlineKeyboardButton(str(button.get("label", ""))[:64], callback_data=data)


def menu_keyboard(wording: Wording) -> ReplyKeyboardMarkup:
    """The residents' persistent menu under the text box: the dialogs' menu keys, row by row."""
    rows = [[KeyboardButton(wording(f"menu.{key}")) for key in row] for row in MENU]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, is_persistent=True)


def menu_payloads(wording: Wording) -> dict[str, str]:
    """What a press of each menu key sends (its label as text) → the payload the dialogs understand."""
    return {wording(f"menu.{key}"): f"menu:{key}" for row in MENU for key in row}


def fit_text(text: str) -> str:
    """Text cut to Telegram's 4096 characters (a longer message would be refused)."""
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"
