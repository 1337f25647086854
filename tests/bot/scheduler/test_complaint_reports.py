"""Complaint reports through whole days on a frozen clock (§4, 001): a major complaint reaches the department
manager the same day (never before the policy's hour), an online complaint reaches the general manager (daily
list or one by one) and owes the resident a substantive answer within 24 h, escalated up the ladder when missed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dialogs import default_wording
from dialogs.business.complaint_reports import answer_resident
from storage.clock import FrozenClock
from storage.db import Database
from storage.errors import PolicyError
from storage.policy import load_policy
from storage.tickets import Actor, accept_ticket, assign_ticket, create_ticket, resolve_ticket, ticket_events
from tests.bot.scheduler.conftest import Driver, Estate, build_estate, outbox

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def complaint(db: Database, clock: FrozenClock, estate: Estate, **fields) -> int:
    values = dict(
        type="complaint",
        category="security_order",
        urgency="normal",
        complaint_tier=3,
        description="保安推搡我家老人",
        complaint_target="门岗保安",
        channel="telegram",
    )
    values.update(fields)
    async with db.sessions.begin() as session:
        ticket = await create_ticket(
            session,
            community_id=estate.community_id,
            now=clock.now(),
            actor=Actor.resident(estate.resident_id),
            resident_id=estate.resident_id,
            room_code="3-2-502",
            **values,
        )
    return ticket.id


async def notes(db: Database, ticket_id: int, key: str, value: str) -> list:
    async with db.sessions() as session:
        return [e for e in await ticket_events(session, ticket_id) if e.data and e.data.get(key) == value]


def sent_at(messages) -> list[tuple[datetime, str]]:
    return [(m.created_at.astimezone(SHANGHAI), m.recipient) for m in messages]


async def test_major_complaint_reported_to_the_department_manager_at_once_and_once(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 10, 0))
    ticket_id = await complaint(db, clock, estate)
    await driver.until(local(23, 10, 1))
    # 秩序维护部 has no head of its own in the staff model: policy department_heads.security = project_manager.
    reports = await outbox(db, kind="major_complaint_report")
    assert sent_at(reports) == [(local(23, 10), "tg-manager")]
    assert "重大投诉当日报告" in reports[0].payload["text"] and "秩序维护部" in reports[0].payload["text"]
    await driver.until(local(25, 10, 0))
    assert len(await outbox(db, kind="major_complaint_report")) == 1
    [note] = await notes(db, ticket_id, "report", "major_complaint")
    assert note.data["same_day"] is True and note.data["departments"] == ["security"]
    assert "部门经理" in note.reason


async def test_major_complaint_at_night_waits_for_the_policy_hour_the_same_day(
    db: Database, clock: FrozenClock
) -> None:
    estate = await build_estate(db, clock.now(), policy_toml='[complaints]\nmajor_report_earliest = "08:30"\n')
    driver = Driver(db, clock)
    clock.set(local(24, 2, 15))
    await complaint(
        db, clock, estate, category="service_attitude", description="收了红包才给办事", complaint_target="前台"
    )
    await driver.until(local(24, 8, 29))
    assert await outbox(db, kind="major_complaint_report") == []
    await driver.until(local(24, 9, 0))
    # 客服中心's manager is its supervisor (department_heads.service_centre).
    assert sent_at(await outbox(db, kind="major_complaint_report")) == [(local(24, 8, 30), "tg-supervisor")]


async def test_a_complaint_climbing_to_tier_3_is_reported_to_every_department_concerned(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 10, 0))
    ticket_id = await complaint(
        db,
        clock,
        estate,
        category="service_attitude",
        complaint_tier=1,
        description="前台不理人，保安也不帮忙",
        complaint_target="前台和保安",
        channel="phone",
    )
    async with db.sessions.begin() as session:
        await assign_ticket(
            session, ticket_id=ticket_id, assignee_id=estate.staff["agent"], actor=Actor.system(), now=clock.now()
        )
        await accept_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["agent"], now=clock.now())
    await driver.until(local(26, 9, 0))
    assert await outbox(db, kind="major_complaint_report") == []  # tier 2 after 24 h, tier 3 after 72 h
    await driver.until(local(26, 11, 0))
    reports = await outbox(db, kind="major_complaint_report")
    assert sorted(sent_at(reports)) == [(local(26, 10), "tg-manager"), (local(26, 10), "tg-supervisor")]
    [note] = await notes(db, ticket_id, "report", "major_complaint")
    assert note.data["departments"] == ["security", "service_centre"] and note.data["tier"] == 3


async def test_online_complaint_unanswered_for_24_hours_climbs_the_ladder(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 9, 0))
    ticket_id = await complaint(
        db, clock, estate, category="engineering", complaint_tier=2, description="报修拖了一个月没人来修"
    )
    async with db.sessions.begin() as session:  # taken, but "已接单" tells the resident nothing of substance
        await assign_ticket(
            session, ticket_id=ticket_id, assignee_id=estate.staff["supervisor"], actor=Actor.system(), now=clock.now()
        )
        await accept_ticket(session, ticket_id=ticket_id, staff_id=estate.staff["supervisor"], now=clock.now())
    await driver.until(local(24, 8, 59))
    assert await outbox(db, kind="escalation") == []
    await driver.until(local(24, 18, 0))
    # Tier 2 is the supervisor's: the ladder starts above, every 480 min (escalation.step_minutes.normal).
    assert sent_at(await outbox(db, kind="escalation")) == [(local(24, 9), "tg-manager"), (local(24, 17), "tg-gm")]
    [late] = await outbox(db, kind="late_notice")
    assert late.recipient == "res-1" and "答复" in late.payload["text"]
    answer_notes = await notes(db, ticket_id, "escalation", "answer")
    assert [n.data["role"] for n in answer_notes] == ["project_manager", "general_manager"]


async def test_an_answer_within_24_hours_stops_the_escalation_and_shows_in_the_digest(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 9, 0))
    answered = await complaint(db, clock, estate, category="engineering", complaint_tier=2, description="电梯老是坏")
    waiting = await complaint(db, clock, estate, category="engineering", complaint_tier=2, description="水压太低了")
    await complaint(db, clock, estate, complaint_tier=2, description="电话投诉：噪音", channel="phone")
    await driver.until(local(23, 15, 0))
    async with db.sessions.begin() as session:
        await answer_resident(
            session,
            ticket_id=answered,
            staff_id=estate.staff["supervisor"],
            text="已联系电梯维保公司，明天上午更换主板",
            now=clock.now(),
            wording=default_wording(),
        )
    [reply] = await outbox(db, kind="complaint_answer")
    assert reply.recipient == "res-1" and "明天上午更换主板" in reply.payload["text"]
    await driver.until(local(23, 17, 40))
    [digest] = await outbox(db, kind="online_digest")
    assert sent_at([digest]) == [(local(23, 17, 30), "tg-gm")]
    text = digest.payload["text"]
    assert "新增 2 件" in text and "已答复 11-23 15:00" in text and "待答复（11-24 09:00 前）" in text
    assert "噪音" not in text  # a phone complaint is not an online one
    assert len(await notes(db, answered, "report", "online_complaint")) == 1
    await driver.until(local(24, 12, 0))
    assert await notes(db, answered, "escalation", "answer") == []
    assert len(await notes(db, waiting, "escalation", "answer")) == 1
    await driver.until(local(24, 17, 40))
    second = (await outbox(db, kind="online_digest"))[-1]
    assert "今日无新增" in second.payload["text"] and "此前仍未答复" in second.payload["text"]
    async with db.sessions.begin() as session:  # resolving is an answer
        supervisor = estate.staff["supervisor"]
        await assign_ticket(session, ticket_id=waiting, assignee_id=supervisor, actor=Actor.system(), now=clock.now())
        await accept_ticket(session, ticket_id=waiting, staff_id=supervisor, now=clock.now())
        await resolve_ticket(session, ticket_id=waiting, staff_id=supervisor, now=clock.now())
    await driver.until(local(25, 17, 40))
    assert len(await outbox(db, kind="online_digest")) == 2  # nothing new, nothing waiting: no list


async def test_each_online_complaint_reported_at_once_when_the_policy_says_so(db: Database, clock: FrozenClock) -> None:
    estate = await build_estate(db, clock.now(), policy_toml='[complaints]\nonline_report = "each"\n')
    driver = Driver(db, clock)
    clock.set(local(23, 11, 0))
    ticket_id = await complaint(db, clock, estate, complaint_tier=1, description="保洁没打扫楼道")
    await complaint(db, clock, estate, complaint_tier=1, description="电话里说保洁不好", channel="front_desk")
    await driver.until(local(23, 18, 0))
    reports = await outbox(db, kind="online_complaint_report")
    assert sent_at(reports) == [(local(23, 11), "tg-gm")] and reports[0].ticket_id == ticket_id
    assert await outbox(db, kind="online_digest") == []
    [note] = await notes(db, ticket_id, "report", "online_complaint")
    assert note.data["mode"] == "each"


def test_complaint_report_settings_are_checked() -> None:
    for text, key in (
        ('[complaints]\nonline_report = "weekly"\n', "complaints.online_report"),
        ("[complaints]\nmajor_tier = 4\n", "complaints.major_tier"),
        ('[complaints]\nmajor_report_earliest = "7 am"\n', "complaints.major_report_earliest"),
        ('[complaints.department_heads]\nengineering = "boss"\n', "complaints.department_heads.engineering"),
        ('[complaints]\nonline_report_roles = ["owner"]\n', "complaints.online_report_roles"),
        ('[callbacks]\nask_service_needs = "yes"\n', "callbacks.ask_service_needs"),
    ):
        with pytest.raises(PolicyError) as error:
            load_policy(text)
        assert error.value.key == key, text
