"""Fixtures of the shared conversation scenarios: the demo estate on a real SQLite file (its staff groups and
technician on the channel under test), one resident on each real channel (`channel` is parametrised), staff
who work tickets through `dialogs.staff_action`, and the transcripts compared across channels."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.demo import ensure_demo
from bot.telegram.fake_api import FakeBotApi
from dialogs import StaffVerb, default_wording, staff_action
from dialogs.business.callbacks import send_questionnaire
from storage.clock import FrozenClock
from storage.db import Database, create_engine, create_sessionmaker
from storage.groups.service import register_group
from storage.staff.models import Staff
from storage.staff.service import link_staff_identity
from storage.tickets.models import Ticket
from tests.channels.drivers import (
    CHANNELS,
    Driver,
    TelegramDriver,
    Transcripts,
    WebchatDriver,
    WeComDriver,
)
from tests.storage.conftest import START, sqlite_template
from tests.telegram.conftest import TOKEN, close_fake
from tests.wecom.conftest import ENGINEERING_GROUP, TECHNICIAN
from tests.wecom.fake_wecom import FakeWeCom

__all__ = ["sqlite_template"]

#: Staff groups per channel: department → chat id (the web chat has none: staff are on Telegram or WeCom).
GROUPS: dict[str, dict[str, str]] = {
    "telegram": {"engineering": "-1001", "service_centre": "-1002", "security": "-1003", "management": "-1004"},
    "wecom": {"engineering": ENGINEERING_GROUP, "service_centre": "party:3", "security": "party:4"},
}
#: The technician's chat identity per channel.
TECHNICIAN_IDS = {"telegram": "7001", "wecom": TECHNICIAN}
TECHNICIAN_NAME = "演示-张师傅"


@pytest.fixture(scope="session")
def estate_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the demo community (rooms, staff), built once; each test gets a copy."""
    path = tmp_path_factory.mktemp("channels-estate") / "estate.db"
    shutil.copyfile(sqlite_template, path)

    async def seed() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            async with create_sessionmaker(engine).begin() as session:
                await ensure_demo(session, now=START)
        finally:
            await engine.dispose()

    asyncio.run(seed())
    return path


@pytest.fixture
def clock() -> FrozenClock:
    """Every channel runs on the same frozen time, so ticket numbers and deadlines read the same."""
    return FrozenClock(START)


@pytest.fixture(params=CHANNELS)
def channel(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def db(tmp_path: Path, estate_template: Path, channel: str, clock: FrozenClock) -> AsyncIterator[Database]:
    """A copy of the estate, with the staff groups and the technician linked on the channel under test."""
    path = tmp_path / "wuye.db"
    shutil.copyfile(estate_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    database = Database(url, engine, create_sessionmaker(engine))
    async with database.sessions.begin() as session:
        community_id = (await session.scalar(select(Staff.community_id).where(Staff.name == TECHNICIAN_NAME))) or 0
        for department, chat_id in GROUPS.get(channel, {}).items():
            await register_group(
                session, community_id=community_id, department=department, channel=channel, chat_id=chat_id, now=START
            )
        if channel in TECHNICIAN_IDS:
            technician = await session.scalar(select(Staff.id).where(Staff.name == TECHNICIAN_NAME))
            assert technician is not None
            await link_staff_identity(
                session, staff_id=technician, channel=channel, external_id=TECHNICIAN_IDS[channel], now=START
            )
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def resident(tmp_path: Path, db: Database, channel: str, clock: FrozenClock) -> AsyncIterator[Driver]:
    """One resident on the channel under test, the service running behind it."""
    driver: Driver
    if channel == "webchat":
        driver = WebchatDriver(tmp_path, db, clock)
        await driver.start()
        try:
            yield driver
        finally:
            await driver.close()
        return
    if channel == "telegram":
        fake_telegram = FakeBotApi(TOKEN)
        await fake_telegram.start()
        driver = TelegramDriver(tmp_path, db, clock, fake_telegram)
        close = partial(close_fake, fake_telegram)
    else:
        fake_wecom = FakeWeCom()
        await fake_wecom.start()
        driver = WeComDriver(tmp_path, db, clock, fake_wecom)
        close = fake_wecom.close
    try:
        await driver.start()
        yield driver
    finally:
        await driver.stop()
        await close()


class StaffDesk:
    """Staff working tickets as the console and the group buttons do: through `dialogs.staff_action`."""

    def __init__(self, db: Database, clock: FrozenClock) -> None:
        self.db, self.clock = db, clock

    async def technician(self) -> int:
        async with self.db.sessions() as session:
            found = await session.scalar(select(Staff.id).where(Staff.name == TECHNICIAN_NAME))
        assert found is not None
        return found

    async def act(self, ticket_number: str, verb: StaffVerb, **extra: object) -> None:
        staff_id = await self.technician()
        async with self.db.sessions.begin() as session:
            ticket_id = await session.scalar(select(Ticket.id).where(Ticket.number == ticket_number))
            assert ticket_id is not None, ticket_number
            outcome = await staff_action(
                session,
                ticket_id=ticket_id,
                staff_id=staff_id,
                verb=verb,
                now=self.clock.now(),
                wording=default_wording(),
                **extra,  # type: ignore[arg-type]
            )
        assert outcome.ok, outcome.alert

    async def call_back(self, ticket_number: str) -> None:
        """The scheduler's callback: the questionnaire starts in the resident's chat."""
        async with self.db.sessions.begin() as session:
            ticket = await session.scalar(select(Ticket).where(Ticket.number == ticket_number))
            assert ticket is not None
            assert await send_questionnaire(session, ticket, wording=default_wording(), now=self.clock.now())

    async def ticket(self, number: str) -> Ticket:
        async with self.db.sessions() as session:
            found = await session.scalar(select(Ticket).where(Ticket.number == number))
        assert found is not None, number
        return found

    async def tickets(self) -> list[Ticket]:
        async with self.db.sessions() as session:
            return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


@pytest.fixture
def staff(db: Database, clock: FrozenClock) -> StaffDesk:
    return StaffDesk(db, clock)


_TRANSCRIPTS = Transcripts()


@pytest.fixture
def transcripts() -> Transcripts:
    """This run's transcripts of every scenario on every channel (shared by all tests of the session)."""
    return _TRANSCRIPTS
