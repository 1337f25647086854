"""Transcripts: the resident confirms resolved work or says it is not solved; the callback questionnaire."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dialogs import Outgoing, ask_to_confirm, default_wording, start_questionnaire
from storage.communities.service import set_policy
from storage.reports import monthly_report
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
    assert "感谢您的评价" in chat.text and "有偿服务" in chat.text  # stored; then the optional last question
    assert "家政保洁（30元/小时）" in chat.labels and "空调清洗（100元/台）" in chat.labels  # policy prices
    async with chat.db.sessions() as session:
        [answer] = list(await session.scalars(select(SurveyAnswer)))
    assert (answer.score_attitude, answer.score_speed, answer.score_result, answer.satisfied) == (5, 4, 4, True)
    assert answer.reasons is None
    await chat.press("暂不需要")
    assert "感谢您的配合" in chat.text
    async with chat.db.sessions() as session:
        [answer] = list(await session.scalars(select(SurveyAnswer)))
    assert answer.reasons is None and await chat.outbox("service_need") == []


async def test_dissatisfied_callback_asks_why_and_reopens(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    await chat.press("满意")
    await chat.press("非常不满意")
    await chat.press("一般")
    assert "哪里做得不好" in chat.text
    await chat.send("等了三天才来")
    assert "重新安排处理" in chat.text and "有偿服务" in chat.text
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


async def answers(chat: Chat) -> list[SurveyAnswer]:
    async with chat.db.sessions() as session:
        return list(await session.scalars(select(SurveyAnswer).order_by(SurveyAnswer.id)))


async def monthly_feedback(chat: Chat) -> dict[str, int]:
    """The month's feedback pie as the report computes it a minute later."""
    now = chat.clock.now() + timedelta(minutes=1)
    month = now.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    async with chat.db.sessions() as session:
        report = await monthly_report(session, community_id=chat.estate.community_id, month=month, now=now)
    return report.feedback


async def test_a_service_picked_at_the_end_is_a_value_added_need_in_the_report(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    for label in ("非常满意", "非常满意", "满意"):
        await chat.press(label)
    assert (await monthly_feedback(chat))["value_added"] == 0
    await chat.press("家政保洁")
    assert "已转给客服中心" in chat.text and "家政保洁" in chat.text and "预约服务" in chat.labels[0]
    [answer] = await answers(chat)
    assert answer.satisfied is True and answer.reasons == ["value_added"]
    assert answer.answers == {"service_need": "家政保洁"}
    [lead] = await chat.outbox("service_need")  # policy departments.value_added = service_centre
    assert lead.recipient == "-100service_centre" and "3-2-502" in lead.payload["text"]
    assert "13812345678" not in lead.payload["text"]
    assert await monthly_feedback(chat) == {"attitude": 0, "speed": 0, "result": 0, "value_added": 1}
    await chat.send(press=f"callback:{ticket.id}:service:ac_cleaning")  # an old button pressed again
    assert (await answers(chat))[0].reasons == ["value_added"]


async def test_other_service_typed_and_a_need_named_in_the_complaint_comment(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    for label in ("满意", "满意", "满意"):
        await chat.press(label)
    await chat.press("其他服务")
    assert "需要什么服务" in chat.text
    await chat.send("帮忙代收快递")  # the parser does not call this value-added; the resident chose 其他服务
    assert "已转给客服中心" in chat.text
    assert (await answers(chat))[0].answers == {"service_need": "帮忙代收快递"}


async def test_a_low_score_comment_asking_for_a_service_is_counted_without_the_last_question(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    await chat.press("满意")
    await chat.press("不满意")
    await chat.press("满意")
    await chat.send("来得太慢了，另外想请个钟点工打扫卫生")
    assert "重新安排处理" in chat.text and "已转给客服中心" in chat.text and "有偿服务" not in chat.text
    [answer] = await answers(chat)
    assert answer.satisfied is False and answer.reasons == ["speed", "value_added"]
    assert await monthly_feedback(chat) == {"attitude": 0, "speed": 1, "result": 0, "value_added": 1}
    reopened = await chat.outbox("ticket_reopened")
    assert reopened and all("增值服务" not in m.payload["text"] for m in reopened)  # no reason to redo the work


async def test_a_typed_repair_instead_of_the_service_answer_starts_a_request(chat: Chat) -> None:
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    for label in ("满意", "满意", "满意"):
        await chat.press(label)
    await chat.send("客厅的灯不亮了")  # not an answer to the service question: a new repair request
    assert "现场照片" in chat.text and "有偿服务" not in chat.text
    [answer] = await answers(chat)
    assert answer.reasons is None


async def test_low_score_comes_from_the_policy(chat: Chat) -> None:
    async with chat.db.sessions.begin() as session:
        await set_policy(session, community_id=chat.estate.community_id, policy_toml="[reports]\nlow_score = 3\n")
    ticket = await reported_and_resolved(chat)
    await questionnaire(chat, ticket)
    await chat.press("满意")
    await chat.press("一般")  # 3: dissatisfied under this community's policy (the default is 2)
    await chat.press("满意")
    assert "哪里做得不好" in chat.text
    await chat.press("跳过")
    [answer] = await answers(chat)
    assert answer.satisfied is False and answer.reasons == ["speed"]
    assert (await monthly_feedback(chat))["speed"] == 1
