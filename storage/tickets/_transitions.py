"""Apply one checked transition to a loaded ticket and append its event (same transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotFound, PermissionDenied, ReasonRequired, TransitionNotAllowed
from storage.residents.models import Resident
from storage.staff.models import Staff
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import TRANSITIONS, Action, ActorContext, ActorKind, Status, check_transition
from storage.tickets.models import Ticket, TicketEvent
from storage.vocabulary import StaffRole


async def actor_context(session: AsyncSession, ticket: Ticket, actor: Actor) -> ActorContext:
    """What the lifecycle rules need to know about `actor` for this ticket; raises NotFound."""
    if actor.kind is ActorKind.SYSTEM:
        return ActorContext(kind=ActorKind.SYSTEM)
    if actor.kind is ActorKind.RESIDENT:
        if actor.id is None or await session.get(Resident, actor.id) is None:
            raise NotFound("resident", actor.id)
        return ActorContext(kind=ActorKind.RESIDENT, is_ticket_resident=ticket.resident_id == actor.id)
    staff = await session.get(Staff, actor.id) if actor.id is not None else None
    if staff is None or not staff.active:
        raise NotFound("staff", actor.id)
    in_community = staff.community_id is None or staff.community_id == ticket.community_id
    return ActorContext(
        kind=ActorKind.STAFF,
        role=StaffRole(staff.role) if in_community else None,
        is_assignee=ticket.assignee_staff_id == staff.id,
        same_department=staff.department == ticket.department,
    )


async def permitted_actions(session: AsyncSession, ticket: Ticket, actor: Actor) -> list[Action]:
    """The actions the lifecycle lets `actor` take on the ticket now (which buttons or forms to offer); a reason
    an action needs is left to the form. An unknown or inactive actor may take none."""
    try:
        context = await actor_context(session, ticket, actor)
    except NotFound:
        return []
    permitted = []
    for action in TRANSITIONS:  # CREATE has no source status
        try:
            check_transition(action, ticket.status, context, reason="-", ticket_number=ticket.number)
        except (TransitionNotAllowed, PermissionDenied, ReasonRequired):
            continue
        permitted.append(action)
    return permitted


async def apply(
    session: AsyncSession,
    ticket: Ticket,
    action: Action,
    actor: Actor,
    now: datetime,
    *,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    target: Status | None = None,
) -> TicketEvent:
    """Check the transition, move the ticket, append the event; raises the lifecycle's errors."""
    context = await actor_context(session, ticket, actor)
    to_status = check_transition(action, ticket.status, context, reason=reason, ticket_number=ticket.number)
    from_status = ticket.status
    new_status = target or to_status or Status(ticket.status)
    ticket.status = new_status
    ticket.updated_at = now
    if actor.kind is ActorKind.STAFF and ticket.first_contact_staff_id is None:
        ticket.first_contact_staff_id = actor.id  # 首问责任人: the first staff member to handle it
    return record_event(session, ticket, action, actor, now, from_status=from_status, reason=reason, data=data)


def record_event(
    session: AsyncSession,
    ticket: Ticket,
    action: Action,
    actor: Actor,
    now: datetime,
    *,
    from_status: str | None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> TicketEvent:
    """Append one event for the ticket's current status."""
    event = TicketEvent(
        ticket_id=ticket.id,
        action=action.value,
        from_status=from_status,
        to_status=ticket.status,
        actor_kind=actor.kind.value,
        actor_staff_id=actor.id if actor.kind is ActorKind.STAFF else None,
        actor_resident_id=actor.id if actor.kind is ActorKind.RESIDENT else None,
        reason=reason.strip() if reason else None,
        data=data,
        created_at=now,
    )
    session.add(event)
    return event
