"""Transcripts of the repair intake: the resident says / the bot answers / what is stored."""

from __future__ import annotations

from sqlalchemy import select

from storage.attachments.models import Attachment
from storage.residents.models import Resident
from storage.tickets.models import Ticket
from tests.dialogs.conftest import Chat

# A tiny valid PNG (1x1).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def tickets(chat: Chat) -> list[Ticket]:
    async with chat.db.sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


async def test_urgent_repair_asks_only_what_is_missing_and_states_the_commitment(chat: Chat) -> None:
    await chat.send("卫生间水管爆了，水流了一地，3栋2单元502")
    assert "手机号" in chat.text  # room came with the message; the phone is missing
    await chat.send("我的电话是138 1234 5678")
    assert "照片" in chat.text and "跳过" in chat.labels
    await chat.send(photo=PNG)
    assert "第1张" in chat.text
    await chat.send(photo=PNG)
    assert "第2张" in chat.text
    await chat.press("照片发完了")
    assert "3-2-502" in chat.text and "13812345678" in chat.text and "照片：2张" in chat.text
    assert "紧急" in chat.text
    await chat.press("确认提交")
    # 2026-11-22 09:00 Shanghai + 30 min
    assert "紧急报修已受理，师傅将在30分钟内到场（09:30前）。单号 BX-20261122-0001" in chat.text
    [ticket] = await tickets(chat)
    assert (ticket.type, ticket.urgency, ticket.category) == ("repair", "urgent", "engineering")
    assert ticket.contact_phone == "13812345678"
    async with chat.db.sessions() as session:
        photos = list(await session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id)))
        resident = await session.scalar(select(Resident))
    assert len(photos) == 2 and {p.label for p in photos} == {"scene"}
    assert resident.phone == "13812345678"
    cards = await chat.outbox("ticket_card")
    assert [c.recipient for c in cards] == ["-100engineering"]
    assert "138****5678" in cards[0].payload["text"] and "13812345678" not in cards[0].payload["text"]
    replies = await chat.outbox("reply")
    assert replies and all(r.recipient == "resident-1" for r in replies)


async def test_second_request_does_not_ask_room_and_phone_again(chat: Chat) -> None:
    await chat.send("厨房灯不亮了 3-2-502 13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")
    assert "报修已受理" in chat.text
    await chat.send("阳台门关不上了")
    assert "请核对" not in chat.text and "房号" not in chat.text.split("照片")[0]
    await chat.press("跳过")
    assert "3-2-502" in chat.text and "13812345678" in chat.text
    await chat.press("确认提交")
    assert len(await tickets(chat)) == 2


async def test_unknown_room_gets_the_closest_registered_suggestion(chat: Chat) -> None:
    await chat.send("客厅插座没电了")
    assert "房号" in chat.text
    await chat.send("3栋2单元520")
    assert "您是说 3-2-502 吗" in chat.text
    await chat.press("是的")
    assert "手机号" in chat.text


async def test_unreadable_phone_is_asked_again_politely(chat: Chat) -> None:
    await chat.send("马桶堵了 3-2-502")
    await chat.send("12345")
    assert "有效的手机号" in chat.text
    await chat.send("一三八一二三四五六七八")
    assert "照片" in chat.text


async def test_correction_in_the_summary(chat: Chat) -> None:
    await chat.send("厨房水龙头漏水 3-2-501 13812345678")
    await chat.press("跳过")
    assert "3-2-501" in chat.text
    await chat.send("房号错了，是502")
    assert "已为您更正" in chat.text and "3-2-502" in chat.text
    await chat.press("确认提交")
    [ticket] = await tickets(chat)
    async with chat.db.sessions() as session:
        from storage.rooms.models import Room

        room = await session.get(Room, ticket.room_id)
    assert room.code == "3-2-502"


async def test_edit_and_cancel_from_the_summary(chat: Chat) -> None:
    await chat.send("卧室空调不制冷 3-2-502 13812345678")
    await chat.press("跳过")
    await chat.press("修改")
    await chat.press("问题描述")
    assert "描述" in chat.text
    await chat.send("卧室空调漏水")
    assert "卧室空调漏水" in chat.text
    await chat.press("取消")
    assert "已为您取消" in chat.text
    assert await tickets(chat) == []


async def test_several_problems_in_one_message_become_separate_tickets(chat: Chat) -> None:
    await chat.send("厨房水管漏水了，还有楼道灯不亮，3栋2单元502，电话13812345678")
    assert "2个问题" in chat.text and "1. 厨房水管漏水了" in chat.text and "2. 楼道灯不亮" in chat.text
    await chat.press("分开登记")
    await chat.press("跳过")
    assert "问题：厨房水管漏水了" in chat.text
    await chat.press("确认提交")
    assert "单号 BX-20261122-0001" in chat.text and "接下来登记下一个问题：楼道灯不亮" in chat.text
    await chat.press("跳过")  # room and phone are not asked again
    assert "问题：楼道灯不亮" in chat.text and "3-2-502" in chat.text
    await chat.press("确认提交")
    assert [t.description for t in await tickets(chat)] == ["厨房水管漏水了", "楼道灯不亮"]


async def test_several_problems_can_stay_one_ticket(chat: Chat) -> None:
    await chat.send("卫生间灯坏了另外阳台门关不上 3-2-502 13812345678")
    await chat.press("合并成一单")
    await chat.press("跳过")
    await chat.press("确认提交")
    [ticket] = await tickets(chat)
    assert "阳台门" in ticket.description


async def test_a_visit_time_asked_for_is_read_back_and_on_the_ticket(chat: Chat) -> None:
    # 2026-11-22 09:00 Shanghai: 明天下午 is 11-23 13:00-18:00
    await chat.send("厨房水龙头一直滴水，明天下午能来修吗，3栋2单元502，电话13812345678")
    await chat.press("跳过")  # photos
    assert "期望时间：明天下午（11-23 13:00-18:00）" in chat.text
    await chat.press("确认提交")
    [ticket] = await tickets(chat)
    assert "期望上门：明天下午（11-23 13:00-18:00）" in ticket.description
    cards = await chat.outbox("ticket_card")
    assert "11-23 13:00-18:00" in cards[0].payload["text"]


async def test_a_time_told_of_is_no_visit_time(chat: Chat) -> None:
    await chat.send("卫生间从昨天晚上开始一直漏水，3栋2单元502，电话13812345678")
    await chat.press("跳过")
    assert "期望时间：尽快安排" in chat.text
    await chat.press("确认提交")
    [ticket] = await tickets(chat)
    assert "期望上门" not in ticket.description
