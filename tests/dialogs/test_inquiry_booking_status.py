"""Transcripts: FAQ answers (never 不知道), hand-over to a person, value-added booking, 我的工单 and cancelling."""

from __future__ import annotations

from sqlalchemy import select

from dialogs.wording import BANNED_PHRASES
from storage.tickets.models import Ticket
from tests.dialogs.conftest import Chat


async def all_tickets(chat: Chat) -> list[Ticket]:
    async with chat.db.sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def test_faq_answer_comes_from_the_policy(chat: Chat) -> None:
    await chat.send("请问物业费怎么收？")
    assert "建筑面积" in chat.text  # the policy's fees answer
    assert "转人工客服" in chat.labels
    await chat.press("明白了")
    assert "很高兴" in chat.text
    assert await all_tickets(chat) == []


async def test_question_without_an_answer_goes_to_a_person_with_a_deadline(chat: Chat) -> None:
    await chat.send("请问小区的游泳池冬天开放吗？")
    assert not any(phrase in chat.text for phrase in BANNED_PHRASES)
    assert "客服专员" in chat.text and "ZX-20261122-0001" in chat.text
    [ticket] = await all_tickets(chat)
    assert ticket.type == "inquiry" and ticket.department == "service_centre"


async def test_human_handover_after_a_faq_answer(chat: Chat) -> None:
    await chat.send("装修要办什么手续")
    assert "装修申请" in chat.text
    await chat.press("转人工客服")
    [ticket] = await all_tickets(chat)
    assert ticket.type == "inquiry" and ticket.description == "装修要办什么手续"


async def test_booking_shows_prices_then_day_slot_and_confirms(chat: Chat) -> None:
    await chat.send("预约服务")
    assert "30元/小时" in chat.text and "100元/台" in chat.text and "家政保洁" in chat.labels
    await chat.press("家政保洁")
    assert "请选择上门日期" in chat.text
    assert "11月23日" in chat.labels[0]  # tomorrow, local time
    await chat.press("11月23日")
    await chat.press("14:00-17:00")
    assert "房号" in chat.text
    await chat.send("B座1202")
    await chat.send("13912345678")
    assert "家政保洁（30元/小时）" in chat.text and "14:00-17:00" in chat.text
    await chat.press("确认提交")
    assert "预约成功" in chat.text and "QT-20261122-0001" in chat.text
    [ticket] = await all_tickets(chat)
    assert ticket.category == "value_added" and "2026-11-23" in ticket.description


async def test_status_lists_open_tickets_with_deadline_and_cancels_before_work_starts(chat: Chat) -> None:
    await chat.send("厨房下水道堵了 3-2-502 13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")
    number = (await all_tickets(chat))[0].number
    await chat.send("我的工单")
    assert number in chat.text and "已受理，待派单" in chat.text and "前" in chat.text
    await chat.press(f"查看 {number}")
    assert "厨房下水道堵了" in chat.text
    await chat.press(f"撤销 {number}")
    assert "确定要撤销" in chat.text
    await chat.press("确认撤销")
    assert f"工单 {number} 已为您撤销" in chat.text
    [ticket] = await all_tickets(chat)
    assert ticket.status == "cancelled"
    await chat.send("我的工单")
    assert "没有正在处理的工单" in chat.text


async def test_withdrawal_offers_to_cancel(chat: Chat) -> None:
    await chat.send("客厅灯坏了 3-2-502 13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")
    await chat.send("灯自己好了，不用来了")
    assert "要撤销哪一个" in chat.text


async def test_someone_elses_ticket_cannot_be_seen_or_cancelled(chat: Chat, new_chat) -> None:  # type: ignore[no-untyped-def]
    await chat.send("阳台漏水 3-2-502 13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")
    number = (await all_tickets(chat))[0].number
    other = new_chat("resident-2")
    await other.send(press=f"status:cancel:{number}")
    assert "没有找到您名下的工单" in other.text
    assert (await all_tickets(chat))[0].status == "new"


async def test_a_named_service_skips_the_price_list(chat: Chat) -> None:
    await chat.send("我想预约空调清洗")
    assert "请选择上门日期" in chat.text
