"""The python-telegram-bot `ExtBot` for our settings: the API server, connection pools, the overall limiter."""

from __future__ import annotations

import hashlib
from typing import Final

from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.telegram.limits import overall_limiter

#: Seconds a long poll (getUpdates) waits at Telegram for new updates.
POLL_TIMEOUT: Final = 25
#: Connections for sending (the outbox worker sends to many chats at once).
SEND_CONNECTIONS: Final = 64


def make_bot(settings: Settings, *, poll_timeout: float = POLL_TIMEOUT) -> ExtBot[None]:
    """A bot for `settings.telegram_token` talking to `settings.telegram_api_url` (Telegram, a self-hosted
    Bot API server, or a test's fake); not yet initialised (no getMe)."""
    if not settings.telegram_token:
        raise ValueError("WUYE_TELEGRAM_TOKEN is not set")
    root = settings.telegram_api_url.rstrip("/")
    return ExtBot(
        settings.telegram_token,
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=HTTPXRequest(connection_pool_size=SEND_CONNECTIONS, read_timeout=10, media_write_timeout=30),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=poll_timeout + 10),
        rate_limiter=overall_limiter(),
    )


def webhook_secret(settings: Settings) -> str:
    """The webhook's secret token: WUYE_TELEGRAM_SECRET, else one derived from the bot token (never logged)."""
    if settings.telegram_secret:
        return settings.telegram_secret
    if not settings.telegram_token:
        raise ValueError("WUYE_TELEGRAM_TOKEN is not set")
    return hashlib.sha256(b"wuye-telegram-webhook\0" + settings.telegram_token.encode()).hexdigest()
