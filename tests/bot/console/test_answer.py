"""答复住户 from the console over real HTTP: a desk member's reply reaches every chat of the resident and counts as
the online complaint's substantive answer (the 24 h deadline the scheduler checks); every refusal queues nothing."""

from __future__ import annotations

from sqlalchemy import select

from dialogs.business.complaint_reports import first_answer_at
from storage.communities.models import Community
from storage.communities.service import policy_for
from storage.outbox.models import OutboxMessage
from storage.residents.service import get_or_create_resident
from storage.tickets import Actor, accept_ticket, assign_ticket, create_ticket, override_ticket
from storage.tickets.models import Ticket
from tests.bot.console.test_queue import _other_community_ticket
from tests.bot.console.test_tickets import _state
from tests.storage.conftest import SQLITE_ONLY

#: The form and its refusals; the answer's effect on the deadline is proven on both backends in
#: tests/bot/scheduler/test_complaint_reports.py.
pytestmark = SQLITE_ONLY

CHAT = "answer-test-chat"


async def _complaint(site, *, category: str = "engineering") -> Ticket:
    """An online complaint (web chat) by a resident who can be reached in that chat."""
    async with site.sessions() as session, session.begin():
        community_id = (await session.scalar(select(Community).where(Community.code == "demo"))).id
        resident, _ = await get_or_create_resident(
            session, community_id=community_id, channel="webchat", external_id=CHAT, now=site.clock.now()
        )
        return await create_ticket(
            session,
            community_id=community_id,
            type="complaint",
            category=category,
            urgency="normal",
            complaint_tier=2,
            description="电梯老是坏，没人管",
            channel="webchat",
            now=site.clock.now(),
            actor=Actor.resident(resident.id),
            resident_id=resident.id,
            room_code="1-1-502",
        )


async def _answers(site) -> list[OutboxMessage]:
    async with site.sessions() as session:
        return list(await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "complaint_answer")))


async def _answered(site, ticket_id: int):
    async with site.sessions() as session:
        return await first_answer_at(session, await session.get(Ticket, ticket_id))


def _answer_due(page: str) -> str:
    """The ticket page's 答复时限 field."""
    start = page.index('id="answer-due"')
    return page[start : page.index("</dd>", start)]


async def test_an_agent_answers_an_online_complaint_and_the_deadline_is_met(site, browser) -> None:
    ticket = await _complaint(site)
    agent = await (await browser()).signed_in("agent")
    response, page = await agent.get(f"/console/tickets/{ticket.id}")
    assert response.status == 200 and 'id="form-answer"' in page and "答复住户" in page
    assert "尚未答复" in _answer_due(page)  # the 24 h online-complaint deadline is labelled
    async with site.sessions() as session:
        policy = await policy_for(session, ticket.community_id)
    due = (ticket.created_at + policy.complaints.online_answer).astimezone(policy.timezone)
    assert policy.complaints.online_answer.total_seconds() == 24 * 3600  # §4: 24 h
    assert due.strftime("%Y-%m-%d %H:%M") in _answer_due(page)
    assert await _answered(site, ticket.id) is None

    site.clock.advance(minutes=30)
    text = "  已联系电梯维保公司，明天上午更换主板，有问题请打 13900001111  "
    response, _ = await agent.post(f"/console/tickets/{ticket.id}/answer", {"csrf_token": agent.csrf, "text": text})
    assert response.status == 303 and response.headers["Location"] == f"/console/tickets/{ticket.id}"

    [reply] = await _answers(site)
    assert reply.recipient == CHAT and reply.channel == "webchat" and reply.ticket_id == ticket.id
    # The resident's own message is not masked: the number is the one they should call.
    assert "明天上午更换主板，有问题请打 13900001111" in reply.payload["text"]
    assert "演示-李客服" in reply.payload["text"]
    assert await _answered(site, ticket.id) == site.clock.now()  # the scheduler's check sees it answered

    _, page = await agent.get(f"/console/tickets/{ticket.id}")
    assert "已答复住户" in page  # the flash
    events = page[page.index('id="events"') : page.index('id="conversation"')]
    assert "已联系电梯维保公司" in events and "演示-李客服" in events and "答复住户" in events
    assert "已答复" in _answer_due(page) and "尚未答复" not in _answer_due(page)  # the deadline shows as met
    assert (await _state(site, ticket.id))[0] == "new"  # an answer does not change the status


