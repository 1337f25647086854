"""`wuye rooms import FILE.csv --community ID`: load the room registry, all or nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from storage.clock import SystemClock
from storage.communities import get_community
from storage.db import one_transaction
from storage.errors import NotFound, RoomImportError
from storage.rooms import ImportResult, import_rooms_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `rooms import` to the CLI."""
    rooms = subparsers.add_parser("rooms", help="the room registry")
    rooms.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL)")
    commands = rooms.add_subparsers(dest="rooms_command", metavar="ACTION", required=True)
    load = commands.add_parser("import", help="import rooms from a CSV with columns building,unit,room")
    load.add_argument("file", type=Path)
    load.add_argument("--community", required=True, help="community id or code")
    load.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    async def run() -> ImportResult:
        async with one_transaction(args.url) as session:
            key = int(args.community) if args.community.isdigit() else args.community
            community = await get_community(session, key)
            return await import_rooms_csv(session, community_id=community.id, source=args.file, now=SystemClock().now())

    try:
        result = asyncio.run(run())
    except RoomImportError as error:
        for line, message in error.problems:
            print(f"{args.file}:{line}: {message}", file=sys.stderr)
        print(f"nothing imported: {len(error.problems)} bad row(s)", file=sys.stderr)
        return 1
    except (NotFound, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"imported {result.created} room(s); {result.existing} already registered")
    return 0
