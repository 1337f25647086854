"""The ticket queue over real HTTP: who sees which tickets, filters, deadline order, masked phones, JSON polling."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.communities.models import Community
from storage.staff.auth import set_password
from storage.tickets import Actor, accept_ticket, create_ticket
from storage.tickets.models import Ticket
from tests.bot.console.conftest import PASSWORD
from tests.factories import make_community, make_room, make_staff
from tests.storage.conftest import SQLITE_ONLY


async def _open(
    site,
    *,
    category="engineering",
    urgency="normal",
    description="厨房水管漏水",
    room="1-1-502",
    community_id=None,
    phone="13812345678",
    type="repair",
) -> Ticket:
    async with site.sessions() as session, session.begin():
        if community_id is None:
            community_id = (await session.scalar(select(Community).where(Community.code == "demo"))).id
        return await create_ticket(
            session,
            community_id=community_id,
            type=type,
            category=category,
            urgency=urgency,
            description=description,
            channel="phone",
            now=site.clock.now(),
            actor=Actor.system(),
            room_code=room,
            contact_phone=phone,
        )


async def _other_community_ticket(site) -> Ticket:
    async with site.sessions() as session, session.begin():
        other = await make_community(session, site.clock.now(), code="other")
        await make_room(session, other, site.clock.now(), code="8-1-101")
        other_id = other.id
    return await _open(site, community_id=other_id, room="8-1-101", description="别的小区的工单")


async def _json(browser_) -> dict:
    response, body = await browser_.get("/console/tickets.json", headers={"Accept": "application/json"})
    assert response.status == 200
    return json.loads(body)


async def test_queue_lists_visible_tickets_soonest_deadline_first_with_filters(site, browser) -> None:
    normal = await _open(site, description="厨房水管漏水")
    site.clock.advance(minutes=1)
    critical = await _open(site, urgency="critical", description="楼道跑水很急")
    cleaning = await _open(site, category="cleaning_greening", description="楼道垃圾没人清")
    other = await _other_community_ticket(site)

    supervisor = await (await browser()).signed_in("supervisor")
    response, page = await supervisor.get("/console/")
    assert response.status == 200 and "工单队列" in page and "仪表盘" in page
    assert page.index(critical.number) < page.index(normal.number)  # the critical one is due first
    assert cleaning.number in page and f'href="/console/tickets/{other.id}"' not in page
    assert "13812345678" in page  # supervisors read full numbers
    assert 'data-due="' in page and "/console/static/console.js" in page

    data = await _json(supervisor)
    assert data["tickets"][0]["id"] == critical.id
    assert other.id not in {t["id"] for t in data["tickets"]}
    _, page = await supervisor.get("/console/?urgency=critical")
    assert critical.number in page and normal.number not in page
    _, page = await supervisor.get("/console/?category=cleaning_greening")
    assert cleaning.number in page and normal.number not in page
    _, page = await supervisor.get("/console/?overdue=1")
    assert "没有符合条件的工单" in page
    site.clock.advance(minutes=6 * 60)  # within the session, past the critical deadlines
    _, page = await supervisor.get("/console/?overdue=1")
    assert critical.number in page and "已超时" in page

    async with site.sessions() as session, session.begin():
        boss = await make_staff(
            session, None, site.clock.now(), role="general_manager", department="management", name="总部总经理"
        )
        await set_password(session, staff_id=boss.id, login="hq-boss", password=PASSWORD, now=site.clock.now())
    gm = await (await browser()).signed_in("hq-boss")  # company-wide (no community): every community
    assert {t["id"] for t in (await _json(gm))["tickets"]} >= {normal.id, critical.id, cleaning.id, other.id}


async def test_field_staff_see_their_departments_open_tickets_and_their_own(site, browser) -> None:
    engineering = await _open(site, description="厨房水管漏水")
    cleaning = await _open(site, category="cleaning_greening", description="楼道垃圾没人清")
    plumber = await (await browser()).signed_in("plumber")
    numbers = {t["number"] for t in (await _json(plumber))["tickets"]}
    assert engineering.number in numbers and cleaning.number not in numbers
    guard = await (await browser()).signed_in("guard")
    assert (await _json(guard))["tickets"] == []

    async with site.sessions() as session, session.begin():
        await accept_ticket(session, ticket_id=engineering.id, staff_id=site.staff["plumber"], now=site.clock.now())
    rows = (await _json(plumber))["tickets"]
    assert rows[0]["phone"] == "13812345678"  # the assignee reads the full number
    electrician = await (await browser()).signed_in("electrician")
    [row] = [r for r in (await _json(electrician))["tickets"] if r["id"] == engineering.id]
    assert row["phone"] != "13812345678" and row["phone"].startswith("138")  # masked for colleagues


@SQLITE_ONLY  # masking is done in Python; who sees which rows (SQL) runs on both above
async def test_service_agents_read_masked_numbers(site, browser) -> None:
    ticket = await _open(site)
    agent = await (await browser()).signed_in("agent")
    _, page = await agent.get("/console/")
    assert ticket.number in page and "13812345678" not in page
    _, page = await agent.get(f"/console/tickets/{ticket.id}")
    assert "13812345678" not in page and "138" in page


@SQLITE_ONLY  # masking is done in Python
async def test_a_number_typed_into_the_description_is_masked_too(site, browser) -> None:
    ticket = await _open(site, description="厨房水管漏水，急，打我电话13912345678", phone="13812345678")
    agent = await (await browser()).signed_in("agent")
    _, page = await agent.get("/console/")
    assert "13912345678" not in page
    [row] = [r for r in (await _json(agent))["tickets"] if r["id"] == ticket.id]
    assert row["description"].endswith("139****5678")
    _, page = await agent.get(f"/console/tickets/{ticket.id}")
    assert "13912345678" not in page and "139****5678" in page
    assert "工程部" in page or "工程" in page  # the department in Chinese, not its code