async def test_refusals_queue_nothing(site, browser) -> None:
    ticket = await _complaint(site)
    before = await _state(site, ticket.id)
    agent = await (await browser()).signed_in("agent")
    await agent.get(f"/console/tickets/{ticket.id}")
    path = f"/console/tickets/{ticket.id}/answer"

    response, page = await agent.post(path, {"text": "没有安全令牌"})
    assert response.status == 403 and "安全校验失败" in page
    response, page = await agent.post(path, {"csrf_token": agent.csrf, "text": "   "})
    assert response.status == 400 and "请填写" in page and 'role="alert"' in page
    response, page = await agent.post(path, {"csrf_token": agent.csrf, "text": "太长" * 251})
    assert response.status == 400 and "500" in page

    plumber = await (await browser()).signed_in("plumber")  # sees his department's open ticket, not assigned
    response, page = await plumber.get(f"/console/tickets/{ticket.id}")
    assert response.status == 200 and 'id="form-answer"' not in page
    response, page = await plumber.post(path, {"csrf_token": plumber.csrf, "text": "我来答复"})
    assert response.status == 403 and "负责人" in page

    guard = await (await browser()).signed_in("guard")  # may not even see it
    response, _ = await guard.post(path, {"csrf_token": guard.csrf, "text": "我来答复"})
    assert response.status == 404

    other = await _other_community_ticket(site)
    response, page = await agent.post(
        f"/console/tickets/{other.id}/answer", {"csrf_token": agent.csrf, "text": "别的小区"}
    )
    assert response.status == 404 and "没有找到这张工单" in page

    assert await _answers(site) == []
    assert await _state(site, ticket.id) == before
    assert await _answered(site, ticket.id) is None


async def test_the_assignee_may_answer_but_nobody_answers_a_closed_ticket(site, browser) -> None:
    ticket = await _complaint(site)
    async with site.sessions() as session, session.begin():
        await assign_ticket(
            session, ticket_id=ticket.id, assignee_id=site.staff["plumber"], actor=Actor.system(), now=site.clock.now()
        )
        await accept_ticket(session, ticket_id=ticket.id, staff_id=site.staff["plumber"], now=site.clock.now())
    plumber = await (await browser()).signed_in("plumber")
    _, page = await plumber.get(f"/console/tickets/{ticket.id}")
    assert 'id="form-answer"' in page
    response, _ = await plumber.post(
        f"/console/tickets/{ticket.id}/answer", {"csrf_token": plumber.csrf, "text": "下午两点上门查看"}
    )
    assert response.status == 303
    assert len(await _answers(site)) == 1

    async with site.sessions() as session, session.begin():
        await override_ticket(
            session,
            ticket_id=ticket.id,
            staff_id=site.staff["supervisor"],
            to_status="closed",
            reason="住户电话确认已处理",
            now=site.clock.now(),
        )
    before = await _state(site, ticket.id)
    supervisor = await (await browser()).signed_in("supervisor")
    _, page = await supervisor.get(f"/console/tickets/{ticket.id}")
    assert 'id="form-answer"' not in page
    response, page = await supervisor.post(
        f"/console/tickets/{ticket.id}/answer", {"csrf_token": supervisor.csrf, "text": "再补充一句"}
    )
    assert response.status == 409 and "已关闭" in page and 'role="alert"' in page
    assert len(await _answers(site)) == 1 and await _state(site, ticket.id) == before
