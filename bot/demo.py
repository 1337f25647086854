"""The demo community: a room registry and a staff of every role, so a fresh install has something to talk to."""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.communities import Community, create_community
from storage.rooms import import_rooms_csv
from storage.staff import Staff, add_staff
from storage.staff.auth import set_password

__all__ = [
    "DEMO_FILE",
    "DEMO_LOGINS_FILE",
    "DemoLogin",
    "DemoPlan",
    "demo_logins",
    "demo_plan",
    "ensure_demo",
    "seed_demo_if_empty",
    "write_demo_logins",
]

#: What the demo holds: community, buildings and staff (invented names starting with 演示-).
DEMO_FILE: Final = Path(__file__).resolve().parent / "demo_data" / "demo.toml"
#: Where the demo console accounts and their passwords are written, relative to data_dir.
DEMO_LOGINS_FILE: Final = "demo-logins.txt"


@dataclass(frozen=True)
class DemoPlan:
    """The demo community as data: code and name, the room registry as CSV, and the staff to add."""

    code: str
    name: str
    rooms_csv: str
    staff: tuple[dict[str, Any], ...]


@cache
def demo_plan(path: Path = DEMO_FILE) -> DemoPlan:
    """Read the demo file; rooms are `<floor><2-digit door>` for every building, unit, floor and door."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lines = ["building,unit,room"]
    for building in data["buildings"]:
        for unit in building["units"] or [""]:
            for floor in range(1, building["floors"] + 1):
                lines += [
                    f"{building['building']},{unit},{floor}{door:02d}" for door in range(1, building["doors"] + 1)
                ]
    community = data["community"]
    return DemoPlan(community["code"], community["name"], "\n".join(lines) + "\n", tuple(data["staff"]))


async def ensure_demo(session: AsyncSession, *, now: datetime) -> Community:
    """The demo community, created with its rooms and staff on the first call; later calls return it unchanged.

    Group chats are left unlinked and the policy is the built-in default. Runs in the caller's transaction.
    """
    plan = demo_plan()
    existing = await session.scalar(select(Community).where(Community.code == plan.code))
    if existing is not None:
        return existing
    community = await create_community(session, code=plan.code, name=plan.name, now=now)
    await import_rooms_csv(session, community_id=community.id, source=plan.rooms_csv, now=now)
    for member in plan.staff:
        fields = {key: value for key, value in member.items() if key not in ("console_login", "company_wide")}
        await add_staff(session, community_id=_home(member, community), now=now, **fields)
    return community


def _home(member: dict[str, Any], community: Community) -> int | None:
    """The community a demo staff member belongs to; None for company-wide staff (the general manager)."""
    return None if member.get("company_wide") else community.id


@dataclass(frozen=True)
class DemoLogin:
    """A demo console account made on the first seed: who, the login and its (random) password."""

    name: str
    role: str
    login: str
    password: str


async def demo_logins(session: AsyncSession, community: Community, *, now: datetime) -> list[DemoLogin]:
    """Give the demo staff marked `console_login` a random password, once (those without one yet)."""
    made = []
    for member in demo_plan().staff:
        if "console_login" not in member:
            continue
        home = _home(member, community)
        staff = await session.scalar(
            select(Staff).where(
                Staff.community_id.is_(None) if home is None else Staff.community_id == home,
                Staff.name == member["name"],
            )
        )
        if staff is None or staff.password_hash:
            continue
        password = secrets.token_urlsafe(9)
        await set_password(session, staff_id=staff.id, login=member["console_login"], password=password, now=now)
        made.append(DemoLogin(staff.name, staff.role, member["console_login"], password))
    return made


def write_demo_logins(data_dir: Path, logins: list[DemoLogin], *, console_url: str) -> Path:
    """Write the demo accounts to `<data_dir>/demo-logins.txt` (owner-only) and return the path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DEMO_LOGINS_FILE
    lines = [
        "# wuye-desk demo console accounts (demo data only; random passwords made on the first start)",
        f"# sign in at {console_url}",
        "# login\tpassword\tname\trole",
        *(f"{entry.login}\t{entry.password}\t{entry.name}\t{entry.role}" for entry in logins),
    ]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


async def seed_demo_if_empty(session: AsyncSession, *, now: datetime) -> Community | None:
    """Create the demo community when the database has no community at all; returns it, or None if skipped."""
    if await session.scalar(select(exists().where(Community.id.isnot(None)))):
        return None
    return await ensure_demo(session, now=now)
