"""Transcripts: the resident confirms resolved work or says it is not solved; the callback questionnaire."""

from __future__ import annotations

from sqlalchemy import select

from dialogs import Outgoing, ask_to_confirm, default_wording, start_questionnaire
from storage.surveys.models import SurveyAnswer
from storage.tickets.models import Ticket
from storage.tickets.service import accept_ticket, mark_on_site, resolve_ticket
from tests.dialogs.conftest import Chat


async def reported_and_resolved(chat: Chat) -> Ticket:
    await chat.send("卫生间马桶漏水 3-2-502 13812345678")
    await chat.press("跳过")
    await chat.press("确认提交")
    plumber = chat.estate.staff["plumber"]
    async with chat.db.sessions.begin() as session:
        ticket = await session.scalar(select(Ticket))
        now = chat.clock.now()
        await accept_ticket(session, ticket_id=ticket.id, staff_id=plumber, now=now)
        await mark_on_site(session, ticket_id=ticket.id, staff_id=plumber, now=now)
        await resolve_ticket(session, ticket_id=ticket.id, staff_id=plumber, now=now, work_done="换密封圈")
        assert await ask_to_confirm(session, ticket, wording=default_wording(), now=now) == 1
    [request] = await chat.outbox("confirm_request")
    assert request.recipient == chat.sender and "请确认" in request.payload["text"]
    chat.replies = [Outgoing.from_dict(request.payload)]
    return ticket


async def status_of(chat: Chat, ticket_id: int) -> Ticket:
    async with chat.db.sessions() as session:
        return await session.get(Ticket, ticket_id)


async def test_confirming_closes_the_ticket(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await chat.press("确认完成")
    assert "感谢您的确认" in chat.text
    assert (await status_of(chat, ticket.id)).status == "closed"
    await chat.send(press=f"confirm:{ticket.id}:yes")  # pressed twice
    assert "已经更新过了" in chat.text


async def test_not_solved_asks_why_reopens_and_tells_the_owner(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await chat.press("还没解决")
    assert "哪里不满意" in chat.text
    await chat.send("还是在滴水")
    assert "重新安排处理" in chat.text
    reopened = await status_of(chat, ticket.id)
    assert reopened.status == "reopened" and reopened.reopen_count == 1
    notices = await chat.outbox("ticket_reopened")
    assert {n.recipient for n in notices} == {"-100engineering", "tg-plumber"}
    assert "还是在滴水" in notices[0].payload["text"]


async def questionnaire(chat: Chat, ticket: Ticket) -> None:
    await chat.press("确认完成")
    async with chat.db.sessions.begin() as session:
        ticket = await session.get(Ticket, ticket.id)
        first = await start_questionnaire(
            session, ticket, channel="webchat", external_id=chat.sender, wording=default_wording(), now=chat.clock.now()
        )
    assert first is not None and "服务态度" in first.text
    chat.replies = [first]


async def test_satisfied_callback_is_recorded(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    await chat.press("非常满意")
    assert "处理速度" in chat.text
    await chat.send("4")  # typed instead of pressed
    assert "处理结果" in chat.text
    await chat.press("满意")
    assert "感谢您的评价" in chat.text
    async with chat.db.sessions() as session:
        [answer] = list(await session.scalars(select(SurveyAnswer)))
    assert (answer.score_attitude, answer.score_speed, answer.score_result, answer.satisfied) == (5, 4, 4, True)


async def test_dissatisfied_callback_asks_why_and_reopens(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    await chat.press("满意")
    await chat.press("非常不满意")
    await chat.press("一般")
    assert "哪里做得不好" in chat.text
    await chat.send("等了三天才来")
    assert "重新安排处理" in chat.text
    async with chat.db.sessions() as session:
        [answer] = list(await session.scalars(select(SurveyAnswer)))
    assert answer.satisfied is False and answer.reasons == ["speed"] and answer.comment == "等了三天才来"
    assert (await status_of(chat, ticket.id)).status == "reopened"
    assert await chat.outbox("ticket_reopened")


async def test_questionnaire_waits_while_the_resident_fills_a_form(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await chat.press("确认完成")
    await chat.send("客厅灯不亮")  # a new request in progress
    async with chat.db.sessions.begin() as session:
        ticket = await session.get(Ticket, ticket.id)
        first = await start_questionnaire(
            session, ticket, channel="webchat", external_id=chat.sender, wording=default_wording(), now=chat.clock.now()
        )
    assert first is None
