"""Staff working a ticket from a card: who may press what, the card edits and the resident's progress messages."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dialogs import Outgoing, StaffVerb, default_wording, staff_action, staff_button
from storage.tickets.models import Ticket, TicketEvent
from tests.dialogs.conftest import Chat

WORDING = default_wording()


async def reported(chat: Chat) -> Ticket:
    await chat.send("卫生间马桶漏水 3-2-502 13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")
    async with chat.db.sessions() as session:
        return await session.scalar(select(Ticket))


async def press(chat: Chat, who: str, payload: str):  # type: ignore[no-untyped-def]
    async with chat.db.sessions.begin() as session:
        return await staff_button(
            session,
            channel="telegram",
            external_id=who,
            payload=payload,
            now=chat.clock.now(),
            wording=WORDING,
        )


async def current(chat: Chat, ticket_id: int) -> Ticket:
    async with chat.db.sessions() as session:
        return await session.get(Ticket, ticket_id)


async def test_accept_arrive_complete_edits_the_card_and_keeps_the_resident_informed(chat: Chat) -> None:
    ticket = await reported(chat)
    [card] = await chat.outbox("ticket_card")
    assert [b["label"] for b in card.payload["buttons"][0]] == ["接单", "转派"]
    assert "13812345678" in ticket.description and "13812345678" not in card.payload["text"]  # masked everywhere

    outcome = await press(chat, "tg-plumber", f"staff:accept:{ticket.id}")
    assert outcome.ok and outcome.alert == f"已接单：{ticket.number}"
    [update] = await chat.outbox("card_update")
    assert update.recipient == "-100engineering" and update.payload["edit_of"] == card.dedupe_key
    assert "师傅已接单｜plumber" in update.payload["text"] and "138****5678" in update.payload["text"]
    assert [[b["label"] for b in row] for row in update.payload["buttons"]] == [
        ["已到场", "已完成"],
        ["会晚到", "退回"],
    ]
    [progress] = await chat.outbox("progress")
    assert progress.recipient == chat.sender
    assert (
        progress.payload["text"] == f"您的工单 {ticket.number} 已由维修师傅plumber接单。"
    )  # 普通: no arrival deadline

    assert (await press(chat, "tg-plumber", f"staff:arrive:{ticket.id}")).ok
    assert (await press(chat, "tg-plumber", f"staff:resolve:{ticket.id}")).ok
    updates = await chat.outbox("card_update")
    assert [b["label"] for b in updates[1].payload["buttons"][0]] == ["已完成", "退回"]
    assert updates[2].payload["buttons"] == []  # resolved: nothing left to press
    assert "已到场处理" in (await chat.outbox("progress"))[1].payload["text"]
    [request] = await chat.outbox("confirm_request")
    chat.replies = [Outgoing.from_dict(request.payload)]
    await chat.press("确认完成")
    assert (await current(chat, ticket.id)).status == "closed"


async def test_a_stranger_another_department_and_a_second_presser_change_nothing(chat: Chat) -> None:
    ticket = await reported(chat)
    stranger = await press(chat, "tg-someone", f"staff:accept:{ticket.id}")
    assert not stranger.ok and "还不是本小区登记的员工" in stranger.alert
    guard = await press(chat, "tg-guard", f"staff:accept:{ticket.id}")
    assert not guard.ok and "这张工单属于" in guard.alert and "工程" in guard.alert
    forged = await press(chat, "tg-plumber", "staff:accept:abc")
    assert not forged.ok and "找不到" in forged.alert
    missing = await press(chat, "tg-plumber", "staff:accept:999999")
    assert not missing.ok and "找不到" in missing.alert
    assert (await current(chat, ticket.id)).status == "new"
    assert await chat.outbox("card_update") == [] and await chat.outbox("progress") == []

    assert (await press(chat, "tg-plumber", f"staff:accept:{ticket.id}")).ok
    late = await press(chat, "tg-agent", f"staff:accept:{ticket.id}")
    assert not late.ok and late.alert == f"工单 {ticket.number} 已由 plumber 接单。"
    async with chat.db.sessions() as session:
        events = list(await session.scalars(select(TicketEvent.action).where(TicketEvent.ticket_id == ticket.id)))
    assert events == ["create", "accept"]


async def test_give_back_and_reassign_through_the_picker(chat: Chat) -> None:
    ticket = await reported(chat)
    assert (await press(chat, "tg-plumber", f"staff:accept:{ticket.id}")).ok
    returned = await press(chat, "tg-plumber", f"staff:return:{ticket.id}")
    assert returned.ok and (await current(chat, ticket.id)).status == "new"
    assert "重新安排" in (await chat.outbox("progress"))[-1].payload["text"]
    assert [b["label"] for b in (await chat.outbox("card_update"))[-1].payload["buttons"][0]] == ["接单", "转派"]

    technician_tries = await press(chat, "tg-plumber", f"staff:reassign:{ticket.id}")
    assert technician_tries.choices is not None  # anyone may look at the picker ...
    [[choice]] = [row for row in technician_tries.choices.buttons]
    refused = await press(chat, "tg-plumber", choice.payload)
    assert not refused.ok and "不能转派" in refused.alert  # ... only the desk may assign

    picked = await press(chat, "tg-supervisor", choice.payload)
    assert picked.ok and picked.alert == f"已转派给 plumber：{ticket.number}"
    assert (await current(chat, ticket.id)).status == "assigned"
    assert "已安排维修师傅plumber处理" in (await chat.outbox("progress"))[-1].payload["text"]


async def test_override_needs_a_reason_and_tells_the_resident(chat: Chat) -> None:
    ticket = await reported(chat)
    manager = chat.estate.staff["manager"]
    async with chat.db.sessions.begin() as session:
        now = chat.clock.now()
        no_reason = await staff_action(
            session,
            ticket_id=ticket.id,
            staff_id=manager,
            verb=StaffVerb.OVERRIDE,
            to_status="closed",
            now=now,
            wording=WORDING,
        )
        assert not no_reason.ok and "需要填写原因" in no_reason.alert
        done = await staff_action(
            session,
            ticket_id=ticket.id,
            staff_id=manager,
            verb=StaffVerb.OVERRIDE,
            to_status="closed",
            reason="住户电话确认已自行修好",
            now=now,
            wording=WORDING,
        )
    assert done.ok and "已办结" in (await chat.outbox("progress"))[-1].payload["text"]


async def test_an_urgent_ticket_tells_the_resident_by_when_staff_will_arrive(chat: Chat) -> None:
    await chat.send("家里水管漏水很严重，水流了一地 3-2-502 13812345678")
    while not any("确认提交" in label for label in chat.labels):
        await chat.press("跳过")
    await chat.press("确认提交")
    async with chat.db.sessions() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket.urgency == "urgent" and ticket.arrive_due_at is not None
    assert (await press(chat, "tg-plumber", f"staff:accept:{ticket.id}")).ok
    local = ticket.arrive_due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    [progress] = await chat.outbox("progress")
    assert progress.payload["text"].endswith(f"接单，将在 {local:%H:%M} 前到场。")


async def test_a_bad_override_status_is_a_polite_refusal_not_an_error(chat: Chat) -> None:
    ticket = await reported(chat)
    manager = chat.estate.staff["manager"]
    async with chat.db.sessions.begin() as session:
        for status in ("new", "exploded"):  # the current status, and no status at all
            outcome = await staff_action(
                session,
                ticket_id=ticket.id,
                staff_id=manager,
                verb=StaffVerb.OVERRIDE,
                to_status=status,
                reason="测试",
                now=chat.clock.now(),
                wording=WORDING,
            )
            assert not outcome.ok and "不能改为" in outcome.alert
    assert (await current(chat, ticket.id)).status == "new"


async def test_running_late_tells_the_resident_who_may_ask_to_rebook(chat: Chat) -> None:
    await chat.send("家里水管漏水很严重，水流了一地 3-2-502 13812345678")
    while not any("确认提交" in label for label in chat.labels):
        await chat.press("跳过")
    await chat.press("确认提交")
    async with chat.db.sessions() as session:
        ticket = await session.scalar(select(Ticket))
    early = await press(chat, "tg-plumber", f"staff:late:{ticket.id}")
    assert not early.ok  # nobody has accepted it yet: nothing to be late for
    assert (await press(chat, "tg-plumber", f"staff:accept:{ticket.id}")).ok
    assert not (await press(chat, "tg-agent", f"staff:late:{ticket.id}:30")).ok  # only the assignee
    asked = await press(chat, "tg-plumber", f"staff:late:{ticket.id}")
    assert asked.ok and asked.choices is not None
    assert [b.label for row in asked.choices.buttons for b in row] == [
        "晚到约 30 分钟",
        "晚到约 60 分钟",
        "晚到约 120 分钟",
    ]
    forged = await press(chat, "tg-plumber", f"staff:late:{ticket.id}:5")  # not a policy choice: asked again
    assert forged.choices is not None and await chat.outbox("late_notice") == []

    told = await press(chat, "tg-plumber", asked.choices.buttons[0][0].payload)
    eta = (ticket.arrive_due_at + timedelta(minutes=30)).astimezone(ZoneInfo("Asia/Shanghai"))
    assert told.ok and told.alert.endswith(f"预计 {eta:%H:%M} 到场")
    [notice] = await chat.outbox("late_notice")
    assert f"预计 {eta:%H:%M} 到场" in notice.payload["text"]
    assert (await current(chat, ticket.id)).arrive_due_at == ticket.arrive_due_at  # the commitment stands

    chat.replies = [Outgoing.from_dict(notice.payload)]
    await chat.press("改约时间")
    assert "已通知师傅" in chat.text
    [rebook] = await chat.outbox("rebook_request")
    assert rebook.recipient == "tg-plumber" and "13812345678" in rebook.payload["text"]  # the assignee calls
    async with chat.db.sessions() as session:
        reasons = list(await session.scalars(select(TicketEvent.reason).where(TicketEvent.action == "note")))
    assert reasons == ["师傅报晚到约 30 分钟，预计 " + f"{eta:%H:%M} 到场", "住户希望改约上门时间"]
