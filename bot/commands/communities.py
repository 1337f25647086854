"""`wuye communities add|list|set-policy|check-policy`: communities and their policy files."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from storage.clock import SystemClock
from storage.communities import create_community, list_communities, set_policy
from storage.db import one_transaction
from storage.errors import StorageError
from storage.policy import load_policy_file


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `communities` with its subcommands to the CLI."""
    communities = subparsers.add_parser("communities", help="communities (小区/项目) and their policy")
    communities.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL)")
    commands = communities.add_subparsers(dest="communities_command", metavar="ACTION", required=True)
    add = commands.add_parser("add", help="add a community")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--policy", type=Path, help="policy TOML (default: built-in defaults)")
    add.set_defaults(handler=_add)
    commands.add_parser("list", help="list communities").set_defaults(handler=_list)
    policy = commands.add_parser("set-policy", help="replace a community's policy file")
    policy.add_argument("community_id", type=int)
    policy.add_argument("file", type=Path)
    policy.set_defaults(handler=_set_policy)
    check = commands.add_parser("check-policy", help="validate a policy file without a database")
    check.add_argument("file", type=Path)
    check.set_defaults(handler=_check_policy)


def _add(args: argparse.Namespace) -> int:
    async def run() -> None:
        text = args.policy.read_text(encoding="utf-8") if args.policy else None
        async with one_transaction(args.url) as session:
            community = await create_community(
                session, code=args.code, name=args.name, policy_toml=text, now=SystemClock().now()
            )
            print(f"added community {community.id}: {community.code} {community.name}")

    return _guard(run)


def _list(args: argparse.Namespace) -> int:
    async def run() -> None:
        async with one_transaction(args.url) as session:
            for community in await list_communities(session):
                policy = "custom policy" if community.policy_toml else "default policy"
                print(f"{community.id:>5}  {community.code}  {community.name}  ({policy})")

    return _guard(run)


def _set_policy(args: argparse.Namespace) -> int:
    async def run() -> None:
        async with one_transaction(args.url) as session:
            await set_policy(session, community_id=args.community_id, policy_toml=args.file.read_text(encoding="utf-8"))
            print(f"community {args.community_id} now uses {args.file}")

    return _guard(run)


def _check_policy(args: argparse.Namespace) -> int:
    try:
        policy = load_policy_file(args.file)
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"ok: {len(policy.faq)} FAQ answers, {len(policy.prices)} prices")
    return 0


def _guard(run) -> int:  # type: ignore[no-untyped-def]
    try:
        asyncio.run(run())
    except (StorageError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
