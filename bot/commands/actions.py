"""`wuye actions [--port 5055]`: serve the business actions to a Rasa assistant (rasa-sdk's action-server protocol)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Final

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rasa import DEFAULT_PORT, create_actions_app
from storage.clock import SystemClock
from storage.communities.models import Community
from storage.communities.service import get_community, list_communities
from storage.db import open_database
from storage.errors import NotFound

#: The port, unless `--port` is given.
PORT_ENV: Final = "WUYE_ACTIONS_PORT"
#: The community served (code or id), unless `--community` is given; optional when there is only one.
COMMUNITY_ENV: Final = "WUYE_COMMUNITY"


class CommunityNotChosen(Exception):
    """No community was named and the database does not hold exactly one, or the named one does not exist."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `actions` to the CLI."""
    parser = subparsers.add_parser(
        "actions", help="serve the Rasa custom actions (point a Rasa assistant's endpoints.yml here)"
    )
    parser.add_argument("--port", type=int, help=f"port to listen on (default: ${PORT_ENV} or {DEFAULT_PORT})")
    parser.add_argument("--host", default="0.0.0.0", help="address to listen on (default: 0.0.0.0)")
    parser.add_argument("--community", help=f"community code or id (default: ${COMMUNITY_ENV}, or the only one)")
    parser.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL)")
    parser.set_defaults(handler=_serve)


def port_from(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    """`--port`, else WUYE_ACTIONS_PORT, else 5055; raises ValueError for a non-numeric variable."""
    env = os.environ if environ is None else environ
    if args.port is not None:
        return int(args.port)
    return int(env.get(PORT_ENV) or DEFAULT_PORT)


async def choose_community(session: AsyncSession, key: str | None) -> Community:
    """The community named by code or id; with no name, the only one. Raises CommunityNotChosen."""
    if key:
        try:
            return await get_community(session, int(key) if key.isdigit() else key)
        except NotFound as error:
            raise CommunityNotChosen(f"community {key!r} not found") from error
    communities = await list_communities(session)
    if len(communities) == 1:
        return communities[0]
    if not communities:
        raise CommunityNotChosen("the database has no community yet; create one with `wuye communities`")
    codes = ", ".join(c.code for c in communities)
    raise CommunityNotChosen(f"{len(communities)} communities ({codes}): name one with --community or ${COMMUNITY_ENV}")


def _serve(args: argparse.Namespace) -> int:
    try:
        port = port_from(args)
    except ValueError:
        print(f"error: {PORT_ENV} must be a port number", file=sys.stderr)
        return 2
    key = args.community or os.environ.get(COMMUNITY_ENV)

    async def make_app() -> web.Application:
        database = await open_database(args.url)
        try:
            async with database.sessions() as session:
                community = await choose_community(session, key)
        except BaseException:
            await database.close()
            raise

        async def close(_: web.Application) -> None:
            await database.close()

        app = create_actions_app(database.sessions, community.id, SystemClock())
        app.on_cleanup.append(close)
        print(f"serving Rasa actions for community {community.code} on http://{args.host}:{port}/webhook")
        return app

    try:
        web.run_app(make_app(), host=args.host, port=port, print=None)
    except CommunityNotChosen as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
