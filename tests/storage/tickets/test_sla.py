"""Deadlines from policy and which ones a ticket has missed — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from storage.communities import set_policy
from storage.tickets import accept_ticket, missed_deadlines
from tests.factories import make_ticket, make_world


async def test_missed_deadlines_follow_the_status(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident, urgency="urgent")
    assert missed_deadlines(ticket, clock.now()) == []
    assert missed_deadlines(ticket, clock.now() + timedelta(minutes=31)) == ["respond", "arrive"]
    await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.advance(minutes=10))
    assert missed_deadlines(ticket, clock.now() + timedelta(hours=3)) == ["arrive", "resolve"]


async def test_a_community_policy_changes_new_deadlines(session, clock) -> None:
    world = await make_world(session, clock.now())
    await set_policy(session, community_id=world.community.id, policy_toml="[deadlines.urgent]\narrive_minutes = 15\n")
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident, urgency="urgent")
    assert ticket.arrive_due_at == clock.now() + timedelta(minutes=15)
    assert ticket.resolve_due_at == clock.now() + timedelta(hours=2)
