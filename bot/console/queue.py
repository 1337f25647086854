"""The ticket queue: what the signed-in staff member may see, filtered, ordered by the next deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.access import sees_full_phone, ticket_scope, visible_communities
from bot.console.auth import current_staff, staff_required
from bot.console.labels import DEADLINE_LABELS, STATUS_LABELS, label
from bot.console.pages import render
from bot.http import keys
from nlu.phone import mask_phone, mask_phones_in
from storage.communities.models import Community
from storage.rooms.models import Room
from storage.staff.models import Staff
from storage.tickets.lifecycle import OPEN, Status
from storage.tickets.models import Ticket
from storage.tickets.sla import missed_deadlines
from storage.vocabulary import Category, Urgency

__all__ = ["QueueFilters", "QueueRow", "load_queue", "next_deadline", "queue_json", "queue_page", "shown_phone"]

#: The most tickets one queue page lists (the oldest deadlines first).
MAX_ROWS: Final = 500
#: `missed_deadlines` at the end of time lists every deadline a ticket still owes.
_END_OF_TIME: Final = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class QueueFilters:
    """The queue's filters from the query string; unknown values are ignored, not errors."""

    community_id: int | None = None
    status: str = "open"  # "open", "all" or one Status
    urgency: str | None = None
    category: str | None = None
    overdue: bool = False

    @classmethod
    def from_query(cls, query: Any) -> QueueFilters:
        """Read `?community=&status=&urgency=&category=&overdue=1`."""
        community = query.get("community", "")
        status = query.get("status", "open")
        return cls(
            community_id=int(community) if community.isdigit() else None,
            status=status if status in {"open", "all", *Status} else "open",
            urgency=query.get("urgency") if query.get("urgency") in set(Urgency) else None,
            category=query.get("category") if query.get("category") in set(Category) else None,
            overdue=query.get("overdue") == "1",
        )


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, ready to show (phone already masked where it must be)."""

    ticket: Ticket
    community: str
    room: str
    phone: str
    description: str
    assignee: str
    deadline_name: str | None
    deadline: datetime | None
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        """The row for the polling endpoint."""
        t = self.ticket
        return {
            "id": t.id,
            "number": t.number,
            "version": t.version,
            "community": self.community,
            "type": t.type,
            "category": t.category,
            "urgency": t.urgency,
            "status": t.status,
            "status_label": STATUS_LABELS.get(t.status, t.status),
            "room": self.room,
            "phone": self.phone,
            "assignee": self.assignee,
            "description": self.description,
            "deadline": self.deadline_name,
            "due_at": self.deadline.isoformat() if self.deadline else None,
            "overdue": self.overdue,
        }


def next_deadline(ticket: Ticket) -> tuple[str, datetime] | None:
    """The earliest deadline the ticket still owes (respond / arrive / resolve) and when, or None."""
    owed = {name: getattr(ticket, f"{name}_due_at") for name in missed_deadlines(ticket, _END_OF_TIME)}
    return min(owed.items(), key=lambda item: item[1]) if owed else None


def shown_phone(staff: Staff, ticket: Ticket) -> str:
    """The resident's number as this staff member may read it."""
    if not ticket.contact_phone:
        return "-"
    return ticket.contact_phone if sees_full_phone(staff, ticket) else mask_phone(ticket.contact_phone)


async def load_queue(
    session: AsyncSession, staff: Staff, filters: QueueFilters, *, now: datetime
) -> tuple[list[QueueRow], list[Community]]:
    """The visible tickets matching `filters`, soonest deadline first (none last), and the communities to filter by."""
    communities = visible_communities(staff)
    community_query = select(Community).order_by(Community.id)
    if communities is not None:
        community_query = community_query.where(Community.id.in_(sorted(communities)))
    choices = list(await session.scalars(community_query))
    query = select(Ticket).where(ticket_scope(staff))
    if filters.community_id is not None:
        query = query.where(Ticket.community_id == filters.community_id)
    if filters.status == "open":
        query = query.where(Ticket.status.in_(sorted(OPEN)))
    elif filters.status != "all":
        query = query.where(Ticket.status == filters.status)
    if filters.urgency:
        query = query.where(Ticket.urgency == filters.urgency)
    if filters.category:
        query = query.where(Ticket.category == filters.category)
    tickets = list(await session.scalars(query.order_by(Ticket.id.desc()).limit(MAX_ROWS)))
    if filters.overdue:
        tickets = [t for t in tickets if missed_deadlines(t, now)]
    names = {c.id: c.name for c in choices}
    rooms = await _by_id(session, Room, {t.room_id for t in tickets})
    people = await _by_id(session, Staff, {t.assignee_staff_id for t in tickets})
    rows = []
    for t in tickets:
        due = next_deadline(t)
        assignee = people.get(t.assignee_staff_id) if t.assignee_staff_id else None
        rows.append(
            QueueRow(
                ticket=t,
                community=names.get(t.community_id, str(t.community_id)),
                room=rooms[t.room_id].code if t.room_id in rooms else "-",
                phone=shown_phone(staff, t),
                description=t.description if sees_full_phone(staff, t) else mask_phones_in(t.description),
                assignee=assignee.name if assignee else "-",
                deadline_name=due[0] if due else None,
                deadline=due[1] if due else None,
                overdue=bool(missed_deadlines(t, now)),
            )
        )
    rows.sort(key=lambda row: (row.deadline is None, row.deadline or now, row.ticket.id))
    return rows, choices


async def _by_id(session: AsyncSession, model: Any, ids: set[int | None]) -> dict[int, Any]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    return {row.id: row for row in await session.scalars(select(model).where(model.id.in_(wanted)))}


async def _queue(request: web.Request) -> tuple[Staff, QueueFilters, list[QueueRow], list[Community]]:
    staff = await current_staff(request)
    assert staff is not None  # staff_required ran first
    filters = QueueFilters.from_query(request.query)
    async with request.app[keys.SESSIONMAKER]() as session:
        rows, communities = await load_queue(session, staff, filters, now=request.app[keys.CLOCK].now())
    return staff, filters, rows, communities


@staff_required
async def queue_page(request: web.Request) -> web.StreamResponse:
    """GET /console/: the queue page with filters and live countdowns."""
    _, filters, rows, communities = await _queue(request)
    return await render(
        request,
        "queue.html",
        {
            "rows": rows,
            "filters": filters,
            "communities": communities,
            "statuses": [(s.value, STATUS_LABELS[s.value]) for s in Status],
            "urgencies": [(u.value, label("urgency", u.value)) for u in Urgency],
            "categories": [(c.value, label("category", c.value)) for c in Category],
            "label": label,
            "deadline_labels": DEADLINE_LABELS,
            "now": request.app[keys.CLOCK].now(),
            "query": request.rel_url.query_string,
        },
    )


@staff_required
async def queue_json(request: web.Request) -> web.StreamResponse:
    """GET /console/tickets.json: the same queue as JSON, for the page's polling."""
    _, _, rows, _ = await _queue(request)
    now = request.app[keys.CLOCK].now()
    response = web.json_response({"now": now.isoformat(), "tickets": [row.to_json() for row in rows]})
    response.headers["Cache-Control"] = "no-store"
    return response
