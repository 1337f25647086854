"""`wuye staff add|list|set-duty|link|deactivate|set-login`: manage staff members."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import SystemClock
from storage.db import one_transaction
from storage.errors import StorageError
from storage.staff import (
    TRADES,
    Staff,
    add_staff,
    deactivate_staff,
    link_staff_identity,
    list_staff,
    set_on_duty,
)
from storage.staff.auth import set_password
from storage.vocabulary import Department, StaffRole


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `staff` with its subcommands to the CLI."""
    staff = subparsers.add_parser("staff", help="staff members, roles and duty")
    staff.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL)")
    commands = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)

    add = commands.add_parser("add", help="add a staff member")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    add.add_argument("--department", required=True, choices=[d.value for d in Department])
    add.add_argument("--trade", choices=sorted(TRADES), help="technicians only")
    add.add_argument("--community", type=int, help="community id (omit for company-wide staff)")
    add.add_argument("--phone")
    add.add_argument("--on-duty", action="store_true")
    add.set_defaults(handler=lambda args: _run(args, _add))

    show = commands.add_parser("list", help="list staff")
    show.add_argument("--community", type=int)
    show.add_argument("--department", choices=[d.value for d in Department])
    show.add_argument("--on-duty", action="store_true", help="only those on duty")
    show.add_argument("--all", action="store_true", help="include deactivated staff")
    show.set_defaults(handler=lambda args: _run(args, _list))

    duty = commands.add_parser("set-duty", help="start or end a shift")
    duty.add_argument("staff_id", type=int)
    duty.add_argument("state", choices=["on", "off"])
    duty.set_defaults(handler=lambda args: _run(args, _duty))

    link = commands.add_parser("link", help="attach a chat identity (who presses buttons in group chats)")
    link.add_argument("staff_id", type=int)
    link.add_argument("--channel", required=True, choices=["telegram", "wecom", "webchat"])
    link.add_argument("--external-id", required=True)
    link.set_defaults(handler=lambda args: _run(args, _link))

    login = commands.add_parser(
        "set-login",
        help="give a staff member a web console login; the password is read from stdin or asked for (never argv)",
    )
    login.add_argument("staff_id", type=int)
    login.add_argument("login", help="login name: 3-64 of a-z 0-9 . _ -")
    login.set_defaults(handler=_set_login)

    leave = commands.add_parser("deactivate", help="someone left; their history stays")
    leave.add_argument("staff_id", type=int)
    leave.set_defaults(handler=lambda args: _run(args, _deactivate))


def _run(args: argparse.Namespace, action: Callable[[AsyncSession, argparse.Namespace], Awaitable[Any]]) -> int:
    async def run() -> None:
        async with one_transaction(args.url) as session:
            await action(session, args)

    try:
        asyncio.run(run())
    except StorageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


async def _add(session: AsyncSession, args: argparse.Namespace) -> None:
    staff = await add_staff(
        session,
        name=args.name,
        role=args.role,
        department=args.department,
        trade=args.trade,
        community_id=args.community,
        phone=args.phone,
        on_duty=args.on_duty,
        now=SystemClock().now(),
    )
    print(f"added staff {staff.id}: {_line(staff)}")


async def _list(session: AsyncSession, args: argparse.Namespace) -> None:
    rows = await list_staff(
        session,
        community_id=args.community,
        department=args.department,
        on_duty=True if args.on_duty else None,
        include_inactive=args.all,
    )
    for staff in rows:
        print(f"{staff.id:>5}  {_line(staff)}")
    if not rows:
        print("no staff")


async def _duty(session: AsyncSession, args: argparse.Namespace) -> None:
    staff = await set_on_duty(session, staff_id=args.staff_id, on_duty=args.state == "on", now=SystemClock().now())
    print(f"staff {staff.id} is now {'on' if staff.on_duty else 'off'} duty")


async def _link(session: AsyncSession, args: argparse.Namespace) -> None:
    await link_staff_identity(
        session, staff_id=args.staff_id, channel=args.channel, external_id=args.external_id, now=SystemClock().now()
    )
    print(f"staff {args.staff_id} linked to {args.channel} {args.external_id}")


async def _deactivate(session: AsyncSession, args: argparse.Namespace) -> None:
    staff = await deactivate_staff(session, staff_id=args.staff_id, now=SystemClock().now())
    print(f"staff {staff.id} deactivated")


def _set_login(args: argparse.Namespace) -> int:
    """Read the password (a prompt on a terminal, else the first line of stdin), then store its hash."""
    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    args.password = password
    return _run(args, _store_login)


async def _store_login(session: AsyncSession, args: argparse.Namespace) -> None:
    staff = await set_password(
        session, staff_id=args.staff_id, login=args.login, password=args.password, now=SystemClock().now()
    )
    print(f"staff {staff.id} ({staff.name}) can sign in to /console/ as {staff.login}; earlier sessions ended")


def _line(staff: Staff) -> str:
    trade = f"/{staff.trade}" if staff.trade else ""
    duty = "on duty" if staff.on_duty else "off duty"
    state = "" if staff.active else " (inactive)"
    where = f"community {staff.community_id}" if staff.community_id else "company-wide"
    return f"{staff.name}  {staff.role}{trade}  {staff.department}  {where}  {duty}{state}"
