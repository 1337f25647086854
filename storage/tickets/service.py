"""One function per business action on a ticket. The caller passes the session and `now` and commits.

Each action locks the ticket row, checks the lifecycle table and writes its event in the same
transaction; a refused action raises TransitionNotAllowed, PermissionDenied or ReasonRequired.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import ensure_utc
from storage.communities.service import policy_for
from storage.errors import Conflict, InvalidInput, NotFound
from storage.residents.models import Resident
from storage.residents.phone import normalize_mobile
from storage.rooms.service import get_room
from storage.staff.models import Staff
from storage.tickets._transitions import apply, record_event
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import FINAL, Action, ActorKind, Status
from storage.tickets.models import Ticket
from storage.tickets.numbering import next_ticket_number
from storage.tickets.queries import get_ticket
from storage.tickets.sla import compute_deadlines
from storage.vocabulary import Category, Channel, TicketType, Urgency


async def create_ticket(
    session: AsyncSession,
    *,
    community_id: int,
    type: str,
    category: str,
    urgency: str,
    description: str,
    channel: str,
    now: datetime,
    actor: Actor,
    complaint_tier: int | None = None,
    room_code: str | None = None,
    resident_id: int | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    complaint_target: str | None = None,
    complaint_demand: str | None = None,
    first_contact_staff_id: int | None = None,
) -> Ticket:
    """Open a ticket with its number, department and deadlines from policy, and its `create` event.

    The room must be in the registry and the phone a valid mobile (§1). Raises InvalidInput, NotFound.
    """
    now = ensure_utc(now)
    kind, category_value, urgency_value = _enum(TicketType, type), _enum(Category, category), _enum(Urgency, urgency)
    _enum(Channel, channel)
    if not description or not description.strip():
        raise InvalidInput("description", "must not be empty")
    if kind is TicketType.COMPLAINT and complaint_tier not in (1, 2, 3):
        raise InvalidInput("complaint_tier", "a complaint needs tier 1, 2 or 3")
    if kind is not TicketType.COMPLAINT and complaint_tier is not None:
        raise InvalidInput("complaint_tier", "only complaints have a tier")
    policy = await policy_for(session, community_id)
    room = await get_room(session, community_id=community_id, code=room_code) if room_code else None
    if resident_id is not None:
        resident = await session.get(Resident, resident_id)
        if resident is None or resident.community_id != community_id:
            raise NotFound("resident", resident_id)
    if actor.kind is ActorKind.RESIDENT and actor.id != resident_id:
        raise InvalidInput("actor", "a resident can only open tickets for themselves")
    if actor.kind is ActorKind.STAFF and first_contact_staff_id is None:
        first_contact_staff_id = actor.id
    if first_contact_staff_id is not None:
        await _staff_of(session, first_contact_staff_id, community_id)
    deadlines = compute_deadlines(
        policy, ticket_type=kind, urgency=urgency_value, complaint_tier=complaint_tier, start=now
    )
    ticket = Ticket(
        community_id=community_id,
        number=await next_ticket_number(
            session, community_id=community_id, ticket_type=kind, now=now, tz=policy.timezone
        ),
        type=kind,
        category=category_value,
        urgency=urgency_value,
        complaint_tier=complaint_tier,
        department=policy.department_for(category_value),
        description=description.strip(),
        room_id=room.id if room else None,
        resident_id=resident_id,
        contact_name=(contact_name or "").strip() or None,
        contact_phone=normalize_mobile(contact_phone, "contact_phone") if contact_phone else None,
        complaint_target=complaint_target,
        complaint_demand=complaint_demand,
        channel=channel,
        first_contact_staff_id=first_contact_staff_id,
        status=Status.NEW,
        respond_due_at=deadlines.respond_due_at,
        arrive_due_at=deadlines.arrive_due_at,
        resolve_due_at=deadlines.resolve_due_at,
        reopen_count=0,
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    await session.flush()
    record_event(
        session,
        ticket,
        Action.CREATE,
        actor,
        now,
        from_status=None,
        data={"number": ticket.number, "room": room.code if room else None},
    )
    await session.flush()
    return ticket


async def assign_ticket(
    session: AsyncSession, *, ticket_id: int, assignee_id: int, actor: Actor, now: datetime, note: str | None = None
) -> Ticket:
    """Dispatch the ticket to a staff member (desk staff or auto-dispatch)."""
    ticket = await get_ticket(session, ticket_id, for_update=True)
    assignee = await _staff_of(session, assignee_id, ticket.community_id)
    await apply(
        session,
        ticket,
        Action.ASSIGN,
        actor,
        now,
        reason=note,
        data={"assignee_id": assignee.id, "previous_assignee_id": ticket.assignee_staff_id},
    )
    ticket.assignee_staff_id = assignee.id
    ticket.assigned_at = now
    ticket.accepted_at = None
    await session.flush()
    return ticket


async def accept_ticket(session: AsyncSession, *, ticket_id: int, staff_id: int, now: datetime) -> Ticket:
    """A staff member takes the ticket (the assignee, or the first of the department to press accept).

    Two concurrent accepts: the row lock makes the second see `accepted` and raise TransitionNotAllowed.
    """
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(session, ticket, Action.ACCEPT, Actor.staff(staff_id), now)
    ticket.assignee_staff_id = staff_id
    ticket.assigned_at = ticket.assigned_at or now
    ticket.accepted_at = now
    await session.flush()
    return ticket


async def mark_on_site(session: AsyncSession, *, ticket_id: int, staff_id: int, now: datetime) -> Ticket:
    """The assignee has arrived at the scene."""
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(session, ticket, Action.ARRIVE, Actor.staff(staff_id), now)
    ticket.arrived_at = now
    await session.flush()
    return ticket


async def return_ticket(
    session: AsyncSession, *, ticket_id: int, staff_id: int, now: datetime, reason: str | None = None
) -> Ticket:
    """The assignee gives the ticket back (退回): it is new again for the department; deadlines stand."""
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(
        session, ticket, Action.RETURN, Actor.staff(staff_id), now, reason=reason, data={"returned_by": staff_id}
    )
    ticket.assignee_staff_id = None
    ticket.assigned_at = None
    ticket.accepted_at = None
    ticket.arrived_at = None
    await session.flush()
    return ticket


async def resolve_ticket(
    session: AsyncSession,
    *,
    ticket_id: int,
    staff_id: int,
    now: datetime,
    work_done: str | None = None,
    materials: list[str] | None = None,
) -> Ticket:
    """Work is done; the ticket waits for the resident's confirmation. Records work and materials (§3)."""
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(
        session,
        ticket,
        Action.RESOLVE,
        Actor.staff(staff_id),
        now,
        data={"work_done": work_done, "materials": materials or []},
    )
    ticket.resolved_at = now
    await session.flush()
    return ticket


