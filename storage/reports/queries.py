"""The rows a report reads: a period's tickets with their event logs, survey answers, and staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.staff.models import Staff
from storage.surveys.models import SurveyAnswer
from storage.tickets.models import Ticket, TicketEvent


@dataclass
class EventRow:
    """One status change or remark of a ticket."""

    action: str
    to_status: str
    actor_staff_id: int | None
    at: datetime


@dataclass
class TicketRow:
    """A ticket opened in the period, with its whole event log (oldest first)."""

    id: int
    type: str
    category: str
    urgency: str
    complaint_tier: int | None
    created_at: datetime
    respond_due_at: datetime | None
    arrive_due_at: datetime | None
    resolve_due_at: datetime | None
    events: list[EventRow] = field(default_factory=list)


@dataclass
class AnswerRow:
    """A survey answer given in the period."""

    kind: str
    ticket_id: int | None
    satisfied: bool | None
    scores: dict[str, int | None]
    reasons: list[str]
    at: datetime


def _opened(community_id: int, start: datetime, end: datetime) -> tuple[Any, ...]:
    return (Ticket.community_id == community_id, Ticket.created_at >= start, Ticket.created_at < end)


async def tickets_opened(
    session: AsyncSession, *, community_id: int, start: datetime, end: datetime, types: tuple[str, ...] = ()
) -> list[TicketRow]:
    """Tickets created in [start, end), optionally of some types, each with its full event log."""
    where = _opened(community_id, start, end)
    if types:
        where = (*where, Ticket.type.in_(types))
    columns = (
        Ticket.id,
        Ticket.type,
        Ticket.category,
        Ticket.urgency,
        Ticket.complaint_tier,
        Ticket.created_at,
        Ticket.respond_due_at,
        Ticket.arrive_due_at,
        Ticket.resolve_due_at,
    )
    rows = {
        row.id: TicketRow(*row) for row in await session.execute(select(*columns).where(*where).order_by(Ticket.id))
    }
    if not rows:
        return []
    events = select(
        TicketEvent.ticket_id,
        TicketEvent.action,
        TicketEvent.to_status,
        TicketEvent.actor_staff_id,
        TicketEvent.created_at,
    ).join(Ticket, Ticket.id == TicketEvent.ticket_id)
    for ticket_id, *event in await session.execute(events.where(*where).order_by(TicketEvent.id)):
        rows[ticket_id].events.append(EventRow(*event))
    return list(rows.values())


async def answers_given(session: AsyncSession, *, community_id: int, start: datetime, end: datetime) -> list[AnswerRow]:
    """Survey answers (callbacks, monthly and incident surveys, ratings) given in [start, end)."""
    query = select(
        SurveyAnswer.kind,
        SurveyAnswer.ticket_id,
        SurveyAnswer.satisfied,
        SurveyAnswer.score_attitude,
        SurveyAnswer.score_speed,
        SurveyAnswer.score_result,
        SurveyAnswer.reasons,
        SurveyAnswer.created_at,
    ).where(SurveyAnswer.community_id == community_id, SurveyAnswer.created_at >= start, SurveyAnswer.created_at < end)
    return [
        AnswerRow(kind, ticket_id, satisfied, {"attitude": a, "speed": s, "result": r}, list(reasons or []), at)
        for kind, ticket_id, satisfied, a, s, r, reasons, at in await session.execute(query.order_by(SurveyAnswer.id))
    ]


async def called_back(
    session: AsyncSession, *, community_id: int, start: datetime, end: datetime, until: datetime
) -> set[int]:
    """Ids of tickets created in [start, end) that have a callback answer recorded up to `until`."""
    query = (
        select(SurveyAnswer.ticket_id)
        .join(Ticket, Ticket.id == SurveyAnswer.ticket_id)
        .where(*_opened(community_id, start, end), SurveyAnswer.kind == "callback", SurveyAnswer.created_at <= until)
        .distinct()
    )
    return set(await session.scalars(query))


async def staff_by_id(session: AsyncSession, staff_ids: set[int]) -> dict[int, Staff]:
    """The staff members with these ids."""
    if not staff_ids:
        return {}
    return {staff.id: staff for staff in await session.scalars(select(Staff).where(Staff.id.in_(staff_ids)))}


async def active_staff_ids(session: AsyncSession, *, community_id: int, roles: tuple[str, ...]) -> set[int]:
    """Ids of the community's active staff in these roles."""
    query = select(Staff.id).where(Staff.community_id == community_id, Staff.active.is_(True), Staff.role.in_(roles))
    return set(await session.scalars(query))
