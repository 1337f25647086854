"""Surveys: a dissatisfied callback reopens the ticket — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.errors import InvalidInput
from storage.surveys import record_callback, record_survey, satisfaction_rate
from storage.tickets import accept_ticket, confirm_ticket, resolve_ticket, ticket_events
from tests.factories import make_ticket, make_world


async def _closed_ticket(session, clock, world):
    ticket = await make_ticket(session, world.community, clock.now(), resident=world.resident)
    await accept_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    await resolve_ticket(session, ticket_id=ticket.id, staff_id=world.plumber.id, now=clock.now())
    return await confirm_ticket(session, ticket_id=ticket.id, resident_id=world.resident.id, now=clock.now())


async def test_dissatisfied_callback_reopens_with_reasons(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await _closed_ticket(session, clock, world)
    with pytest.raises(InvalidInput, match="why"):
        await record_callback(session, ticket_id=ticket.id, staff_id=world.agent.id, satisfied=False, now=clock.now())
    answer = await record_callback(
        session,
        ticket_id=ticket.id,
        staff_id=world.agent.id,
        satisfied=False,
        now=clock.advance(days=1),
        scores={"attitude": 4, "speed": 2, "result": 1},
        reasons=["speed", "result"],
        comment="水管还在滴水",
    )
    assert answer.score_result == 1 and answer.reasons == ["speed", "result"]
    assert ticket.status == "reopened" and ticket.reopen_count == 1
    last = (await ticket_events(session, ticket.id))[-1]
    assert last.action == "reopen" and last.reason == "回访不满意：响应速度、解决效果（水管还在滴水）"


async def test_satisfaction_rate(session, clock) -> None:
    world = await make_world(session, clock.now())
    ticket = await _closed_ticket(session, clock, world)
    await record_callback(session, ticket_id=ticket.id, staff_id=world.agent.id, satisfied=True, now=clock.now())
    for happy in (True, True, False):
        await record_survey(
            session,
            community_id=world.community.id,
            kind="monthly",
            channel="telegram",
            resident_id=world.resident.id,
            satisfied=happy,
            now=clock.now(),
        )
    await record_survey(
        session, community_id=world.community.id, kind="service_rating", channel="webchat", rating=2, now=clock.now()
    )
    rate = await satisfaction_rate(
        session,
        community_id=world.community.id,
        since=clock.now() - timedelta(days=1),
        until=clock.now() + timedelta(seconds=1),
    )
    assert rate == 0.75
    with pytest.raises(InvalidInput):
        await record_survey(
            session, community_id=world.community.id, kind="monthly", channel="x", rating=6, now=clock.now()
        )
