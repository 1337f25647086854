"""What the Telegram update handlers share: the bot, the database, the clock, files, wording, the worker."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Message
from telegram.ext import ExtBot

from bot.community import CommunityChoice
from bot.metrics import Metrics
from dialogs import Incoming, Outgoing, Wording
from storage.attachments.store import FileStore
from storage.clock import Clock
from storage.outbox.service import enqueue

#: Telegram lets bots download files up to this size, in bytes.
MAX_DOWNLOAD_BYTES: Final = 20 * 1024 * 1024


@dataclass(frozen=True)
class TelegramContext:
    """The shared objects of one running Telegram channel."""

    bot: ExtBot[None]
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    files: FileStore
    community: CommunityChoice
    wording: Wording
    link_key: bytes
    wake: Callable[[], None]
    metrics: Metrics | None = None
    #: Fills a voice note's transcript (`bot.asr.transcribe_incoming`); the dialogs keep the recording.
    hear: Callable[[Incoming], Awaitable[Incoming]] | None = None

    async def download(self, file_id: str, size: int | None) -> bytes | None:
        """The file's bytes via getFile and the file URL; None when it is too large for a bot to fetch."""
        if size is not None and size > MAX_DOWNLOAD_BYTES:
            return None
        file = await self.bot.get_file(file_id)
        return bytes(await file.download_as_bytearray())


async def queue_text(
    session: AsyncSession, context: TelegramContext, *, chat_id: str, text: str, kind: str, key: str, **extra: Any
) -> None:
    """Queue a plain text message to a chat through the outbox, once per `key`."""
    payload = Outgoing(text=text).to_dict() | extra
    await enqueue(
        session,
        channel="telegram",
        recipient=chat_id,
        kind=kind,
        payload=payload,
        dedupe_key=f"tg:{key}",
        now=context.clock.now(),
    )


def command_of(message: Message) -> tuple[str | None, str]:
    """(`/command` without `@botname`, its argument) of a command message; (None, text) otherwise."""
    text = (message.text or message.caption or "").strip()
    if not text.startswith("/"):
        return None, text
    head, _, rest = text.partition(" ")
    return head.split("@", 1)[0].lower(), rest.strip()
