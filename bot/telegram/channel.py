"""The Telegram plugin: sender for the outbox worker, webhook route or polling task, the bot's lifetime."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Final

from aiohttp import web
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.asr import transcribe_incoming
from bot.community import CommunityChoice
from bot.delivery.photos import PhotoSource
from bot.http import add_background_task, keys
from bot.telegram.client import make_bot, webhook_secret
from bot.telegram.context import TelegramContext
from bot.telegram.limits import ChatLimits
from bot.telegram.linking import link_key
from bot.telegram.render import menu_keyboard
from bot.telegram.sender import CHANNEL, TelegramSender
from bot.telegram.staff import group_migrated
from bot.telegram.updates import ALLOWED_UPDATES, UpdateHandler
from bot.telegram.webhook import poll_updates, sleep_until_stopped, webhook_route
from dialogs import default_wording
from storage.attachments.store import FileStore

__all__ = ["TELEGRAM", "TelegramChannel", "install"]

#: Seconds the bot gets to say who it is (getMe) on startup before the service goes on without.
START_TIMEOUT: Final = 10.0
#: Seconds between attempts to register the webhook while Telegram cannot be reached.
WEBHOOK_RETRY_SECONDS: Final = 30.0

_log = logging.getLogger(__name__)


class TelegramChannel:
    """The running channel: the bot, the update handler and the sender."""

    def __init__(self, context: TelegramContext, handler: UpdateHandler, sender: TelegramSender) -> None:
        self.context = context
        self.handler = handler
        self.sender = sender


#: The Telegram channel of an app, when it runs one.
TELEGRAM: Final = web.AppKey("wuye_telegram", TelegramChannel)


def install(app: web.Application, *, poll_timeout: float | None = None, community: str | None = None) -> None:
    """Plugin: Telegram on when WUYE_TELEGRAM_TOKEN is set; a webhook when WUYE_TELEGRAM_WEBHOOK_URL is set,
    else long polling."""
    settings = app[keys.SETTINGS]
    bot = make_bot(settings) if poll_timeout is None else make_bot(settings, poll_timeout=poll_timeout)
    files = FileStore(settings.data_dir / "files")
    wording = default_wording()

    def wake() -> None:
        worker = app.get(keys.OUTBOX_WORKER)
        if worker is not None:
            worker.wake()

    context = TelegramContext(
        bot=bot,
        sessions=app[keys.SESSIONMAKER],
        clock=app[keys.CLOCK],
        files=files,
        community=CommunityChoice(community),
        wording=wording,
        link_key=link_key(settings.telegram_token or ""),
        wake=wake,
        metrics=app[keys.METRICS],
        hear=lambda incoming: transcribe_incoming(app, incoming),
    )
    handler = UpdateHandler(context)
    sender = TelegramSender(
        bot,
        PhotoSource(app[keys.SESSIONMAKER], files),
        menu_keyboard(wording),
        ChatLimits(),
        on_migrated=lambda chat, to_chat: group_migrated(context, chat, to_chat),
    )
    app[TELEGRAM] = TelegramChannel(context, handler, sender)
    app[keys.SENDERS][CHANNEL] = sender
    app.cleanup_ctx.append(_bot_lifetime)
    if settings.telegram_webhook_url:
        secret = webhook_secret(settings)
        app.router.add_routes([webhook_route(handler, bot, secret)])
        url = settings.telegram_webhook_url
        add_background_task(app, "telegram webhook", lambda stop: _set_webhook(bot, url, secret, stop))
    else:
        timeout = 25.0 if poll_timeout is None else poll_timeout
        add_background_task(app, "telegram polling", lambda stop: poll_updates(handler, bot, stop, timeout=timeout))


async def _bot_lifetime(app: web.Application) -> AsyncIterator[None]:
    bot = app[TELEGRAM].context.bot
    try:
        await asyncio.wait_for(bot.initialize(), START_TIMEOUT)
        _log.info("telegram: signed in as @%s", bot.username)
    except (TelegramError, TimeoutError) as error:
        _log.warning("telegram: getMe failed (%s); sending will be retried through the outbox", error)
    yield
    await bot.shutdown()


async def _set_webhook(bot: ExtBot[None], url: str, secret: str, stop: asyncio.Event) -> None:
    """Tell Telegram where to post updates; retried until it works or the service stops."""
    while not stop.is_set():
        try:
            await bot.set_webhook(url=url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))
            _log.info("telegram: webhook set to %s", url)
            return
        except TelegramError as error:
            _log.warning("telegram: setWebhook failed, retrying in %.0f s: %s", WEBHOOK_RETRY_SECONDS, error)
        await sleep_until_stopped(stop, WEBHOOK_RETRY_SECONDS)