async def confirm_ticket(session: AsyncSession, *, ticket_id: int, resident_id: int, now: datetime) -> Ticket:
    """The resident confirms the work is done; the ticket closes."""
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(session, ticket, Action.CONFIRM, Actor.resident(resident_id), now)
    ticket.closed_at = now
    await session.flush()
    return ticket


async def reopen_ticket(
    session: AsyncSession, *, ticket_id: int, actor: Actor, now: datetime, reason: str | None = None
) -> Ticket:
    """Handle again: the resident says "not solved", or a callback was dissatisfied (staff give the reason).

    Deadlines restart from now; the assignee stays so the rework goes back to them.
    """
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(session, ticket, Action.REOPEN, actor, now, reason=reason)
    await _restart(session, ticket, now)
    ticket.reopen_count += 1
    await session.flush()
    return ticket


async def cancel_ticket(
    session: AsyncSession, *, ticket_id: int, actor: Actor, now: datetime, reason: str | None = None
) -> Ticket:
    """Withdraw the ticket: the resident before work starts, staff with a reason."""
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(session, ticket, Action.CANCEL, actor, now, reason=reason)
    ticket.cancelled_at = now
    await session.flush()
    return ticket


async def override_ticket(
    session: AsyncSession, *, ticket_id: int, staff_id: int, to_status: str, reason: str, now: datetime
) -> Ticket:
    """A supervisor moves the ticket to any status, e.g. closes it unconfirmed; recorded with the reason."""
    target = _enum(Status, to_status)
    ticket = await get_ticket(session, ticket_id, for_update=True)
    if target == ticket.status:
        raise InvalidInput("to_status", f"the ticket is already {target.value}")
    await apply(
        session,
        ticket,
        Action.OVERRIDE,
        Actor.staff(staff_id),
        now,
        reason=reason,
        target=target,
        data={"to_status": target.value},
    )
    stamp = {Status.CLOSED: "closed_at", Status.CANCELLED: "cancelled_at", Status.RESOLVED: "resolved_at"}
    if target in stamp:
        setattr(ticket, stamp[target], now)
    if target is Status.REOPENED:
        await _restart(session, ticket, now)
        ticket.reopen_count += 1
    await session.flush()
    return ticket


