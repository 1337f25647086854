"""Ticket service: every business action, its event, deadlines and refusals — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.errors import InvalidInput, NotFound, PermissionDenied, ReasonRequired, TransitionNotAllowed
from storage.tickets import (
    Action,
    Actor,
    accept_ticket,
    add_note,
    assign_ticket,
    cancel_ticket,
    confirm_ticket,
    get_ticket_by_number,
    mark_on_site,
    merge_ticket,
    override_ticket,
    permitted_actions,
    reopen_ticket,
    resolve_ticket,
    return_ticket,
    ticket_events,
)
from tests.factories import make_ticket, make_world


async def test_full_lifecycle_writes_one_event_per_step(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident, urgency="urgent")
    assert ticket.number == "BX-20261122-0001"
    assert ticket.status == "new"
    assert ticket.department == "engineering"
    assert ticket.arrive_due_at == clock.now() + timedelta(minutes=30)
    assert ticket.resolve_due_at == clock.now() + timedelta(hours=2)

    await assign_ticket(
        session,
        ticket_id=ticket.id,
        assignee_id=world.plumber.id,
        actor=Actor.staff(world.agent.id),
        now=clock.advance(minutes=2),
    )
    await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.advance(minutes=1))
    await mark_on_site(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.advance(minutes=20))
    await resolve_ticket(
        session,
        ticket_id=ticket.id,
        staff_id=world.plumber.id,
        now=clock.advance(minutes=30),
        work_done="更换阀门",
        materials=["阀门 DN20"],
    )
    closed = await confirm_ticket(
        session, ticket_id=ticket.id, resident_id=world.resident.id, now=clock.advance(minutes=5)
    )
    await session.commit()

    assert closed.status == "closed"
    assert closed.first_contact_staff_id == world.agent.id
    assert closed.closed_at == clock.now()
    events = await ticket_events(session, ticket.id)
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("create", None, "new"),
        ("assign", "new", "assigned"),
        ("accept", "assigned", "accepted"),
        ("arrive", "accepted", "on_site"),
        ("resolve", "on_site", "resolved"),
        ("confirm", "resolved", "closed"),
    ]
    assert events[4].data == {"work_done": "更换阀门", "materials": ["阀门 DN20"]}
    assert events[-1].actor_kind == "resident" and events[-1].actor_resident_id == world.resident.id
    assert events[0].created_at.tzinfo is not None


async def test_numbers_count_per_type_and_local_day(session, clock) -> None:
    world = await make_world(session, clock.now())
    first = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    second = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    complaint = await make_ticket(
        session,
        world.community,
        clock.now(),
        resident=world.resident,
        type="complaint",
        category="service_attitude",
        complaint_tier=1,
    )
    clock.advance(hours=15)  # 2026-11-23 00:00 in Shanghai
    next_day = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    assert [first.number, second.number, complaint.number, next_day.number] == [
        "BX-20261122-0001",
        "BX-20261122-0002",
        "TS-20261122-0001",
        "BX-20261123-0001",
    ]
    found = await get_ticket_by_number(session, community_id=world.community.id, number="bx-20261122-0002")
    assert found.id == second.id


async def test_complaint_deadlines_follow_the_tier(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(
        session,
        world.community,
        clock.now(),
        resident=world.resident,
        type="complaint",
        category="security_order",
        complaint_tier=3,
    )
    assert ticket.respond_due_at == clock.now() + timedelta(minutes=10)
    assert ticket.resolve_due_at == clock.now() + timedelta(days=7)
    assert ticket.department == "security"


async def test_create_validates_room_phone_and_tier(session, clock) -> None:
    world = await make_world(session, clock.now())
    with pytest.raises(NotFound):
        await make_ticket(session, world.community, clock.now(), resident=world.resident, room_code="9-9-909")
    with pytest.raises(InvalidInput, match="tier"):
        await make_ticket(session, world.community, clock.now(), resident=world.resident, type="complaint")
    with pytest.raises(InvalidInput, match="contact_phone"):
        from storage.tickets import create_ticket

        await create_ticket(
            session,
            community_id=world.community.id,
            type="repair",
            category="engineering",
            urgency="normal",
            description="漏水",
            channel="phone",
            now=clock.now(),
            actor=Actor.staff(world.agent.id),
            contact_phone="12345",
        )


async def test_technician_grabs_a_new_ticket_once(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    taken = await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    assert taken.assignee_staff_id == world.plumber.id
    assert taken.first_contact_staff_id == world.plumber.id
    with pytest.raises(TransitionNotAllowed, match="accepted"):
        await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber2.id, now=clock.now())


async def test_wrong_department_and_non_assignee_are_refused(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    with pytest.raises(PermissionDenied, match="department"):
        await accept_ticket(session, ticket_id=ticket.id, staff_id=world.guard.id, now=clock.now())
    await assign_ticket(
        session, ticket_id=ticket.id, assignee_id=world.plumber.id, actor=Actor.staff(world.agent.id), now=clock.now()
    )
    with pytest.raises(PermissionDenied, match="assigned to someone else"):
        await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber2.id, now=clock.now())
    with pytest.raises(PermissionDenied):
        await assign_ticket(
            session,
            ticket_id=ticket.id,
            assignee_id=world.plumber2.id,
            actor=Actor.staff(world.plumber.id),
            now=clock.now(),
        )
    with pytest.raises(TransitionNotAllowed):
        await mark_on_site(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())


async def test_only_the_assignee_returns_a_ticket_and_it_is_new_again(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    with pytest.raises(PermissionDenied, match="assignee"):
        await return_ticket(session, ticket_id=ticket.id, staff_id=world.plumber2.id, now=clock.now())
    due = ticket.arrive_due_at
    returned = await return_ticket(
        session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now(), reason="缺配件"
    )
    assert (returned.status, returned.assignee_staff_id, returned.accepted_at) == ("new", None, None)
    assert returned.arrive_due_at == due  # the resident's deadline does not move because we swapped staff
    events = await ticket_events(session, ticket.id)
    assert (events[-1].action, events[-1].reason, events[-1].from_status) == ("return", "缺配件", "accepted")
    again = await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber2.id, now=clock.now())
    assert again.assignee_staff_id == world.plumber2.id
    with pytest.raises(PermissionDenied):  # no longer the assignee
        await return_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())


async def test_staff_cannot_close_without_the_resident(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    await resolve_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    with pytest.raises(NotFound):
        await confirm_ticket(session, ticket_id=ticket.id, resident_id=world.resident.id + 999, now=clock.now())
    other = await make_ticket(session, world.community, clock.now(), resident=None)
    await accept_ticket(session, ticket_id=other.id, staff_id=world.plumber.id, now=clock.now())
    await resolve_ticket(session, ticket_id=other.id, staff_id=world.plumber.id, now=clock.now())
    with pytest.raises(PermissionDenied, match="own ticket"):
        await confirm_ticket(session, ticket_id=other.id, resident_id=world.resident.id, now=clock.now())
    with pytest.raises(ReasonRequired):
        await override_ticket(
            session, ticket_id=ticket.id, staff_id=world.supervisor.id, to_status="closed", reason=" ", now=clock.now()
        )
    with pytest.raises(PermissionDenied):
        await override_ticket(
            session,
            ticket_id=ticket.id,
            staff_id=world.agent.id,
            to_status="closed",
            reason="住户电话确认",
            now=clock.now(),
        )
    closed = await override_ticket(
        session,
        ticket_id=ticket.id,
        staff_id=world.supervisor.id,
        to_status="closed",
        reason="住户外出，电话确认已修好",
        now=clock.now(),
    )
    assert closed.status == "closed"
    last = (await ticket_events(session, ticket.id))[-1]
    assert (last.action, last.actor_staff_id, last.reason) == (
        "override",
        world.supervisor.id,
        "住户外出，电话确认已修好",
    )


async def test_not_solved_reopens_with_fresh_deadlines(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident, urgency="urgent")
    await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    await resolve_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.advance(hours=1))
    reopened = await reopen_ticket(
        session,
        ticket_id=ticket.id,
        actor=Actor.resident(world.resident.id),
        now=clock.advance(hours=1),
        reason="还在漏",
    )
    assert reopened.status == "reopened"
    assert reopened.reopen_count == 1
    assert reopened.resolve_due_at == clock.now() + timedelta(hours=2)
    assert reopened.resolved_at is None
    again = await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    assert again.status == "accepted"
    await resolve_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    with pytest.raises(ReasonRequired):
        await reopen_ticket(session, ticket_id=ticket.id, actor=Actor.staff(world.agent.id), now=clock.now())


async def test_cancellation_rules(session, clock) -> None:
    world = await make_world(session, clock.now())
    mine = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    cancelled = await cancel_ticket(
        session, ticket_id=mine.id, actor=Actor.resident(world.resident.id), now=clock.now()
    )
    assert cancelled.status == "cancelled"
    with pytest.raises(TransitionNotAllowed):
        await accept_ticket(session, ticket_id=mine.id, staff_id=world.plumber.id, now=clock.now())

    started = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    await accept_ticket(session, ticket_id=started.id, staff_id=world.plumber.id, now=clock.now())
    with pytest.raises(PermissionDenied, match="work has started"):
        await cancel_ticket(session, ticket_id=started.id, actor=Actor.resident(world.resident.id), now=clock.now())
    with pytest.raises(ReasonRequired):
        await cancel_ticket(session, ticket_id=started.id, actor=Actor.staff(world.agent.id), now=clock.now())
    done = await cancel_ticket(
        session, ticket_id=started.id, actor=Actor.staff(world.agent.id), now=clock.now(), reason="住户已自行维修"
    )
    assert done.cancelled_at == clock.now()


async def test_merge_links_duplicates_and_notes_keep_status(session, clock) -> None:
    world = await make_world(session, clock.now())
    parent = await make_ticket(session, world.community, clock.now(), resident=world.resident, description="3号楼停电")
    duplicate = await make_ticket(session, world.community, clock.now(), resident=world.resident, description="停电了")
    merged = await merge_ticket(
        session, ticket_id=duplicate.id, parent_id=parent.id, staff_id=world.agent.id, now=clock.now()
    )
    assert merged.parent_id == parent.id and merged.status == "new"
    with pytest.raises(InvalidInput):
        await merge_ticket(session, ticket_id=parent.id, parent_id=parent.id, staff_id=world.agent.id, now=clock.now())
    noted = await add_note(
        session,
        ticket_id=parent.id,
        actor=Actor.staff(world.plumber.id),
        text="预计晚到20分钟，已电话告知住户",
        now=clock.now(),
    )
    assert noted.status == "new"
    assert [e.action for e in await ticket_events(session, parent.id)] == ["create", "note"]


async def test_uncommitted_transition_leaves_no_event(db, clock) -> None:
    async with db.sessions() as session:
        world = await make_world(session, clock.now())
        ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
        await session.commit()
    async with db.sessions() as session:
        await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
        await session.rollback()
    async with db.sessions() as session:
        assert [e.action for e in await ticket_events(session, ticket.id)] == ["create"]


async def test_permitted_actions_are_what_the_lifecycle_would_accept(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    plumber = await permitted_actions(session, ticket, Actor.staff(world.plumber.id))
    assert Action.ACCEPT in plumber and Action.RESOLVE not in plumber
    assert Action.ACCEPT not in await permitted_actions(session, ticket, Actor.staff(world.guard.id))  # other dept
    assert Action.ACCEPT not in await permitted_actions(session, ticket, Actor.resident(world.resident.id))
    assert await permitted_actions(session, ticket, Actor.staff(999_999)) == []  # unknown staff: nothing
    accepted = await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    assert Action.ARRIVE in await permitted_actions(session, accepted, Actor.staff(world.plumber.id))
    assert Action.ARRIVE not in await permitted_actions(session, accepted, Actor.staff(world.plumber2.id))
