"""A seeded month of tickets (October 2026, Asia/Shanghai) driven through the real ticket services.

Every ticket's story is also kept as plain Python (`Seeded`), so tests compute the right answers
independently of storage.reports.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from storage.communities import Community
from storage.staff import Staff
from storage.surveys import record_callback, record_survey
from storage.tickets import (
    Actor,
    accept_ticket,
    assign_ticket,
    cancel_ticket,
    confirm_ticket,
    mark_on_site,
    merge_ticket,
    override_ticket,
    reopen_ticket,
    resolve_ticket,
)
from tests.factories import make_community, make_resident, make_room, make_staff, make_ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: When the seeded month's report is made: 5 November 2026, 10:00 in Shanghai.
REPORT_NOW = datetime(2026, 11, 5, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)


def local(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    """A Shanghai wall-clock time in 2026, as UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Answer:
    """A survey answer as the test remembers it."""

    at: datetime
    satisfied: bool | None
    scores: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    ticket_id: int | None = None


@dataclass
class Seeded:
    """One ticket's story as the test remembers it (times in UTC)."""

    id: int
    type: str
    category: str
    urgency: str
    tier: int | None
    created: datetime
    resident_id: int
    status: str = "new"
    responded: datetime | None = None
    arrived: datetime | None = None
    resolved: datetime | None = None  # first resolution
    completed_at: datetime | None = None  # last time it became resolved
    first_resolver: int | None = None
    reopened: bool = False
    confirmed: bool = False
    merged: bool = False
    called_back: bool = False


@dataclass
class Month:
    """The seeded community, its people, tickets and answers."""

    community: Community
    technicians: list[Staff]
    idle_technician: Staff
    workers: dict[str, Staff]  # department -> field worker for non-engineering work
    agent: Staff
    supervisor: Staff
    tickets: list[Seeded]
    answers: list[Answer]


_CATEGORIES = {
    "engineering": "engineering",
    "cleaning_greening": "environment",
    "security_order": "security",
    "service_attitude": "service_centre",
    "fees": "service_centre",
    "value_added": "service_centre",
}


