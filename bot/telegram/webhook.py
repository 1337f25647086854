"""Updates in: the webhook route on our aiohttp app (production) and long polling (development)."""

from __future__ import annotations

import asyncio
import hmac
import logging
from contextlib import suppress
from typing import Final

from aiohttp import web
from telegram import Update
from telegram.error import Conflict, TelegramError
from telegram.ext import ExtBot

from bot.telegram.updates import ALLOWED_UPDATES, UpdateHandler

__all__ = ["SECRET_HEADER", "WEBHOOK_PATH", "poll_updates", "sleep_until_stopped", "webhook_route"]

#: Where Telegram posts updates on our server.
WEBHOOK_PATH: Final = "/telegram/webhook"
#: The header carrying the secret token given to setWebhook.
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
#: Longest pause between polls while Telegram cannot be reached, in seconds.
MAX_POLL_BACKOFF: Final = 30.0
#: Handlings of one polled update before it is given up (logged), so one poisonous update cannot stall its chat.
MAX_UPDATE_TRIES: Final = 5

_log = logging.getLogger(__name__)


def webhook_route(handler: UpdateHandler, bot: ExtBot[None], secret: str) -> web.RouteDef:
    """`POST /telegram/webhook`: 403 without the right secret token; 200 once the update is handled."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="not a Telegram update")
        if update is None:
            return web.Response(status=400, text="not a Telegram update")
        try:
            await handler.handle(update)
        except Exception:  # logged by the handler; a 500 makes Telegram deliver it again
            return web.Response(status=500, text="update not handled")
        return web.Response(text="ok")

    return web.post(WEBHOOK_PATH, receive, name="telegram_webhook")


async def poll_updates(
    handler: UpdateHandler, bot: ExtBot[None], stop: asyncio.Event, *, timeout: float, pause: float = 1.0
) -> None:
    """Long-poll getUpdates until `stop`; each batch is handled before its updates are confirmed."""
    offset: int | None = None
    tries: dict[int, int] = {}  # update id → failed handlings
    backoff = pause
    dropped_webhook = False
    while not stop.is_set():
        try:
            if not dropped_webhook:
                await bot.delete_webhook()  # getUpdates is refused while a webhook is set
                dropped_webhook = True
            updates = await _until_stopped(
                bot.get_updates(offset=offset, timeout=timeout, allowed_updates=list(ALLOWED_UPDATES)), stop
            )
        except Conflict as error:
            _log.error("telegram: another poller or a webhook is active: %s", error)
            updates, dropped_webhook = None, False
        except TelegramError as error:
            _log.warning("telegram: polling failed, retrying in %.0f s: %s", backoff, error)
            updates = None
        if updates is None:
            if stop.is_set():
                break
            await sleep_until_stopped(stop, backoff)
            backoff = min(backoff * 2, MAX_POLL_BACKOFF)
            continue
        backoff = pause
        if updates:
            failed = await handler.handle_all(updates)
            offset = _next_offset(updates, failed, tries)
            if offset <= updates[-1].update_id:  # unconfirmed: the next poll brings it (and those after it) again
                await sleep_until_stopped(stop, pause)
    _log.info("telegram: polling stopped")


def _next_offset(updates: list[Update], failed: set[int], tries: dict[int, int]) -> int:
    """The getUpdates offset that confirms every handled update up to the first failed one.

    A failed update is left unconfirmed so a transient fault (the database restarting) loses nothing; one that
    has failed MAX_UPDATE_TRIES times is given up (logged) so a poisonous update cannot stall the chat forever.
    Updates after it that were handled come back too and are recognised as repeats.
    """
    for update_id in sorted(failed):
        tries[update_id] = tries.get(update_id, 0) + 1
        if tries[update_id] < MAX_UPDATE_TRIES:
            return update_id
        _log.error("telegram: update %s failed %d times; giving it up", update_id, tries.pop(update_id))
    for update in updates:
        tries.pop(update.update_id, None)
    return updates[-1].update_id + 1


async def _until_stopped(call: asyncio.Future | object, stop: asyncio.Event) -> list[Update] | None:
    """The poll's result, or None as soon as `stop` is set (the poll is cancelled)."""
    poll = asyncio.ensure_future(call)  # type: ignore[arg-type]
    stopped = asyncio.ensure_future(stop.wait())
    done, _ = await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if poll not in done:
        poll.cancel()
        await asyncio.gather(poll, return_exceptions=True)
        return None
    stopped.cancel()
    return list(poll.result())


async def sleep_until_stopped(stop: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less when `stop` is set meanwhile."""
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
