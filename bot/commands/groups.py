"""`wuye groups link|list` (department group chats) and `wuye telegram link-code` (staff linking codes)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import ConfigError, load_settings
from bot.telegram.linking import DEFAULT_VALID_MINUTES, link_key, make_code
from storage.clock import SystemClock
from storage.communities.service import get_community
from storage.db import one_transaction
from storage.errors import StorageError
from storage.groups import StaffGroup, register_group
from storage.staff.service import get_staff
from storage.vocabulary import Department


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `groups` and `telegram` with their subcommands to the CLI."""
    groups = subparsers.add_parser("groups", help="department group chats, where new tickets are posted")
    groups.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL)")
    commands = groups.add_subparsers(dest="groups_command", metavar="ACTION", required=True)
    link = commands.add_parser("link", help="tie a group chat to a department (replaces its previous chat)")
    link.add_argument("--community", required=True, help="community code or id")
    link.add_argument("--department", required=True, choices=[d.value for d in Department])
    link.add_argument("--chat-id", required=True, help="the chat's id, e.g. -1001234567890 (the bot tells it)")
    link.add_argument("--channel", default="telegram", choices=["telegram", "wecom"])
    link.add_argument("--title")
    link.set_defaults(handler=lambda args: _run(args, _link))
    show = commands.add_parser("list", help="list the group chats")
    show.set_defaults(handler=lambda args: _run(args, _list))

    telegram = subparsers.add_parser("telegram", help="Telegram channel tools")
    telegram.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL)")
    tools = telegram.add_subparsers(dest="telegram_command", metavar="ACTION", required=True)
    code = tools.add_parser("link-code", help="a one-time code a staff member sends the bot: /link CODE")
    code.add_argument("staff_id", type=int)
    code.add_argument("--minutes", type=int, default=DEFAULT_VALID_MINUTES, help="how long the code is valid")
    code.set_defaults(handler=_link_code)


def _run(args: argparse.Namespace, action) -> int:  # type: ignore[no-untyped-def]
    async def run() -> None:
        async with one_transaction(args.url) as session:
            await action(session, args)

    try:
        asyncio.run(run())
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


async def _link(session: AsyncSession, args: argparse.Namespace) -> None:
    key = int(args.community) if args.community.isdigit() else args.community
    community = await get_community(session, key)
    group = await register_group(
        session,
        community_id=community.id,
        department=args.department,
        channel=args.channel,
        chat_id=args.chat_id.strip(),
        now=SystemClock().now(),
        title=args.title,
    )
    print(f"{group.channel} chat {group.chat_id} is now the {group.department} group of {community.code}")


async def _list(session: AsyncSession, args: argparse.Namespace) -> None:
    rows = list(await session.scalars(select(StaffGroup).order_by(StaffGroup.community_id, StaffGroup.department)))
    for group in rows:
        where = f"community {group.community_id}  {group.department:<15} {group.channel:<9}"
        print(f"{where} {group.chat_id}  {group.title or ''}")
    if not rows:
        print("no group chats")


def _link_code(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not settings.telegram_token:
        print("error: WUYE_TELEGRAM_TOKEN is not set (codes are signed with the bot's token)", file=sys.stderr)
        return 1

    async def staff_name() -> str:
        async with one_transaction(args.url) as session:
            return (await get_staff(session, args.staff_id)).name

    try:
        name = asyncio.run(staff_name())
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    code = make_code(link_key(settings.telegram_token), args.staff_id, now=SystemClock().now(), minutes=args.minutes)
    print(f"{name}: send the bot, in a private chat, within {args.minutes} minutes:")
    print(f"/link {code}")
    return 0
