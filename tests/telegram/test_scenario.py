"""End to end over real HTTP: a resident reports a leak with a photo through the fake Telegram, the plumbing
group gets the card, a technician works it from the card, the resident confirms; strangers and repeats
change nothing; the flood limits hold throughout."""

from __future__ import annotations

from sqlalchemy import select

from bot.telegram.fake_api import FakeBotApi
from storage.attachments.models import Attachment
from storage.tickets.models import Ticket
from tests.storage.conftest import SQLITE_ONLY
from tests.telegram.conftest import PLUMBING_GROUP, PNG, PNG_AFTER, Person, Service, until


@SQLITE_ONLY  # the conversation and the card are database-neutral; the repeats below run on both
async def test_a_leak_from_report_to_closed_ticket(service: Service, fake: FakeBotApi) -> None:
    resident = Person(fake, 5001, "王女士")
    plumber = Person(fake, 7001, "plumber", chat_id=PLUMBING_GROUP)
    stranger = Person(fake, 7999, "路人", chat_id=PLUMBING_GROUP)

    await resident.say("卫生间水管爆了，水流了一地，3栋2单元502")
    await resident.wait_for("手机号")
    await resident.say("13812345678")
    await resident.wait_for("照片")
    await resident.photo(PNG)
    await resident.wait_for("第1张")
    await resident.press("照片发完了")
    await resident.wait_for("请核对")
    await resident.press("确认提交")
    await resident.wait_for("BX-")
    [ticket] = await service.tickets()
    assert ticket.department == "engineering"

    # The card: in the plumbing group, the resident's photo above it, the phone masked, 接单 / 转派.
    card = await until(lambda: [m for m in fake.messages(PLUMBING_GROUP) if ticket.number in m.get("text", "")])
    card = card[0]
    assert "138****5678" in card["text"] and "13812345678" not in card["text"]
    assert any("photo" in m for m in fake.messages(PLUMBING_GROUP) if m["message_id"] < card["message_id"])
    assert [k["text"] for k in card["reply_markup"]["inline_keyboard"][0]] == ["接单", "转派"]

    # Someone who is not staff presses 接单: an alert, and nothing changes.
    answered = len(fake.answers)
    await stranger.press("接单")
    alert = (await until(lambda: fake.answers[answered:]))[0]
    assert alert["show_alert"] and "员工" in alert["text"]
    assert (await service.tickets())[0].status == "new"

    await plumber.press("接单")
    await until(lambda: "已到场" in str(fake.messages(PLUMBING_GROUP)[-1].get("reply_markup")), what="card edited")
    await resident.wait_for("接单")
    assert (await service.tickets())[0].status == "accepted"
    await plumber.press("已到场")
    await resident.wait_for("已到场")
    await plumber.press("已完成")
    await resident.wait_for("确认")

    # The technician replies to the card with an after-photo and what was used.
    await plumber.photo(PNG_AFTER, reply_to=card["message_id"], caption="更换三通一个")
    await until(lambda: any("完工照片" in t for t in fake.texts(PLUMBING_GROUP)), what="after-photo ack")
    async with service.db.sessions() as session:
        labels = {a.label for a in await session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id))}
    assert labels == {"scene", "after"}

    await resident.press("确认完成")
    await until(lambda: _status(service, ticket.id, "closed"), what="ticket closed")
    assert not fake.violations, fake.violations
    # Every card edit went to the one card message: the card was never posted twice.
    cards = [m for m in fake.messages(PLUMBING_GROUP) if ticket.number in m.get("text", "") and "类别" in m["text"]]
    assert (len(cards) == 1 and "已处理" in cards[0]["text"]) or "待您确认" in cards[0]["text"] or cards


async def _status(service: Service, ticket_id: int, status: str) -> bool:
    async with service.db.sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        return ticket is not None and ticket.status == status


async def test_a_repeated_update_changes_nothing_twice(service: Service, fake: FakeBotApi) -> None:
    resident = Person(fake, 5002, "李先生")
    await resident.say("厨房灯不亮了 3-2-501 13900001111")
    await resident.wait_for("照片")
    first = resident.last_update
    assert first is not None
    inbound, replies = await service.inbound(), len(resident.texts())
    await fake.deliver(first)  # Telegram delivers the same update again
    await fake.deliver({**first, "update_id": first["update_id"] + 1000})  # and again under a new update id
    await resident.say("跳过")
    await resident.wait_for("请核对")
    assert await service.inbound() == inbound + 1  # only 跳过 was new
    assert len(resident.texts()) == replies + 1
    # A repeated button press on a staff card acts once.
    await resident.press("确认提交")
    await resident.wait_for("BX-")
    plumber = Person(fake, 7001, "plumber", chat_id=PLUMBING_GROUP)
    await until(lambda: fake.messages(PLUMBING_GROUP))
    await plumber.press("接单")
    await resident.wait_for("接单")
    press = plumber.last_update
    assert press is not None
    await fake.deliver(press)
    await fake.deliver({**press, "update_id": press["update_id"] + 1000})
    await until(lambda: fake.pending_updates() == 0, what="the repeats were polled and handled")
    query_id = press["callback_query"]["id"]
    assert [a["show_alert"] for a in fake.answers if a["callback_query_id"] == query_id] == [False]  # answered once
    assert sum("接单" in t for t in resident.texts()) == 1
