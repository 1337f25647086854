"""Callbacks after closing: the policy's delay per kind, only inside the calling windows (11:30 and 18:00
are outside), weekdays per policy, one questionnaire at a time, and one reminder when unanswered."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from dialogs import Incoming, Kind
from dialogs.turn import handle_message
from storage.clock import FrozenClock
from storage.conversations.service import load_conversation, save_conversation
from storage.db import Database
from storage.tickets import Actor, accept_ticket, assign_ticket, confirm_ticket, create_ticket, resolve_ticket
from tests.bot.scheduler.conftest import Driver, Estate, build_estate, outbox

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ids = itertools.count(1)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in November 2026 (the 23rd is a Monday, the 28th a Saturday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


async def close(db: Database, clock: FrozenClock, estate: Estate, *, kind: str = "complaint") -> int:
    """Open a ticket, have it handled and confirmed by the resident at the clock's time; returns its id."""
    complaint = kind == "complaint"
    staff = estate.staff["agent" if complaint else "plumber"]
    async with db.sessions.begin() as session:
        ticket = await create_ticket(
            session,
            community_id=estate.community_id,
            type=kind,
            category="service_attitude" if complaint else "engineering",
            urgency="normal",
            complaint_tier=1 if complaint else None,
            description="前台态度不好" if complaint else "水龙头坏了",
            channel="telegram",
            now=clock.now(),
            actor=Actor.resident(estate.resident_id),
            resident_id=estate.resident_id,
            room_code="3-2-502",
        )
        await assign_ticket(session, ticket_id=ticket.id, assignee_id=staff, actor=Actor.system(), now=clock.now())
        await accept_ticket(session, ticket_id=ticket.id, staff_id=staff, now=clock.now())
        await resolve_ticket(session, ticket_id=ticket.id, staff_id=staff, now=clock.now())
        await confirm_ticket(session, ticket_id=ticket.id, resident_id=estate.resident_id, now=clock.now())
    return ticket.id


async def questionnaires(db: Database) -> list[tuple[datetime, int]]:
    """(local send time, ticket id) of each questionnaire and reminder queued."""
    messages = await outbox(db, kind="callback") + await outbox(db, kind="callback_reminder")
    return sorted((m.created_at.astimezone(SHANGHAI), m.ticket_id) for m in messages)


async def press(db: Database, clock: FrozenClock, estate: Estate, payload: str) -> None:
    async with db.sessions.begin() as session:
        incoming = Incoming(
            channel="telegram", sender_id="res-1", message_id=f"m{next(_ids)}", kind=Kind.BUTTON, payload=payload
        )
        await handle_message(session, incoming, community_id=estate.community_id, now=clock.now())


async def test_complaint_callback_waits_from_1130_exactly_to_1600(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 11, 30))
    ticket_id = await close(db, clock, estate)
    await driver.until(local(23, 15, 59))
    assert await questionnaires(db) == []
    await driver.until(local(23, 16, 30))
    assert await questionnaires(db) == [(local(23, 16), ticket_id)]


async def test_closed_at_1800_waits_for_1000_next_day_and_1129_goes_at_once(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 18, 0))
    late = await close(db, clock, estate)
    await driver.until(local(24, 9, 59))
    assert await questionnaires(db) == []
    await driver.until(local(24, 10, 5))
    assert await questionnaires(db) == [(local(24, 10), late)]


async def test_inside_the_window_the_questionnaire_goes_at_once(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 11, 29))
    ticket_id = await close(db, clock, estate)
    await driver.until(
        local(
            23,
            11,
            29,
        )
    )
    [(sent, tid)] = await questionnaires(db)
    assert (sent, tid) == (local(23, 11, 29), ticket_id)
    [message] = await outbox(db, kind="callback")
    assert message.recipient == "res-1" and message.payload["buttons"]


async def test_repair_callback_after_the_policy_delay(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 14, 0))
    ticket_id = await close(db, clock, estate, kind="repair")
    await driver.until(local(26, 15, 0))
    assert await questionnaires(db) == []  # repairs: 3 to 7 days after (policy callbacks.delay_days)
    await driver.until(local(26, 16, 10))
    assert await questionnaires(db) == [(local(26, 16), ticket_id)]


async def test_weekends_off_when_the_policy_says_so(db: Database, clock: FrozenClock) -> None:
    estate = await build_estate(db, clock.now(), policy_toml="[callbacks]\nweekdays = [1, 2, 3, 4, 5]\n")
    driver = Driver(db, clock)
    clock.set(local(27, 18, 30))  # Friday evening
    ticket_id = await close(db, clock, estate)
    await driver.until(local(29, 23, 0))
    assert await questionnaires(db) == []
    await driver.until(local(30, 12, 0))
    assert await questionnaires(db) == [(local(30, 10), ticket_id)]  # Monday 10:00


async def test_one_questionnaire_at_a_time_and_never_into_a_form(
    db: Database, clock: FrozenClock, estate: Estate, driver: Driver
) -> None:
    clock.set(local(23, 10, 0))
    async with db.sessions.begin() as session:  # the resident is filling in a repair form
        await save_conversation(
            session,
            None,
            channel="telegram",
            external_id="res-1",
            community_id=estate.community_id,
            resident_id=estate.resident_id,
            state={"flow": "intake", "step": "room"},
            now=clock.now(),
        )
    first = await close(db, clock, estate)
    second = await close(db, clock, estate)
    await driver.until(local(23, 10, 20))
    assert await questionnaires(db) == []  # busy: retried 30 min later (policy busy_retry_minutes)
    async with db.sessions.begin() as session:  # the form is done
        conversation = await load_conversation(session, channel="telegram", external_id="res-1")
        await save_conversation(
            session,
            conversation,
            channel="telegram",
            external_id="res-1",
            community_id=estate.community_id,
            resident_id=estate.resident_id,
            state={},
            now=clock.now(),
        )
    await driver.until(local(23, 10, 40))
    assert await questionnaires(db) == [(local(23, 10, 30), first)]  # the second waits for the first
    for step in ("attitude", "speed", "result"):
        await press(db, clock, estate, f"callback:{first}:{step}:5")
    await driver.until(local(23, 11, 10))
    assert await questionnaires(db) == [(local(23, 10, 30), first), (local(23, 11, 0), second)]


async def test_one_reminder_when_unanswered(db: Database, clock: FrozenClock, estate: Estate, driver: Driver) -> None:
    clock.set(local(23, 10, 0))
    ticket_id = await close(db, clock, estate)
    await driver.until(local(30, 12, 0))
    reminders = await outbox(db, kind="callback_reminder")
    assert [(m.created_at.astimezone(SHANGHAI), m.ticket_id) for m in reminders] == [(local(24, 10), ticket_id)]
    assert "还差几个问题" in reminders[0].payload["text"]
    assert len(await outbox(db, kind="callback")) == 1


async def test_tickets_closed_long_before_are_not_called_back(db: Database, clock: FrozenClock, estate: Estate) -> None:
    clock.set(local(1, 10, 0))
    await close(db, clock, estate)  # a complaint (callback within 3 days) closed before the scheduler ran
    clock.set(local(10, 10, 0))
    await Driver(db, clock).until(local(12, 18, 0))
    assert await questionnaires(db) == []
