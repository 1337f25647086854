"""The demo community: a room registry and a staff of every role, so a fresh install has something to talk to."""

from __future__ import annotations

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
from storage.staff import add_staff

__all__ = ["DEMO_FILE", "DemoPlan", "demo_plan", "ensure_demo", "seed_demo_if_empty"]

#: What the demo holds: community, buildings and staff (invented names starting with 演示-).
DEMO_FILE: Final = Path(__file__).resolve().parent / "demo_data" / "demo.toml"


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
        await add_staff(session, community_id=community.id, now=now, **member)
    return community


async def seed_demo_if_empty(session: AsyncSession, *, now: datetime) -> Community | None:
    """Create the demo community when the database has no community at all; returns it, or None if skipped."""
    if await session.scalar(select(exists().where(Community.id.isnot(None)))):
        return None
    return await ensure_demo(session, now=now)
