"""Voice notes and the simplified flow for elderly residents, through the real dialog engine (SQLite and
PostgreSQL). The channel's speech-to-text step has already filled `text` (or `voice_problem`); the recording
is a real clip."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from dialogs import Incoming, Kind, VoiceProblem
from storage.attachments.models import Attachment
from storage.clock import FrozenClock
from storage.db import Database
from storage.residents.models import Resident
from storage.residents.service import ProfileUpdate, bind_room, get_or_create_resident, update_profile
from storage.tickets.models import Ticket
from tests.asr_fixtures import aishell
from tests.dialogs.conftest import Chat, Estate

_ids = itertools.count(1000)


async def voice_note(chat: Chat, heard: str = "", problem: VoiceProblem | None = None) -> None:
    """The resident sends a voice note that the channel heard as `heard`."""
    await chat.deliver(
        Incoming(
            channel="webchat",
            sender_id=chat.sender,
            message_id=f"v{next(_ids)}",
            kind=Kind.VOICE,
            text=heard,
            data=aishell("ogg"),
            voice_problem=problem,
        )
    )


async def elderly(db: Database, estate: Estate, clock: FrozenClock, chat: Chat, *, room: bool = True) -> int:
    """Make the chat's resident an elderly one with phone (and room) on the profile, as staff would."""
    async with db.sessions.begin() as session:
        resident, _ = await get_or_create_resident(
            session, community_id=estate.community_id, channel="webchat", external_id=chat.sender, now=clock.now()
        )
        await update_profile(
            session,
            resident_id=resident.id,
            update=ProfileUpdate(
                elderly=True, phone="13812345678", family_contact_name="儿子", family_contact_phone="13900001111"
            ),
            now=clock.now(),
        )
        if room:
            await bind_room(session, resident_id=resident.id, room_code="3-2-502", now=clock.now())
        return resident.id


async def tickets(db: Database) -> list[Ticket]:
    async with db.sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def voices_of(db: Database, ticket_id: int) -> list[Attachment]:
    async with db.sessions() as session:
        query = select(Attachment).where(Attachment.ticket_id == ticket_id, Attachment.kind == "voice")
        return list(await session.scalars(query))


