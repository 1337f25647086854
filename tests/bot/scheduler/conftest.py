"""Scheduler fixtures: a migrated database (SQLite file and PostgreSQL), a frozen clock, a community with
one staff member of every role (each with a chat), a resident with a chat, and `Driver`, which moves the
clock from due job to due job and runs the real scheduler at each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.scheduler import Scheduler
from storage.clock import FrozenClock
from storage.db import Database
from storage.groups.service import register_group
from storage.jobs.models import Job
from storage.outbox.models import OutboxMessage
from storage.staff.service import link_staff_identity
from tests.factories import make_community, make_resident, make_room, make_staff
from tests.storage.conftest import clock, db, postgres_server, sqlite_template

__all__ = ["clock", "db", "postgres_server", "sqlite_template"]

ROLES = (
    ("agent", "service_agent", "service_centre"),
    ("supervisor", "supervisor", "service_centre"),
    ("manager", "project_manager", "management"),
    ("gm", "general_manager", "management"),
    ("admin", "general_admin", "general_admin"),
    ("plumber", "technician", "engineering"),
    ("guard", "security", "security"),
)


@dataclass
class Estate:
    """The test community: its id, staff ids by short name, the resident and the resident's chat id."""

    community_id: int
    resident_id: int
    resident_chat: str
    staff: dict[str, int] = field(default_factory=dict)


async def build_estate(db: Database, now: datetime, *, policy_toml: str | None = None, family: bool = False) -> Estate:
    """Create the estate (committed)."""
    async with db.sessions.begin() as session:
        community = await make_community(session, now, policy_toml=policy_toml)
        await make_room(session, community, now, code="3-2-502")
        resident = await make_resident(session, community, now, room_code="3-2-502", external_id="res-1")
        if family:
            resident.family_contact_name = "王先生"
            resident.family_contact_phone = "13900139000"
        estate = Estate(community_id=community.id, resident_id=resident.id, resident_chat="res-1")
        for key, role, department in ROLES:
            staff = await make_staff(session, community, now, role=role, department=department, name=key)
            await link_staff_identity(session, staff_id=staff.id, channel="telegram", external_id=f"tg-{key}", now=now)
            estate.staff[key] = staff.id
        for department in ("engineering", "environment", "service_centre", "security", "general_admin"):
            await register_group(
                session,
                community_id=community.id,
                department=department,
                channel="telegram",
                chat_id=f"g-{department}",
                now=now,
            )
    return estate


@pytest.fixture
async def estate(db: Database, clock: FrozenClock) -> Estate:
    return await build_estate(db, clock.now())


class Driver:
    """Moves the frozen clock to each due job in turn and runs the scheduler there."""

    def __init__(self, db: Database, clock: FrozenClock, name: str = "w1") -> None:
        self.db, self.clock = db, clock
        self.scheduler = Scheduler(db.sessions, clock, name, watch_every=timedelta(minutes=1))

    async def run(self) -> int:
        """One pass at the current time."""
        return await self.scheduler.run_once(self.clock.now())

    async def until(self, end: datetime) -> None:
        """Run every job due up to `end`, each at its own due time; the clock ends at `end`.

        The ticket watch is made due first, as the service's watch would see a change within seconds."""
        await self.scheduler.watch_now(self.clock.now())
        while True:
            await self.run()
            async with self.db.sessions() as session:
                upcoming = await session.scalar(
                    select(Job.run_at)
                    .where(Job.status == "pending", Job.kind != "watch", Job.run_at > self.clock.now())
                    .order_by(Job.run_at)
                    .limit(1)
                )
            if upcoming is None or upcoming > end:
                self.clock.set(end)
                await self.run()
                return
            self.clock.set(upcoming)

    async def jump(self, to: datetime) -> None:
        """Set the clock to `to` and run one pass there: every job due by then runs once, late, as after an outage.

        For long stretches whose jobs a test does not look at (each daily job at its own time costs a pass)."""
        self.clock.set(to)
        await self.run()

    async def advance(self, **delta: float) -> None:
        """`until(now + timedelta(**delta))`."""
        await self.until(self.clock.now() + timedelta(**delta))


@pytest.fixture
def driver(db: Database, clock: FrozenClock) -> Driver:
    return Driver(db, clock)


async def outbox(db: Database, *, kind: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
    """Queued messages (of `kind`, to `recipient`), oldest first."""
    async with db.sessions() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        if recipient is not None:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(await session.scalars(query))
