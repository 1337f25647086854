"""Transcripts: complaints (empathy, read-back, tier owner) and emergencies (numbers first, ticket at once)."""

from __future__ import annotations

from sqlalchemy import select

from storage.rooms.models import Room
from storage.tickets.models import Ticket, TicketEvent
from tests.dialogs.conftest import Chat


async def answer_until_read_back(chat: Chat) -> None:
    """Answer the complaint's questions (a place, the room, the phone; skip the rest) until the read-back."""
    for _ in range(6):
        if "确认提交" in chat.labels:
            return
        if "什么地方" in chat.text:
            await chat.send("我家卧室")
        elif "房号" in chat.text:
            await chat.send("3-2-502")
        elif "手机" in chat.text:
            await chat.send("13812345678")
        else:
            await chat.press("跳过")


async def only_ticket(chat: Chat) -> Ticket:
    async with chat.db.sessions() as session:
        [ticket] = list(await session.scalars(select(Ticket)))
        return ticket


async def test_complaint_acknowledges_feelings_collects_reads_back_and_names_the_owner(chat: Chat) -> None:
    await chat.send("维修工小张态度太差了，昨天来修的时候还骂人，我要求道歉")
    first = chat.replies[0].text
    assert "理解" in first and "抱歉" in first  # empathy before any question
    assert "什么地方" in chat.text  # target, time and demand were in the message; the place is not
    await chat.send("在我家门口")
    assert "房号" in chat.text
    await chat.send("3-2-502")
    await chat.send("13812345678")
    assert "投诉对象：维修工小张" in chat.text and "您的诉求：道歉" in chat.text and "发生地点：在我家门口" in chat.text
    await chat.press("确认提交")
    assert "您的投诉已受理" in chat.text and "单号 TS-20261122-0001" in chat.text
    ticket = await only_ticket(chat)
    assert ticket.type == "complaint" and ticket.complaint_target == "维修工小张" and ticket.complaint_demand == "道歉"
    tier = ticket.complaint_tier
    owner = {1: "客服专员", 2: "客服主管", 3: "项目经理"}[tier]
    assert f"由{owner}负责" in chat.text
    owners = await chat.outbox("complaint_owner")
    assert owners, "the tier owner is told privately"
    role_key = {1: "agent", 2: "supervisor", 3: "manager"}[tier]
    assert {m.recipient for m in owners} == {f"tg-{role_key}"}


async def test_complaint_from_the_menu_asks_every_item_and_skips_are_allowed(chat: Chat) -> None:
    await chat.send("我要投诉")
    assert "发生了什么" in chat.text
    await chat.send("保洁一直不打扫楼道，垃圾堆了好几天")
    assert "什么时候" in chat.text  # whom (保洁) was in the description: not asked
    await chat.press("跳过")  # when; where (楼道) was in the description too
    assert "怎么处理" in chat.text
    await chat.press("整改")
    await chat.send("3-2-502")
    await chat.send("13812345678")
    assert "发生时间：未说明" in chat.text and "您的诉求：整改" in chat.text
    await chat.press("确认提交")
    ticket = await only_ticket(chat)
    assert ticket.category == "cleaning_greening" and "地点：楼道" in ticket.description
    assert ticket.complaint_target == "保洁" and ticket.complaint_tier == 1


async def test_emergency_answers_with_numbers_before_any_question_and_creates_the_ticket_at_once(chat: Chat) -> None:
    await chat.send("救命！我家老人晕倒了，叫不醒")
    first = chat.replies[0].text
    assert "120" in first and "已收到警报" in first
    ticket = await only_ticket(chat)  # created before we know the room
    assert ticket.urgency == "critical" and ticket.room_id is None
    alerts = await chat.outbox("critical_alert")
    assert {m.recipient for m in alerts} == {"tg-supervisor", "tg-manager", "tg-guard"}
    assert "房号" in chat.text
    await chat.send("5栋801")
    assert "5-801" in chat.text
    ticket = await only_ticket(chat)
    async with chat.db.sessions() as session:
        room = await session.get(Room, ticket.room_id)
        notes = list(await session.scalars(select(TicketEvent).where(TicketEvent.action == "note")))
    assert room.code == "5-801" and notes[0].data == {"room": "5-801"}


async def test_fire_gets_119_and_an_emergency_interrupts_a_form_without_losing_it(chat: Chat) -> None:
    await chat.send("厨房水龙头坏了")
    assert "房号" in chat.text
    await chat.send("楼道里着火了，好大的烟")
    assert "119" in chat.replies[0].text
    await chat.send("3-2-502")  # the emergency's room
    await chat.send("你好")
    assert "未提交的登记" in chat.text and "厨房水龙头坏了" in chat.text
    await chat.press("继续填写")
    assert "房号" in chat.text


async def test_a_called_off_danger_is_not_an_emergency(chat: Chat) -> None:
    await chat.send("刚才闻到煤气味，检查过了是虚惊一场，没事了")
    assert "119" not in chat.text and "警报" not in chat.text


async def test_the_complaint_records_when_it_happened_as_a_date_in_the_estates_time(chat: Chat) -> None:
    # 01:00 on 11-23 in Beijing is still 11-22 in UTC: 昨天下午3点 is 11-22 15:00 local, not 11-21
    chat.clock.advance(minutes=16 * 60)
    await chat.send("投诉楼上，昨天下午三点还在电钻打墙，吵得孩子没法午睡")
    await answer_until_read_back(chat)
    assert "发生时间：昨天下午3点（11-22 15:00-16:00）" in chat.text
    await chat.press("确认提交")
    assert "11-22 15:00-16:00" in (await only_ticket(chat)).description


async def test_the_time_asked_for_is_kept_in_the_residents_words_with_its_date(chat: Chat) -> None:
    await chat.send("我要投诉")
    await chat.send("保安根本不巡逻，单元门一直开着")
    assert "什么时候" in chat.text
    await chat.send("昨晚十点多")
    await answer_until_read_back(chat)
    assert "发生时间：昨晚十点多（11-21 22:00-23:00）" in chat.text
