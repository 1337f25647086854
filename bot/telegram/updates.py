"""Telegram updates → our handlers: residents in private chats, staff buttons, group replies, group setup.

The same update may arrive twice (a webhook retried after a non-2xx, a poll after a crash): recent
update ids are skipped in memory, and every handler dedupes durably through the inbound log (messages by
chat and message id, button presses by callback query id). One chat's updates are handled one at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Iterable
from typing import Final

from telegram import Update
from telegram.constants import ChatType

from bot.telegram.context import TelegramContext, command_of
from bot.telegram.linking import looks_like_code
from bot.telegram.residents import resident_button, resident_message
from bot.telegram.staff import answer, bot_joined, group_message, group_migrated, link_account, staff_press
from dialogs import STAFF_PAYLOAD

__all__ = ["UpdateHandler"]

#: Update ids remembered to skip repeats without a database round trip.
REMEMBERED_UPDATES: Final = 10_000
#: The update types the bot asks Telegram for.
ALLOWED_UPDATES: Final = ("message", "callback_query", "my_chat_member")

_log = logging.getLogger(__name__)


class UpdateHandler:
    """Handles Telegram updates one by one (`handle`) or a poll's batch, chats in parallel (`handle_all`)."""

    def __init__(self, context: TelegramContext) -> None:
        self.context = context
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}

    async def handle_all(self, updates: Iterable[Update]) -> set[int]:
        """Handle a batch: each chat's updates in order, different chats concurrently. Returns the ids of the
        updates whose handling failed (logged by `handle`)."""
        by_chat: dict[str, list[Update]] = {}
        for update in updates:
            by_chat.setdefault(_chat_key(update), []).append(update)
        failed: set[int] = set()

        async def one_chat(batch: list[Update]) -> None:
            for update in batch:
                try:
                    await self.handle(update)
                except Exception:  # the chat's next update still runs
                    failed.add(update.update_id)

        await asyncio.gather(*(one_chat(batch) for batch in by_chat.values()))
        return failed

    async def handle(self, update: Update) -> None:
        """Handle one update once; errors are logged (the update is not retried forever)."""
        if update.update_id in self._seen:
            return
        try:
            async with self._lock(_chat_key(update)):
                await self._dispatch(update)
        except Exception:
            _log.exception("telegram: update %s failed", update.update_id)
            raise
        self._remember(update.update_id)

    def _lock(self, key: str) -> asyncio.Lock:
        if key not in self._locks and len(self._locks) >= REMEMBERED_UPDATES:
            for idle in [k for k, lock in self._locks.items() if not lock.locked()]:
                del self._locks[idle]
        return self._locks.setdefault(key, asyncio.Lock())

    async def _dispatch(self, update: Update) -> None:
        context = self.context
        if update.callback_query is not None:
            query = update.callback_query
            if (query.data or "").startswith(STAFF_PAYLOAD):
                return await staff_press(context, query)
            if query.message is not None and query.message.chat.type == ChatType.PRIVATE:
                await resident_button(context, query)
            return await answer(context, query)
        if update.my_chat_member is not None:
            return await bot_joined(context, update.update_id, update.my_chat_member)
        message = update.message
        if message is not None and message.migrate_to_chat_id:
            return await group_migrated(context, str(message.chat.id), str(message.migrate_to_chat_id))
        if message is None or message.from_user is None or message.from_user.is_bot:
            return None
        if message.chat.type != ChatType.PRIVATE:
            return await group_message(context, message)
        command, argument = command_of(message)
        if command == "/link" or (command == "/start" and looks_like_code(argument)):
            return await link_account(context, message, argument)
        await resident_message(context, message)
        return None

    def _remember(self, update_id: int) -> None:
        self._seen[update_id] = None
        while len(self._seen) > REMEMBERED_UPDATES:
            self._seen.popitem(last=False)


def _chat_key(update: Update) -> str:
    chat = update.effective_chat
    if chat is not None:
        return str(chat.id)
    user = update.effective_user
    return f"user:{user.id}" if user is not None else f"update:{update.update_id}"