async def test_elderly_voice_note_read_back_then_one_press_makes_the_ticket(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    await elderly(db, estate, clock, chat)
    await voice_note(chat, "那个厨房水管漏水了")
    assert chat.text == "您说的是：那个厨房水管漏水了，对吗？"
    assert chat.labels == ["对", "不对", "叫人给我回电话"] and all(r.large for r in chat.replies)
    assert await tickets(db) == []  # nothing is created before the resident confirms
    await chat.press("对")
    [ticket] = await tickets(db)
    assert ticket.type == "repair" and ticket.contact_phone == "13812345678" and ticket.room_id is not None
    assert ticket.number in chat.text and "房号" not in chat.text and "照片" not in chat.text
    assert len(await voices_of(db, ticket.id)) == 1
    assert chat.text.endswith("还有别的事吗？") and chat.labels == ["有", "没有"]
    await chat.press("没有")
    assert "随时" in chat.text and all(r.large for r in chat.replies)


async def test_wrong_transcript_say_it_again_then_confirm(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    await elderly(db, estate, clock, chat)
    await voice_note(chat, "厨房水关漏水")
    await chat.press("不对")
    assert "再说一遍" in chat.text and chat.labels == ["叫人给我回电话"]
    await voice_note(chat, "卫生间水管漏水")
    assert "卫生间水管漏水" in chat.text
    await chat.press("对")
    [ticket] = await tickets(db)
    assert "卫生间" in ticket.description
    assert len(await voices_of(db, ticket.id)) == 2  # both recordings stay with the ticket


async def test_call_me_back_makes_a_callback_ticket_with_the_recording(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    await elderly(db, estate, clock, chat)
    await voice_note(chat, "我家那个东西坏了")
    await chat.press("不对")
    await chat.press("叫人给我回电话")
    [ticket] = await tickets(db)
    assert ticket.urgency == "urgent" and "打电话给住户" in ticket.description and "东西坏了" in ticket.description
    assert ticket.contact_phone == "13812345678"
    assert ticket.number in chat.text and "回电话" in chat.text
    assert len(await voices_of(db, ticket.id)) == 1


async def test_repeated_no_offers_the_call_first(db: Database, estate: Estate, clock: FrozenClock, chat: Chat) -> None:
    await elderly(db, estate, clock, chat)
    for said in ("一", "二"):
        await voice_note(chat, f"水管{said}")
        await chat.press("不对")
    assert chat.text.startswith("不好意思") and chat.labels == ["叫人给我回电话"]


async def test_critical_words_start_the_emergency_at_once(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    resident_id = await elderly(db, estate, clock, chat)
    await voice_note(chat, "救命啊我摔倒了起不来")
    [ticket] = await tickets(db)  # no read-back first: the ticket exists at once
    assert ticket.urgency == "critical" and ticket.resident_id == resident_id
    assert "120" in chat.text and ticket.number in chat.text
    assert len(await voices_of(db, ticket.id)) == 1
    from bot.scheduler.plan import ticket_jobs  # the family contact alert is the scheduler's job for every 特急
    from storage.policy import default_policy

    kinds = {spec.kind for spec in ticket_jobs(ticket, default_policy(), clock.now())}
    assert "family_contact" in kinds


async def test_unreadable_voice_in_the_simplified_flow_can_still_ask_for_a_call(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    await elderly(db, estate, clock, chat)
    await voice_note(chat, problem=VoiceProblem.TOO_LONG)
    assert "太长" in chat.text and chat.labels == ["叫人给我回电话"]
    await chat.press("叫人给我回电话")
    [ticket] = await tickets(db)
    assert "请听录音" in ticket.description and len(await voices_of(db, ticket.id)) == 1


async def test_voice_off_for_a_regular_resident_is_a_polite_reply_with_the_menu(chat: Chat) -> None:
    await chat.send("我的工单")
    await voice_note(chat, problem=VoiceProblem.OFF)
    assert "打字" in chat.text and "🔧 报修" in chat.labels


async def test_voice_note_as_first_contact_enters_the_simplified_flow(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    await voice_note(chat, "厨房水管漏水")
    assert chat.text == "您说的是：厨房水管漏水，对吗？" and chat.replies[0].large
    await chat.press("对")
    assert "房号" in chat.text  # not on the profile yet: asked once, one question
    await chat.send("3-2-502")
    assert "手机" in chat.text or "电话" in chat.text
    await chat.send("13812345678")
    [ticket] = await tickets(db)
    assert ticket.contact_phone == "13812345678"
    await chat.press("有")
    await voice_note(chat, "门口灯不亮")
    await chat.press("对")  # room and phone are on the profile now: never asked again
    assert len(await tickets(db)) == 2 and "房号" not in chat.text


async def test_regular_resident_confirms_then_the_usual_form_keeps_the_recording(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    await chat.send("我的工单")
    await voice_note(chat, "厨房水管漏水 3-2-502 13812345678")
    assert chat.text.startswith("您说的是") and not chat.replies[0].large
    await chat.press("对")
    await chat.press("跳过")
    await chat.press("确认提交")
    [ticket] = await tickets(db)
    assert len(await voices_of(db, ticket.id)) == 1


async def test_elderly_mode_button_and_typed_requests(
    db: Database, estate: Estate, clock: FrozenClock, chat: Chat
) -> None:
    await chat.send("帮助")
    await chat.press("老人模式")
    assert "老人模式" in chat.text and chat.labels == ["叫人给我回电话"]
    async with db.sessions() as session:
        assert (await session.scalar(select(Resident.elderly).where(Resident.id == 1))) is True
    await chat.send("厨房水管漏水")  # typed: read back as well, then one question at a time
    assert chat.text == "您要办的是：厨房水管漏水，对吗？"
    await chat.press("对")
    assert "房号" in chat.text


async def test_voice_answers_the_room_question(db: Database, estate: Estate, clock: FrozenClock, chat: Chat) -> None:
    await elderly(db, estate, clock, chat, room=False)
    await voice_note(chat, "厨房水管漏水")
    await chat.press("对")
    assert "房号" in chat.text
    await voice_note(chat, "3号楼2单元502")
    [ticket] = await tickets(db)
    assert ticket.room_id is not None and len(await voices_of(db, ticket.id)) == 2


@pytest.mark.parametrize("words", ["对", "是的"])
async def test_spoken_yes_confirms(db: Database, estate: Estate, clock: FrozenClock, chat: Chat, words: str) -> None:
    await elderly(db, estate, clock, chat)
    await voice_note(chat, "厨房水管漏水")
    await voice_note(chat, words)
    assert "您说的是：对" not in chat.text
    assert len(await tickets(db)) == 1


def test_callback_policy_is_checked() -> None:
    from storage.policy import load_policy
    from storage.policy.loader import PolicyError

    rules = load_policy('[conversation]\ncallback_visit = true\nvoice_retries = 3\ncallback_urgency = "normal"\n')
    assert (rules.conversation.callback_visit, rules.conversation.voice_retries) == (True, 3)
    assert rules.conversation.callback_urgency == "normal"
    for bad in ('callback_urgency = "soon"', 'callback_visit = "yes"', "voice_retries = 0"):
        with pytest.raises(PolicyError):
            load_policy(f"[conversation]\n{bad}\n")
