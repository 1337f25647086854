"""Staff working a ticket: accept, arrive, complete, give back, reassign, override, cancel.

Group-chat buttons (Telegram, WeCom), the web console and the CLI all call `staff_action`; it applies the
storage transition, then queues in the same transaction what the action owes others: the edited staff
cards in the department's group chats, and the resident's progress message (or, on completion, the
request to confirm). `StaffOutcome.alert` is the short answer for the person who acted; refusals are
polite Chinese sentences, never raw errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.notices import card_dedupe_key, ticket_card
from dialogs.messages import Outgoing, buttons
from dialogs.outreach import ask_to_confirm, tell_resident
from dialogs.wording import Wording
from storage.communities.service import policy_for
from storage.errors import InvalidInput, NotFound, PermissionDenied, ReasonRequired, TransitionNotAllowed
from storage.groups.service import groups_for_department
from storage.outbox.service import enqueue
from storage.staff.models import Staff
from storage.staff.service import find_staff_by_identity, list_staff
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import Status
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket
from storage.tickets.service import (
    accept_ticket,
    add_note,
    assign_ticket,
    cancel_ticket,
    mark_on_site,
    override_ticket,
    resolve_ticket,
    return_ticket,
)

#: Payload prefix of staff buttons: `staff:<action>:<ticket id>[:<argument>]`.
STAFF_PAYLOAD: Final = "staff:"


class StaffVerb(StrEnum):
    """What a staff member can do from a card or the console (the `<action>` of a staff payload)."""

    ACCEPT = "accept"
    ARRIVE = "arrive"
    RESOLVE = "resolve"
    RETURN = "return"
    REASSIGN = "reassign"  # show the picker of colleagues
    ASSIGN = "assign"  # the picker's choice: `staff:assign:<ticket>:<staff id>`
    OVERRIDE = "override"
    CANCEL = "cancel"
    LATE = "late"  # 会晚到: without minutes show the choices; `staff:late:<ticket>:<minutes>` tells the resident


@dataclass(frozen=True)
class StaffOutcome:
    """The result for the person who acted: `alert` to show them, `choices` when they must pick next."""

    ok: bool
    alert: str
    ticket: Ticket | None = None
    choices: Outgoing | None = None


async def staff_button(
    session: AsyncSession, *, channel: str, external_id: str, payload: str, now: datetime, wording: Wording
) -> StaffOutcome:
    """A button press on a staff card by the chat user `external_id`; only registered staff may act."""
    verb, ticket_id, argument = parse_staff_payload(payload)
    staff = await find_staff_by_identity(session, channel=channel, external_id=external_id)
    if staff is None or not staff.active:
        return StaffOutcome(False, wording("staff.not_staff"))
    if verb is None or ticket_id is None:
        return StaffOutcome(False, wording("staff.no_such_ticket"))
    number = int(argument) if argument and argument.isdigit() else None
    if verb is StaffVerb.LATE:
        return await running_late(
            session, ticket_id=ticket_id, staff_id=staff.id, minutes=number, now=now, wording=wording
        )
    assignee_id = number if verb is StaffVerb.ASSIGN else None
    return await staff_action(
        session, ticket_id=ticket_id, staff_id=staff.id, verb=verb, now=now, wording=wording, assignee_id=assignee_id
    )


def parse_staff_payload(payload: str) -> tuple[StaffVerb | None, int | None, str | None]:
    """`staff:accept:12` → (ACCEPT, 12, None); anything malformed gives Nones (a forged press changes nothing)."""
    parts = payload.split(":")
    if len(parts) < 3 or parts[0] + ":" != STAFF_PAYLOAD or not parts[2].isdigit():
        return None, None, None
    try:
        verb = StaffVerb(parts[1])
    except ValueError:
        return None, None, None
    return verb, int(parts[2]), parts[3] if len(parts) > 3 else None


async def staff_action(
    session: AsyncSession,
    *,
    ticket_id: int,
    staff_id: int,
    verb: StaffVerb | str,
    now: datetime,
    wording: Wording,
    reason: str | None = None,
    assignee_id: int | None = None,
    to_status: str | None = None,
    work_done: str | None = None,
    materials: list[str] | None = None,
) -> StaffOutcome:
    """Do `verb` on the ticket as `staff_id` and queue the card edits and the resident's progress message.

    A refusal (wrong status, someone else's ticket, missing reason) changes nothing and says why.
    """
    verb = StaffVerb(verb)
    try:
        ticket = await get_ticket(session, ticket_id)
    except NotFound:
        return StaffOutcome(False, wording("staff.no_such_ticket"))
    staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active or staff.community_id not in (None, ticket.community_id):
        return StaffOutcome(False, wording("staff.not_staff"))
    if verb is StaffVerb.LATE:
        return await running_late(
            session, ticket_id=ticket_id, staff_id=staff_id, minutes=None, now=now, wording=wording
        )
    if verb is StaffVerb.REASSIGN:
        return StaffOutcome(
            True, wording("staff.pick_assignee", number=ticket.number), ticket, await _picker(session, ticket, wording)
        )
    try:
        ticket = await _apply(session, ticket, staff, verb, now, reason, assignee_id, to_status, work_done, materials)
    except TransitionNotAllowed:
        return StaffOutcome(False, await _wrong_status(session, ticket, verb, wording))
    except ReasonRequired:
        return StaffOutcome(False, wording("staff.need_reason", action=wording(f"staff.action_{_label(verb)}")))
    except PermissionDenied as denied:
        return StaffOutcome(False, await _denied(session, ticket, verb, denied, wording))
    except NotFound:  # the chosen colleague left, or is of another community
        return StaffOutcome(False, wording("staff.nobody_to_pick"))
    except InvalidInput:  # an override to the current or an unknown status
        return StaffOutcome(False, wording("staff.bad_status", number=ticket.number))
    await update_cards(session, ticket, wording=wording, now=now)
    await _tell_resident(session, ticket, verb, staff, reason=reason, wording=wording, now=now)
    return StaffOutcome(True, await _done(session, ticket, verb, wording), ticket)


async def running_late(
    session: AsyncSession, *, ticket_id: int, staff_id: int, minutes: int | None, now: datetime, wording: Wording
) -> StaffOutcome:
    """会晚到: the assignee says how late they will be; the resident hears the new time and may ask to rebook.

    Without `minutes` the choices of the policy are offered. The ticket's deadlines do not move: being late is
    recorded (event) and still counts against the commitment.
    """
    try:
        ticket = await get_ticket(session, ticket_id)
    except NotFound:
        return StaffOutcome(False, wording("staff.no_such_ticket"))
    if ticket.status != Status.ACCEPTED:
        return StaffOutcome(False, await _wrong_status(session, ticket, StaffVerb.LATE, wording))
    if ticket.assignee_staff_id != staff_id:
        return StaffOutcome(False, wording("staff.not_assignee", action=wording("staff.action_late")))
    policy = await policy_for(session, ticket.community_id)
    choices = policy.escalation.late_choices if policy.escalation else ()
    allowed = {int(choice.total_seconds() // 60) for choice in choices}
    if minutes is None or minutes not in allowed:
        rows = [
            [(wording("staff.late_choice", minutes=m), f"{STAFF_PAYLOAD}late:{ticket.id}:{m}")] for m in sorted(allowed)
        ]
        text = wording("staff.late_ask", number=ticket.number)
        return StaffOutcome(True, text, ticket, Outgoing(text=text, buttons=buttons(*rows)))
    base = max(ticket.arrive_due_at or now, now)
    eta = (base + timedelta(minutes=minutes)).astimezone(policy.timezone)
    when = eta.strftime("%H:%M" if eta.date() == now.astimezone(policy.timezone).date() else "%m-%d %H:%M")
    ticket = await add_note(
        session,
        ticket_id=ticket.id,
        actor=Actor.staff(staff_id),
        text=wording("staff.late_note", minutes=minutes, eta=when),
        now=now,
        data={"late_minutes": minutes, "eta": eta.isoformat()},
    )
    notice = Outgoing(
        text=wording("late.notice", number=ticket.number, eta=when),
        buttons=buttons(
            [(wording("late.fine"), f"late:{ticket.id}:ok"), (wording("late.rebook"), f"late:{ticket.id}:rebook")]
        ),
    )
    await tell_resident(session, ticket, notice, kind="late_notice", key=f"late:{ticket.id}:v{ticket.version}", now=now)
    return StaffOutcome(True, wording("staff.done_late", number=ticket.number, eta=when), ticket)


async def _apply(
    session: AsyncSession,
    ticket: Ticket,
    staff: Staff,
    verb: StaffVerb,
    now: datetime,
    reason: str | None,
    assignee_id: int | None,
    to_status: str | None,
    work_done: str | None,
    materials: list[str] | None,
) -> Ticket:
    match verb:
        case StaffVerb.ACCEPT:
            return await accept_ticket(session, ticket_id=ticket.id, staff_id=staff.id, now=now)
        case StaffVerb.ARRIVE:
            return await mark_on_site(session, ticket_id=ticket.id, staff_id=staff.id, now=now)
        case StaffVerb.RESOLVE:
            return await resolve_ticket(
                session, ticket_id=ticket.id, staff_id=staff.id, now=now, work_done=work_done, materials=materials
            )
        case StaffVerb.RETURN:
            return await return_ticket(session, ticket_id=ticket.id, staff_id=staff.id, now=now, reason=reason)
        case StaffVerb.ASSIGN:
            if assignee_id is None:
                raise NotFound("staff", None)
            return await assign_ticket(
                session, ticket_id=ticket.id, assignee_id=assignee_id, actor=Actor.staff(staff.id), now=now, note=reason
            )
        case StaffVerb.OVERRIDE:
            if not to_status:
                raise ReasonRequired("override")
            return await override_ticket(
                session, ticket_id=ticket.id, staff_id=staff.id, to_status=to_status, reason=reason or "", now=now
            )
        case StaffVerb.CANCEL:
            return await cancel_ticket(
                session, ticket_id=ticket.id, actor=Actor.staff(staff.id), now=now, reason=reason
            )
    raise AssertionError(verb)  # pragma: no cover - REASSIGN is answered before


async def update_cards(session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime) -> int:
    """Queue an edit of the ticket's card in every group chat of its department; returns how many."""
    card = await ticket_card(session, ticket, wording=wording)
    queued = 0
    for group in await groups_for_department(session, community_id=ticket.community_id, department=ticket.department):
        await enqueue(
            session,
            channel=group.channel,
            recipient=group.chat_id,
            kind="card_update",
            payload=card.to_dict()
            | {"ticket_id": ticket.id, "edit_of": card_dedupe_key(ticket.id, group.channel, group.chat_id)},
            ticket_id=ticket.id,
            dedupe_key=f"card:{ticket.id}:v{ticket.version}:{group.channel}:{group.chat_id}",
            now=now,
        )
        queued += 1
    return queued


async def _tell_resident(
    session: AsyncSession,
    ticket: Ticket,
    verb: StaffVerb,
    staff: Staff,
    *,
    reason: str | None,
    wording: Wording,
    now: datetime,
) -> None:
    if ticket.resident_id is None:
        return
    if ticket.status == Status.RESOLVED:
        await ask_to_confirm(session, ticket, wording=wording, now=now)
        return
    text = await _progress_text(session, ticket, verb, wording, reason=reason)
    if text is None:
        return
    key = f"progress:{ticket.id}:v{ticket.version}"
    await tell_resident(session, ticket, Outgoing(text=text), kind="progress", key=key, now=now)


async def _progress_text(
    session: AsyncSession, ticket: Ticket, verb: StaffVerb, wording: Wording, *, reason: str | None
) -> str | None:
    status = Status(ticket.status)
    assignee = await session.get(Staff, ticket.assignee_staff_id) if ticket.assignee_staff_id else None
    who = {"role": wording(f"labels.role.{assignee.role}"), "name": assignee.name} if assignee else None
    if status is Status.ACCEPTED and who:
        eta = ""
        if ticket.arrive_due_at is not None:
            policy = await policy_for(session, ticket.community_id)
            local = ticket.arrive_due_at.astimezone(policy.timezone)
            eta = wording(
                "progress.accepted_eta", time=local.strftime("%H:%M" if _same_day(local, ticket) else "%m-%d %H:%M")
            )
        return wording("progress.accepted", number=ticket.number, eta=eta, **who)
    if status is Status.ON_SITE and who:
        return wording("progress.on_site", number=ticket.number, **who)
    if status is Status.ASSIGNED and who:
        return wording("progress.assigned", number=ticket.number, **who)
    if status is Status.NEW and verb is StaffVerb.RETURN:
        return wording("progress.returned", number=ticket.number)
    if status is Status.CANCELLED:
        return wording("progress.cancelled", number=ticket.number, reason=reason or "-")
    if status is Status.CLOSED:
        return wording("progress.closed", number=ticket.number)
    if status is Status.REOPENED:
        return wording("progress.reopened", number=ticket.number)
    return None


def _same_day(local: datetime, ticket: Ticket) -> bool:
    return local.date() == ticket.updated_at.astimezone(local.tzinfo).date()


async def _picker(session: AsyncSession, ticket: Ticket, wording: Wording) -> Outgoing:
    colleagues = [
        s
        for s in await list_staff(session, community_id=ticket.community_id, department=ticket.department)
        if s.active and s.id != ticket.assignee_staff_id
    ]
    if not colleagues:
        return Outgoing(text=wording("staff.nobody_to_pick"))
    rows = [
        [(f"{s.name}（{wording(f'labels.role.{s.role}')}）", f"{STAFF_PAYLOAD}assign:{ticket.id}:{s.id}")]
        for s in colleagues[:12]
    ]
    return Outgoing(text=wording("staff.pick_assignee", number=ticket.number), buttons=buttons(*rows))


async def _done(session: AsyncSession, ticket: Ticket, verb: StaffVerb, wording: Wording) -> str:
    if verb is StaffVerb.ASSIGN:
        assignee = await session.get(Staff, ticket.assignee_staff_id) if ticket.assignee_staff_id else None
        return wording("staff.done_assign", number=ticket.number, name=assignee.name if assignee else "-")
    if verb is StaffVerb.OVERRIDE:
        return wording("staff.done_override", number=ticket.number, status=wording(f"labels.status.{ticket.status}"))
    return wording(f"staff.done_{_label(verb)}", number=ticket.number)


async def _wrong_status(session: AsyncSession, ticket: Ticket, verb: StaffVerb, wording: Wording) -> str:
    await session.refresh(ticket)
    if verb is StaffVerb.ACCEPT and ticket.assignee_staff_id and ticket.status != Status.NEW:
        assignee = await session.get(Staff, ticket.assignee_staff_id)
        if assignee is not None:
            return wording("staff.taken", number=ticket.number, name=assignee.name)
    return wording(
        "staff.wrong_status",
        number=ticket.number,
        status=wording(f"labels.status.{ticket.status}"),
        action=wording(f"staff.action_{_label(verb)}"),
    )


async def _denied(
    session: AsyncSession, ticket: Ticket, verb: StaffVerb, denied: PermissionDenied, wording: Wording
) -> str:
    action = wording(f"staff.action_{_label(verb)}")
    if "department" in denied.reason:
        policy = await policy_for(session, ticket.community_id)
        name = policy.department_names.get(ticket.department, ticket.department)  # type: ignore[call-overload]
        return wording("staff.wrong_department", department=name)
    if "assignee" in denied.reason or "someone else" in denied.reason:
        if verb is StaffVerb.ACCEPT and ticket.assignee_staff_id:
            assignee = await session.get(Staff, ticket.assignee_staff_id)
            if assignee is not None:
                return wording("staff.taken", number=ticket.number, name=assignee.name)
        return wording("staff.not_assignee", action=action)
    return wording("staff.no_permission", action=action)


def _label(verb: StaffVerb) -> str:
    return {StaffVerb.RESOLVE: "resolve", StaffVerb.REASSIGN: "assign"}.get(verb, verb.value)
