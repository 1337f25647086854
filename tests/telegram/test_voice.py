"""Voice notes through Telegram end to end: the fake Bot API serves the OGG/Opus note, our app downloads it,
Vosk hears it, the elderly resident confirms the read-back with one press, and the ticket keeps the recording."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.asr import Transcriber
from bot.asr import install as install_asr
from bot.telegram.fake_api import FakeBotApi
from storage.attachments.models import Attachment
from storage.db import Database
from storage.residents.service import ProfileUpdate, bind_room, get_or_create_resident, update_profile
from storage.tickets.models import Ticket
from tests.asr_fixtures import AISHELL_TEXT, aishell, transcriber, vosk_engine
from tests.storage.conftest import SQLITE_ONLY
from tests.telegram.conftest import Estate, Person, RunningClock, Service, start_service, until

pytestmark = SQLITE_ONLY  # download, recognition and read-back do not depend on the database

__all__ = ["transcriber", "vosk_engine"]

ELDER = 7100


@pytest.fixture
async def heard_service(
    tmp_path: Path, db: Database, estate: Estate, fake: FakeBotApi, clock: RunningClock, transcriber: Transcriber
) -> AsyncIterator[Service]:
    """The service in polling mode with speech to text on (the shared Vosk model)."""
    running, close = await start_service(
        tmp_path, db, fake, clock, plugins=[lambda app: install_asr(app, transcriber=transcriber)]
    )
    try:
        yield running
    finally:
        await close()


async def test_elderly_voice_note_becomes_a_confirmed_ticket_with_the_recording(
    heard_service: Service, fake: FakeBotApi, estate: Estate, clock: RunningClock
) -> None:
    async with heard_service.db.sessions.begin() as session:
        resident, _ = await get_or_create_resident(
            session, community_id=estate.community_id, channel="telegram", external_id=str(ELDER), now=clock.now()
        )
        update = ProfileUpdate(name="王奶奶", phone="13812345678", elderly=True)
        await update_profile(session, resident_id=resident.id, update=update, now=clock.now())
        await bind_room(session, resident_id=resident.id, room_code="3-2-502", now=clock.now())
    grandma = Person(fake, ELDER, "王奶奶")
    await grandma.send(fake.user_message(ELDER, grandma.user, voice=aishell("ogg")))
    await grandma.wait_for(f"您说的是：{AISHELL_TEXT}，对吗？", timeout=60)
    assert await heard_service.tickets() == []  # nothing created before the resident confirms

    await grandma.press("对")  # the one resident action after the voice note

    async def ticket() -> Ticket | None:
        async with heard_service.db.sessions() as session:
            return await session.scalar(select(Ticket))

    created = await until(ticket, timeout=30, what="the ticket")
    async with heard_service.db.sessions() as session:
        kept = list(await session.scalars(select(Attachment).where(Attachment.ticket_id == created.id)))
        strays = list(await session.scalars(select(Attachment).where(Attachment.ticket_id.is_(None))))
    assert created.description == AISHELL_TEXT and created.contact_phone == "13812345678"
    assert [a.kind for a in kept] == ["voice"] and strays == []  # stored once, with the ticket
    await grandma.wait_for(created.number, timeout=30)
