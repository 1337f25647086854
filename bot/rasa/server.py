"""The Rasa action server: rasa-sdk's own `ActionExecutor` behind aiohttp, speaking rasa-sdk's endpoint protocol.

Why aiohttp and not rasa-sdk's Sanic `create_app` (rasa_sdk/endpoint.py): `rasa_sdk.endpoint.run` starts
Sanic through `Sanic.serve` with an `AppLoader`, which pickles the executor into worker processes (each with
its own event loop), while our actions hold one async SQLAlchemy engine that must live on the loop that created
it. The rest of wuye-desk (the HTTP service, its tests) is aiohttp, and aiohttp's test server lets the tests
drive the real protocol in-process. So we keep rasa-sdk's `ActionExecutor`, `Tracker`, `CollectingDispatcher`
and `FormValidationAction` unchanged and re-implement only the three routes, mirroring endpoint.py 3.21:

- `POST /webhook` {next_action, sender_id, tracker, domain, version} → 200 {"events": [...], "responses": [...]};
  ActionExecutionRejection → 400, unknown action → 404, no domain and no valid digest → 449,
  each {"error", "action_name"}; a body that is not JSON → 400 {"error": "Invalid body request"};
  any other exception → 500 {"error", "request_body"}. A `Content-Encoding: deflate` body is accepted.
- `GET /health` → {"status": "ok"};  `GET /actions` → [{"name": ...}, ...].
"""

from __future__ import annotations

import contextlib
import json
import logging
import zlib
from typing import Any, Final

from aiohttp import web
from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionMissingDomainException, ActionNotFoundException
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.rasa._base import ActionContext
from bot.rasa.actions import build_actions
from dialogs.wording import Wording, default_wording
from storage.clock import Clock

#: The port Rasa's `endpoints.yml` points at by default (rasa_sdk.constants.DEFAULT_SERVER_PORT).
DEFAULT_PORT: Final = 5055
#: The executor of a running app.
EXECUTOR: Final = web.AppKey("rasa_executor", ActionExecutor)

_log = logging.getLogger(__name__)


def build_executor(context: ActionContext) -> ActionExecutor:
    """rasa-sdk's executor with every wuye action registered explicitly (no package scanning)."""
    executor = ActionExecutor()
    for action in build_actions(context):
        executor.register_action(action)
    return executor


def create_actions_app(
    sessions: async_sessionmaker[AsyncSession], community_id: int, clock: Clock, *, wording: Wording | None = None
) -> web.Application:
    """The action server for one community; the caller owns `sessions` (and disposes its engine)."""
    context = ActionContext(sessions, community_id, clock, wording or default_wording())
    app = web.Application()
    app[EXECUTOR] = build_executor(context)
    app.router.add_get("/health", health)
    app.router.add_post("/webhook", webhook)
    app.router.add_get("/actions", list_actions)
    return app


async def health(request: web.Request) -> web.Response:
    """Ping endpoint to check that the server is running."""
    return web.json_response({"status": "ok"})


async def list_actions(request: web.Request) -> web.Response:
    """Every registered action, as [{"name": ...}]."""
    executor = request.app[EXECUTOR]
    return web.json_response([item.model_dump() for item in executor.list_actions()])


async def webhook(request: web.Request) -> web.Response:
    """Run the action Rasa asks for and return its events and responses."""
    action_call = await _read_call(request)
    if not isinstance(action_call, dict):
        return web.json_response({"error": "Invalid body request"}, status=400)
    utils.check_version_compatibility(action_call.get("version"))
    try:
        result = await request.app[EXECUTOR].run(action_call)
    except ActionExecutionRejection as error:
        _log.debug("%s", error)
        return _error(error, status=400)
    except ActionNotFoundException as error:
        _log.error("%s", error)
        return _error(error, status=404)
    except ActionMissingDomainException as error:
        _log.debug("%s", error)
        return _error(error, status=449)
    except Exception as error:  # endpoint.py's exception handler: 500 with the request echoed back
        _log.exception("exception while running %s", action_call.get("next_action"))
        return web.json_response({"error": str(error), "request_body": action_call}, status=500)
    return web.json_response(result.model_dump() if result else None)


async def _read_call(request: web.Request) -> Any:
    """The JSON body; a deflated one (Rasa's `compress` option) is inflated, unless aiohttp already did."""
    body = await request.read()
    if request.headers.get("Content-Encoding") == "deflate":
        with contextlib.suppress(zlib.error):  # aiohttp's parser may have inflated it already
            body = zlib.decompress(body)
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _error(
    error: ActionExecutionRejection | ActionNotFoundException | ActionMissingDomainException, *, status: int
) -> web.Response:
    return web.json_response({"error": error.message, "action_name": error.action_name}, status=status)
