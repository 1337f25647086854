"""Deadlines through whole days on a frozen clock: reminders, the escalation ladder, late notices to the
resident, events on the ticket, critical re-alerts, the family contact and the complaint ladder."""

from __future__ import annotations

from datetime import timedelta

from storage.clock import FrozenClock
from storage.db import Database
from storage.tickets import (
    Actor,
    accept_ticket,
    assign_ticket,
    create_ticket,
    mark_on_site,
    reopen_ticket,
    resolve_ticket,
    ticket_events,
)
from storage.tickets.queries import get_ticket
from tests.bot.scheduler.conftest import Driver, Estate, build_estate, outbox


async def _open(db: Database, clock: FrozenClock, estate: Estate, **fields) -> int:
    values = dict(type="repair", category="engineering", urgency="urgent", description="厨房水管爆了")
    values.update(fields)
    async with db.sessions.begin() as session:
        ticket = await create_ticket(
            session,
            community_id=estate.community_id,
            channel="telegram",
            now=clock.now(),
            actor=Actor.resident(estate.resident_id),
            resident_id=estate.resident_id,
            room_code="3-2-502",
            **values,
        )
    return ticket.id


def _times(messages, start) -> list[tuple[int, str, str]]:
    return [(int((m.created_at - start).total_seconds() // 60), m.kind, m.recipient) for m in messages]


async def test_urgent_repair_reminded_then_escalated_up_the_ladder(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    start = clock.now()
    ticket_id = await _open(db, clock, estate)
    await driver.advance(minutes=5)
    async with db.sessions.begin() as session:
        await accept_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["plumber"], now=clock.now())
    await driver.advance(hours=6)
    staff_side = [m for m in await outbox(db) if m.kind in ("deadline_reminder", "escalation")]
    # 紧急: arrive due at 30 min (policy), reminded 10 min before; ladder every 30 min; resolve at 120 min.
    assert _times(staff_side, start) == [
        (20, "deadline_reminder", "tg-plumber"),
        (30, "escalation", "tg-supervisor"),
        (60, "escalation", "tg-manager"),
        (90, "escalation", "tg-gm"),
        (110, "deadline_reminder", "tg-plumber"),
        (120, "escalation", "tg-supervisor"),
        (150, "escalation", "tg-manager"),
        (180, "escalation", "tg-gm"),
    ]
    assert "到场时限" in staff_side[1].payload["text"] and "plumber" in staff_side[1].payload["text"]
    late = await outbox(db, kind="late_notice")
    assert _times(late, start) == [(30, "late_notice", "res-1"), (120, "late_notice", "res-1")]
    assert "非常抱歉" in late[0].payload["text"] and "客服主管督办" in late[0].payload["text"]
    async with db.sessions() as session:
        notes = [e for e in await ticket_events(session, ticket_id) if e.data and e.data.get("escalation")]
    assert [(e.data["escalation"], e.data["role"]) for e in notes] == [
        ("arrive", "supervisor"),
        ("arrive", "project_manager"),
        ("arrive", "general_manager"),
        ("resolve", "supervisor"),
        ("resolve", "project_manager"),
        ("resolve", "general_manager"),
    ]


async def test_a_step_done_in_time_is_neither_reminded_nor_escalated(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    ticket_id = await _open(db, clock, estate)
    await driver.advance(minutes=5)
    async with db.sessions.begin() as session:
        await accept_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["plumber"], now=clock.now())
    await driver.advance(minutes=14)
    async with db.sessions.begin() as session:
        await mark_on_site(session, ticket_id=ticket_id, staff_id=estate.staff["plumber"], now=clock.now())
    await driver.advance(minutes=60)
    async with db.sessions.begin() as session:
        await resolve_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["plumber"], now=clock.now())
    await driver.advance(hours=12)
    assert await outbox(db, kind="escalation") == [] and await outbox(db, kind="deadline_reminder") == []
    assert await outbox(db, kind="late_notice") == []
    # Handled: the resident is told the result and asked to confirm, once.
    assert [m.recipient for m in await outbox(db, kind="confirm_request")] == ["res-1"]


async def test_unaccepted_ticket_reminds_the_department_group(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    start = clock.now()
    await _open(db, clock, estate, urgency="normal", category="cleaning_greening", description="楼道很脏")
    await driver.advance(hours=23)
    [reminder] = await outbox(db, kind="deadline_reminder")
    assert reminder.recipient == "g-environment"
    assert _times([reminder], start)[0][0] == 22 * 60  # 普通: respond in 24 h, reminded 120 min before


async def test_reopen_restarts_the_deadlines_and_old_jobs_stay_quiet(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    ticket_id = await _open(db, clock, estate)
    async with db.sessions.begin() as session:
        await accept_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["plumber"], now=clock.now())
        await mark_on_site(session, ticket_id=ticket_id, staff_id=estate.staff["plumber"], now=clock.now())
    await driver.advance(minutes=10)
    async with db.sessions.begin() as session:
        await resolve_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["plumber"], now=clock.now())
    await driver.advance(minutes=10)
    async with db.sessions.begin() as session:
        await reopen_ticket(
            session, ticket_id=ticket_id, actor=Actor.resident(estate.resident_id), now=clock.now(), reason="还在漏"
        )
    reopened = clock.now()
    await driver.advance(hours=2, minutes=5)
    escalations = await outbox(db, kind="escalation")
    # Only the reopened ticket's deadlines (counted from the reopening) escalate; the first run's never did.
    assert [int((m.created_at - reopened).total_seconds() // 60) for m in escalations][:1] == [30]
    async with db.sessions() as session:
        ticket = await get_ticket(session, ticket_id)
    assert ticket.reopen_count == 1


async def test_critical_ticket_realerted_until_accepted_and_family_told(db: Database, clock: FrozenClock) -> None:
    estate = await build_estate(db, clock.now(), family=True)
    driver = Driver(db, clock)
    start = clock.now()
    ticket_id = await _open(db, clock, estate, urgency="critical", category="security_order", description="老人晕倒了")
    await driver.advance(minutes=17)
    async with db.sessions.begin() as session:
        await accept_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["guard"], now=clock.now())
    await driver.advance(minutes=30)
    alerts = await outbox(db, kind="critical_alert")
    # Every 5 min (policy) to the on-duty supervisor, project manager and security, until the 17th minute.
    assert sorted({_times([m], start)[0][0] for m in alerts}) == [5, 10, 15]
    assert {m.recipient for m in alerts} == {"tg-supervisor", "tg-manager", "tg-guard"}
    family = await outbox(db, kind="family_contact")
    assert {m.recipient for m in family} == {"tg-supervisor", "tg-manager", "tg-guard"}
    assert "13900139000" in family[0].payload["text"] and "王先生" in family[0].payload["text"]
    async with db.sessions() as session:
        rounds = [
            e.data["round"]
            for e in await ticket_events(session, ticket_id)
            if e.data and e.data.get("escalation") == "critical_repeat"
        ]
    assert rounds == [1, 2, 3]


async def test_no_family_contact_no_family_notice(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    await _open(db, clock, estate, urgency="critical", category="security_order", description="有人被困电梯")
    await driver.advance(minutes=1)
    assert await outbox(db, kind="family_contact") == []


async def test_complaint_climbs_its_tiers_then_the_ladder(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    start = clock.now()
    ticket_id = await _open(
        db,
        clock,
        estate,
        type="complaint",
        category="service_attitude",
        urgency="normal",
        complaint_tier=1,
        description="前台态度很差",
    )
    async with db.sessions.begin() as session:
        await assign_ticket(
            session, ticket_id=ticket_id, assignee_id=estate.staff["agent"], actor=Actor.system(), now=clock.now()
        )
        await accept_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["agent"], now=clock.now())
    await driver.advance(days=11)
    climbs = await outbox(db, kind="complaint_climb")
    assert [(_times([m], start)[0][0] // 60, m.recipient) for m in climbs] == [
        (24, "tg-supervisor"),
        (72, "tg-manager"),
    ]
    resident = [m for m in await outbox(db, kind="late_notice", recipient="res-1")]
    assert len(resident) == 3 and "二级" in resident[0].payload["text"] and "三级" in resident[1].payload["text"]
    assert "总经理督办" in resident[2].payload["text"]
    # Tier 3 (project manager, 7 days) ran out too: the ladder goes on above the project manager.
    [gm] = await outbox(db, kind="escalation")
    assert gm.recipient == "tg-gm" and _times([gm], start)[0][0] == (72 + 7 * 24) * 60
    async with db.sessions() as session:
        ticket = await get_ticket(session, ticket_id)
    assert ticket.complaint_tier == 3


async def test_cross_department_complaint_goes_to_general_admin(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    ticket_id = await _open(
        db,
        clock,
        estate,
        type="complaint",
        category="cleaning_greening",
        urgency="normal",
        complaint_tier=2,
        description="保洁把垃圾堆在门口，保安也不管",
        complaint_target="保洁和保安",
    )
    await driver.advance(minutes=1)
    handed = await outbox(db, kind="cross_department")
    assert {m.recipient for m in handed} == {"tg-admin", "g-general_admin"}
    assert "秩序维护部" in handed[0].payload["text"] and "环境部" in handed[0].payload["text"]
    assert all(m.created_at - clock.now() <= timedelta(hours=2) for m in handed)
    async with db.sessions() as session:
        notes = [
            e
            for e in await ticket_events(session, ticket_id)
            if e.data and e.data.get("escalation") == "cross_department"
        ]
    assert len(notes) == 1