async def merge_ticket(
    session: AsyncSession, *, ticket_id: int, parent_id: int, staff_id: int, now: datetime
) -> Ticket:
    """Link a duplicate report to its parent incident (e.g. ten residents report one power cut)."""
    if ticket_id == parent_id:
        raise InvalidInput("parent_id", "a ticket cannot be its own parent")
    parent = await get_ticket(session, parent_id)
    ticket = await get_ticket(session, ticket_id, for_update=True)
    if parent.community_id != ticket.community_id:
        raise InvalidInput("parent_id", "the parent belongs to another community")
    if parent.parent_id is not None:
        raise Conflict(f"ticket {parent.number} is itself merged into another; merge into that one")
    if Status(parent.status) in FINAL:
        raise Conflict(f"ticket {parent.number} is {parent.status}")
    await apply(
        session,
        ticket,
        Action.MERGE,
        Actor.staff(staff_id),
        now,
        data={"parent_id": parent.id, "parent_number": parent.number},
    )
    ticket.parent_id = parent.id
    await session.flush()
    return ticket


async def add_note(
    session: AsyncSession,
    *,
    ticket_id: int,
    actor: Actor,
    text: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> Ticket:
    """Record a remark (a late-arrival notice, a call with the resident) without changing status."""
    if not text.strip():
        raise InvalidInput("text", "must not be empty")
    ticket = await get_ticket(session, ticket_id, for_update=True)
    await apply(session, ticket, Action.NOTE, actor, now, reason=text, data=data)
    await session.flush()
    return ticket


async def amend_ticket(
    session: AsyncSession,
    *,
    ticket_id: int,
    actor: Actor,
    now: datetime,
    room_code: str | None = None,
    contact_phone: str | None = None,
    text: str | None = None,
) -> Ticket:
    """Fill in what was missing when the ticket opened (an emergency is created before the room is known).

    The change is recorded as a note event with the old and new values. Raises NotFound, InvalidInput.
    """
    ticket = await get_ticket(session, ticket_id, for_update=True)
    data: dict[str, Any] = {}
    if room_code is not None:
        room = await get_room(session, community_id=ticket.community_id, code=room_code)
        data["room"] = room.code
        ticket.room_id = room.id
    if contact_phone is not None:
        data["contact_phone"] = normalize_mobile(contact_phone, "contact_phone")
        ticket.contact_phone = data["contact_phone"]
    if not data and not (text and text.strip()):
        raise InvalidInput("amend", "nothing to change")
    await apply(session, ticket, Action.NOTE, actor, now, reason=(text or "补充信息").strip(), data=data or None)
    await session.flush()
    return ticket


async def _restart(session: AsyncSession, ticket: Ticket, now: datetime) -> None:
    policy = await policy_for(session, ticket.community_id)
    deadlines = compute_deadlines(
        policy, ticket_type=ticket.type, urgency=ticket.urgency, complaint_tier=ticket.complaint_tier, start=now
    )
    ticket.respond_due_at = deadlines.respond_due_at
    ticket.arrive_due_at = deadlines.arrive_due_at
    ticket.resolve_due_at = deadlines.resolve_due_at
    ticket.accepted_at = ticket.arrived_at = ticket.resolved_at = ticket.closed_at = None


async def _staff_of(session: AsyncSession, staff_id: int, community_id: int) -> Staff:
    staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active or staff.community_id not in (None, community_id):
        raise NotFound("staff", staff_id)
    return staff


def _enum(kind: type, value: str):  # type: ignore[no-untyped-def]
    try:
        return kind(value)
    except ValueError as error:
        choices = ", ".join(member.value for member in kind)  # type: ignore[attr-defined]
        raise InvalidInput(kind.__name__, f"{value!r} is not one of {choices}") from error
