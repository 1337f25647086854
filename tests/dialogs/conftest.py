"""Dialog fixtures: a real migrated database (SQLite file and PostgreSQL), an estate with a room registry,
staff and group chats, and `Chat`, a resident talking to the real dialog engine turn by turn."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from dialogs import Incoming, Kind, Outgoing, TurnResult, run_turn
from storage.attachments.store import FileStore
from storage.clock import FrozenClock
from storage.db import Database
from storage.groups.service import register_group
from storage.outbox.models import OutboxMessage
from storage.staff.service import link_staff_identity
from tests.factories import make_community, make_room, make_staff
from tests.storage.conftest import clock, db, postgres_server, sqlite_template

__all__ = ["clock", "db", "postgres_server", "sqlite_template"]

#: Rooms of the test estate: building 3 unit 2 floors 1-6 rooms 01-02, and B座 1201-1203.
ROOMS = [f"3-2-{floor}0{n}" for floor in range(1, 7) for n in (1, 2)] + ["B-1201", "B-1202", "B-1203", "5-801"]


@dataclass
class Estate:
    """The test community, its staff and their chat identities."""

    community_id: int
    staff: dict[str, int] = field(default_factory=dict)


@pytest.fixture
async def estate(db: Database, clock: FrozenClock) -> Estate:
    async with db.sessions.begin() as session:
        now = clock.now()
        community = await make_community(session, now, code="demo")
        for code in ROOMS:
            await make_room(session, community, now, code=code)
        estate = Estate(community_id=community.id)
        for key, role, department in (
            ("agent", "service_agent", "service_centre"),
            ("supervisor", "supervisor", "service_centre"),
            ("manager", "project_manager", "management"),
            ("plumber", "technician", "engineering"),
            ("guard", "security", "security"),
        ):
            staff = await make_staff(session, community, now, role=role, department=department, name=key)
            await link_staff_identity(session, staff_id=staff.id, channel="telegram", external_id=f"tg-{key}", now=now)
            estate.staff[key] = staff.id
        for department in ("engineering", "service_centre", "security", "environment"):
            await register_group(
                session,
                community_id=community.id,
                department=department,
                channel="telegram",
                chat_id=f"-100{department}",
                now=now,
            )
    return estate


class Chat:
    """One resident's chat with the bot through the real engine; each `send` is one committed turn."""

    _ids = itertools.count(1)

    def __init__(self, db: Database, estate: Estate, clock: FrozenClock, files: FileStore, sender: str) -> None:
        self.db, self.estate, self.clock, self.files, self.sender = db, estate, clock, files, sender
        self.replies: list[Outgoing] = []
        self.result: TurnResult | None = None

    async def send(
        self, text: str = "", *, press: str | None = None, photo: bytes | None = None, voice: bool = False
    ) -> list[Outgoing]:
        kind = Kind.BUTTON if press else Kind.PHOTO if photo is not None else Kind.VOICE if voice else Kind.TEXT
        incoming = Incoming(
            channel="webchat",
            sender_id=self.sender,
            message_id=str(next(self._ids)),
            kind=kind,
            text=text,
            payload=press,
            data=photo,
        )
        return await self.deliver(incoming)

    async def deliver(self, incoming: Incoming) -> list[Outgoing]:
        self.result = await run_turn(
            self.db.sessions, incoming, community_id=self.estate.community_id, now=self.clock.now(), files=self.files
        )
        self.replies = self.result.replies
        return self.replies

    async def press(self, label: str) -> list[Outgoing]:
        """Press the button labelled `label` (exactly, or containing it) on the last replies."""
        shown = [b for reply in reversed(self.replies) for row in reply.buttons for b in row]
        for button in [b for b in shown if b.label == label] + [b for b in shown if label in b.label]:
            return await self.send(press=button.payload)
        raise AssertionError(f"no button {label!r} in {[r.button_labels for r in self.replies]}")

    @property
    def text(self) -> str:
        """Everything the bot said in the last turn."""
        return "\n".join(reply.text for reply in self.replies)

    @property
    def labels(self) -> list[str]:
        return [label for reply in self.replies for label in reply.button_labels]

    async def outbox(self, kind: str | None = None) -> list[OutboxMessage]:
        async with self.db.sessions() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind:
                query = query.where(OutboxMessage.kind == kind)
            return list(await session.scalars(query))


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def chat(db: Database, estate: Estate, clock: FrozenClock, files: FileStore) -> Chat:
    return Chat(db, estate, clock, files, sender="resident-1")


@pytest.fixture
def new_chat(db: Database, estate: Estate, clock: FrozenClock, files: FileStore):  # type: ignore[no-untyped-def]
    def make(sender: str) -> Chat:
        return Chat(db, estate, clock, files, sender=sender)

    return make
