"""`wuye db upgrade|backup|check`: migrate, back up and check the database named by WUYE_DATABASE_URL."""

from __future__ import annotations

import argparse
import asyncio
import sys

from storage.backup import BackupError, backup
from storage.db import database_url, one_transaction
from storage.integrity import check_integrity
from storage.migrations import upgrade


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `db` with its subcommands to the CLI."""
    db = subparsers.add_parser("db", help="database: migrate, back up, check")
    db.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL or sqlite var/wuye.db)")
    commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    commands.add_parser("upgrade", help="migrate to the newest schema").set_defaults(handler=_upgrade)
    dump = commands.add_parser("backup", help="online backup (SQLite backup API, or pg_dump)")
    dump.add_argument("destination", help="file to write")
    dump.set_defaults(handler=_backup)
    commands.add_parser("check", help="integrity check of the database and the ticket log").set_defaults(handler=_check)


def _upgrade(args: argparse.Namespace) -> int:
    url = args.url or database_url()
    upgrade(url)
    print(f"database at {_shown(url)} is at the newest schema")
    return 0


def _backup(args: argparse.Namespace) -> int:
    try:
        written = backup(args.url or database_url(), args.destination)
    except BackupError as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    print(f"backup written to {written}")
    return 0


def _check(args: argparse.Namespace) -> int:
    async def run() -> list[str]:
        async with one_transaction(args.url) as session:
            return await check_integrity(session)

    problems = asyncio.run(run())
    for problem in problems:
        print(problem, file=sys.stderr)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
