"""Voice notes through WeCom end to end: the fake WeCom serves the AMR recording, our app downloads it, Vosk
hears it, the elderly resident confirms the read-back with one press, and the ticket keeps the recording."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.asr import Transcriber
from bot.asr import install as install_asr
from storage.attachments.models import Attachment
from storage.communities.models import Community
from storage.residents.service import ProfileUpdate, bind_room, get_or_create_resident, update_profile
from storage.tickets.models import Ticket
from tests.asr_fixtures import AISHELL_TEXT, aishell, transcriber, vosk_engine
from tests.wecom.conftest import World, settled

__all__ = ["transcriber", "vosk_engine"]

ELDER = "laoren-01"


@pytest.fixture
def asr_plugins(transcriber: Transcriber) -> list[Any]:
    return [lambda app: install_asr(app, transcriber=transcriber)]


def last_card(world: World, user: str):  # type: ignore[no-untyped-def]
    cards = world.fake.cards_to(f"user:{user}")
    assert cards, "no card to the resident"
    return cards[-1]


def card_text(card: Any) -> str:
    return str(card.content)


async def make_elderly(world: World) -> None:
    now = world.wecom.now()
    async with world.sessions.begin() as session:
        community_id = await session.scalar(select(Community.id).where(Community.code == "demo"))
        assert community_id is not None
        resident, _ = await get_or_create_resident(
            session, community_id=community_id, channel="wecom", external_id=ELDER, now=now
        )
        update = ProfileUpdate(name="王奶奶", phone="13812345678", elderly=True)
        await update_profile(session, resident_id=resident.id, update=update, now=now)
        await bind_room(session, resident_id=resident.id, room_code="3-2-502", now=now)


async def test_elderly_voice_note_becomes_a_confirmed_ticket_with_the_recording(world: World) -> None:
    await make_elderly(world)
    assert await world.wecom.voice(ELDER, aishell("amr")) == [200]
    await settled(world, timeout=30)
    read_back = last_card(world, ELDER)
    assert f"您说的是：{AISHELL_TEXT}，对吗？" in card_text(read_back)
    async with world.sessions() as session:
        assert await session.scalar(select(Ticket)) is None  # nothing created before the resident confirms

    await world.wecom.click(ELDER, read_back, "对")  # the one resident action after the voice note
    await settled(world)

    async with world.sessions() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None
        voices = list(await session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)))
    assert ticket.description == AISHELL_TEXT and ticket.contact_phone == "13812345678"
    assert [(v.kind, v.mime) for v in voices] == [("voice", "audio/amr")]
    shown = card_text(last_card(world, ELDER)) + " ".join(
        s.content.get("content", "") for s in world.fake.sent if s.msgtype == "text" and s.to.get("touser") == ELDER
    )
    assert ticket.number in shown


async def test_corrupt_voice_gets_a_clear_reply(world: World) -> None:
    await make_elderly(world)
    await world.wecom.voice(ELDER, b"#!AMR\n" + bytes(range(256)) * 8)
    await settled(world, timeout=30)
    assert "叫人给我回电话" in card_text(last_card(world, ELDER))