async def seed_month(session: AsyncSession, seed: int = 2026) -> Month:
    """Seed October 2026 (plus a ticket either side of the month) and return the remembered stories."""
    rng = random.Random(seed)
    start = local(1, 0) - timedelta(days=3)
    community = await make_community(session, start)
    rooms = [await make_room(session, community, start, f"{b}-1-{r}") for b in (1, 2) for r in (101, 102, 201)]
    residents = [
        await make_resident(session, community, start, room_code=room.code, phone=f"1380013{n:04d}")
        for n, room in enumerate(rooms)
    ]
    technicians = [await make_staff(session, community, start, name=f"师傅{n}") for n in range(3)]
    idle = await make_staff(session, community, start, name="闲置师傅")
    cleaner = await make_staff(session, community, start, role="cleaning", department="environment", name="保洁")
    guard = await make_staff(session, community, start, role="security", department="security", name="保安")
    agent = await make_staff(session, community, start, role="service_agent", department="service_centre")
    supervisor = await make_staff(session, community, start, role="supervisor", department="service_centre")
    workers = {"environment": cleaner, "security": guard, "service_centre": agent}
    month = Month(community, technicians, idle, workers, agent, supervisor, [], [])

    async def open_ticket(created: datetime, kind: str, category: str, urgency: str, tier: int | None) -> Seeded:
        resident = rng.choice(residents)
        ticket = await make_ticket(
            session,
            community,
            created,
            resident=resident,
            room_code=None,
            type=kind,
            category=category,
            urgency=urgency,
            complaint_tier=tier,
            description="测试工单",
        )
        story = Seeded(ticket.id, kind, category, urgency, tier, created, resident.id)
        month.tickets.append(story)
        return story

    def worker_for(story: Seeded) -> Staff:
        if _CATEGORIES[story.category] == "engineering":
            return technicians[story.id % 3]
        return workers[_CATEGORIES[story.category]]

    async def work(story: Seeded, at: datetime, staff: Staff, *, arrive: bool, respond: int, fix: int) -> datetime:
        await assign_ticket(session, ticket_id=story.id, assignee_id=staff.id, actor=Actor.staff(agent.id), now=at)
        at += timedelta(minutes=respond)
        await accept_ticket(session, ticket_id=story.id, staff_id=staff.id, now=at)
        story.responded = story.responded or at
        if arrive:
            at += timedelta(minutes=rng.randint(5, 40))
            await mark_on_site(session, ticket_id=story.id, staff_id=staff.id, now=at)
            story.arrived = story.arrived or at
        at += timedelta(minutes=fix)
        await resolve_ticket(session, ticket_id=story.id, staff_id=staff.id, now=at, work_done="已处理")
        story.arrived = story.arrived or at
        story.resolved = story.resolved or at
        story.first_resolver = story.first_resolver or staff.id
        story.completed_at = at
        story.status = "resolved"
        return at

    async def callback(story: Seeded, at: datetime, scores: dict[str, int]) -> None:
        satisfied = all(s > 2 for s in scores.values())
        reasons = [] if satisfied else [n for n, s in scores.items() if s <= 2]
        if not satisfied and rng.random() < 0.3:
            reasons.append("value_added")
        await record_callback(
            session,
            ticket_id=story.id,
            staff_id=agent.id,
            satisfied=satisfied,
            now=at,
            scores=scores,
            reasons=reasons,
        )
        month.answers.append(Answer(at, satisfied, scores, reasons, story.id))
        story.called_back = True
        if not satisfied:
            story.status, story.reopened, story.completed_at, story.confirmed = "reopened", True, None, False

    kinds = [
        ("repair", "engineering", None),
        ("repair", "cleaning_greening", None),
        ("repair", "security_order", None),
        ("complaint", "service_attitude", 1),
        ("complaint", "engineering", 2),
        ("complaint", "security_order", 3),
        ("complaint", "cleaning_greening", 1),
        ("inquiry", "fees", None),
        ("other", "value_added", None),
    ]
    for n in range(70):
        kind, category, tier = kinds[n % len(kinds)]
        urgency = rng.choice(["normal", "normal", "urgent", "critical"])
        created = local(1 + n % 31, rng.randint(7, 21), rng.randint(0, 59))
        story = await open_ticket(created, kind, category, urgency, tier)
        fate = rng.random()
        if fate < 0.08:
            story.status = "cancelled"
            await cancel_ticket(
                session, ticket_id=story.id, actor=Actor.resident(story.resident_id), now=created + timedelta(minutes=3)
            )
            continue
        if fate < 0.16:
            continue  # never taken
        respond = rng.randint(1, 45) if urgency != "normal" else rng.randint(30, 2000)
        at = await work(
            story, created, worker_for(story), arrive=rng.random() < 0.8, respond=respond, fix=rng.randint(10, 200)
        )
        if fate < 0.24:
            continue  # left awaiting the resident's confirmation
        if fate < 0.34:  # the resident says it is not solved; someone else fixes it
            at += timedelta(hours=rng.randint(1, 30))
            await reopen_ticket(session, ticket_id=story.id, actor=Actor.resident(story.resident_id), now=at)
            story.status, story.reopened = "reopened", True
            again = technicians[(story.id + 1) % 3] if _CATEGORIES[category] == "engineering" else worker_for(story)
            at = await work(story, at, again, arrive=False, respond=rng.randint(5, 60), fix=rng.randint(10, 90))
        if fate < 0.40:
            at += timedelta(hours=2)
            await override_ticket(
                session, ticket_id=story.id, staff_id=supervisor.id, to_status="closed", reason="住户联系不上", now=at
            )
            story.status = "closed"
        else:
            at += timedelta(minutes=rng.randint(10, 600))
            await confirm_ticket(session, ticket_id=story.id, resident_id=story.resident_id, now=at)
            story.status, story.confirmed = "closed", True
        if rng.random() < 0.75:
            low = rng.random() < 0.25
            scores = {
                q: rng.randint(1, 2) if low and rng.random() < 0.6 else rng.randint(3, 5)
                for q in ("attitude", "speed", "result")
            }
            when = at + timedelta(days=rng.randint(0, 4), hours=1)
            if when < REPORT_NOW:
                await callback(story, when, scores)

    # Edges of the month in local time, a duplicate merged into its parent, and monthly surveys.
    await open_ticket(local(30, 23, 59, month=9), "repair", "engineering", "normal", None)
    first = await open_ticket(local(1, 0, 0), "repair", "engineering", "urgent", None)
    last = await open_ticket(local(31, 23, 59), "complaint", "fees", "normal", 2)
    await open_ticket(local(1, 0, 0, month=11), "repair", "engineering", "normal", None)
    duplicate = await open_ticket(local(1, 0, 5), "repair", "engineering", "urgent", None)
    await merge_ticket(session, ticket_id=duplicate.id, parent_id=first.id, staff_id=agent.id, now=local(1, 0, 10))
    duplicate.merged = True
    await work(first, local(1, 0, 0), technicians[0], arrive=True, respond=12, fix=50)
    await work(last, local(31, 23, 59), agent, arrive=False, respond=8, fix=30)
    for day, happy in ((3, True), (3, False), (17, True), (31, True)):
        await record_survey(
            session, community_id=community.id, kind="monthly", channel="telegram", satisfied=happy, now=local(day, 12)
        )
        month.answers.append(Answer(local(day, 12), happy))
    month.answers.append(Answer(local(30, 23, 59, month=9), True))
    await record_survey(
        session,
        community_id=community.id,
        kind="monthly",
        channel="telegram",
        satisfied=True,
        now=local(30, 23, 59, month=9),
    )
    await session.commit()
    return month
