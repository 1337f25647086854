"""Deadline notices queued by the scheduler (§2, §4): reminders, the escalation ladder, late notices to the
resident, critical re-alerts, the family contact, complaint tier climbs and hand-over to 综合管理部.

Every notice goes to the outbox in the caller's transaction with a dedupe key, so a job that runs twice
(after a crash) never sends twice, and each escalation is recorded as an event on the ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.notices import CRITICAL_ROLES
from dialogs.messages import Outgoing
from dialogs.outreach import tell_resident
from dialogs.wording import Wording
from nlu.phone import mask_phones_in
from storage.communities.service import policy_for
from storage.groups.service import groups_for_department
from storage.outbox.service import enqueue
from storage.policy import Policy
from storage.residents.models import Resident
from storage.rooms.models import Room
from storage.staff.models import Staff
from storage.staff.service import list_staff, staff_chats
from storage.tickets.actor import Actor
from storage.tickets.escalation import raise_complaint_tier
from storage.tickets.models import Ticket
from storage.tickets.service import add_note
from storage.vocabulary import Department, StaffRole, TicketType

Recipient = tuple[str, str]


async def remind_before_deadline(
    session: AsyncSession, ticket: Ticket, *, step: str, due: datetime, wording: Wording, now: datetime
) -> int:
    """Remind the assignee (or, when nobody has the ticket, its department's groups) that `step` is due soon."""
    policy = await policy_for(session, ticket.community_id)
    values = _ticket_values(ticket, policy, wording, step=step, due=due)
    if ticket.assignee_staff_id is not None:
        recipients = await staff_chats(session, [ticket.assignee_staff_id])
        text = wording("scheduler.remind_assignee", **values)
    else:
        recipients = await _department_groups(session, ticket)
        text = wording("scheduler.remind_group", **values)
    key = f"remind:{ticket.id}:{step}:{int(due.timestamp())}"
    return await _send(session, recipients, text, kind="deadline_reminder", key=key, ticket=ticket, now=now)


async def escalate_overdue(
    session: AsyncSession, ticket: Ticket, *, step: str, due: datetime, level: int, wording: Wording, now: datetime
) -> bool:
    """`step` is overdue: tell rung `level` of the ladder, record it, and (first rung) tell the resident.

    Returns True while a higher rung is left to tell if the deadline stays missed.
    """
    policy = await policy_for(session, ticket.community_id)
    ladder = _ladder(policy)
    first = _first_rung(policy, ticket)
    role = ladder[min(first + level, len(ladder) - 1)]
    values = _ticket_values(ticket, policy, wording, step=step, due=due)
    assignee = await session.get(Staff, ticket.assignee_staff_id) if ticket.assignee_staff_id else None
    text = wording(
        "scheduler.overdue_staff",
        **values,
        status=wording(f"labels.status.{ticket.status}"),
        assignee=assignee.name if assignee else wording("scheduler.no_assignee"),
        description=mask_phones_in(ticket.description),
    )
    stamp = f"{ticket.id}:{step}:{int(due.timestamp())}"
    recipients = await staff_chats(session, [s.id for s in await _role_staff(session, ticket, role)])
    await _send(session, recipients, text, kind="escalation", key=f"overdue:{stamp}:{level}", ticket=ticket, now=now)
    role_name = wording(f"labels.role.{role.value}")
    await add_note(
        session,
        ticket_id=ticket.id,
        actor=Actor.system(),
        text=wording("scheduler.overdue_note", step=values["step"], due=values["due"], role=role_name),
        data={"escalation": step, "level": level, "role": role.value, "due": due.isoformat()},
        now=now,
    )
    if level == 0:
        late = wording(
            "scheduler.late_resident", number=ticket.number, step=values["step"], due=values["due"], role=role_name
        )
        await _tell_resident(session, ticket, late, kind="late_notice", key=f"late:{stamp}", now=now)
    return first + level + 1 < len(ladder)


async def realert_critical(
    session: AsyncSession, ticket: Ticket, *, round: int, started: datetime, wording: Wording, now: datetime
) -> int:
    """特急 and still nobody has accepted: alert the on-duty managers and security again (§2)."""
    room = await session.get(Room, ticket.room_id) if ticket.room_id else None
    text = wording(
        "scheduler.critical_again",
        number=ticket.number,
        minutes=int((now - started).total_seconds() // 60),
        room=room.code if room else wording("staff.unknown_room"),
        description=mask_phones_in(ticket.description),
    )
    staff: list[Staff] = []
    for role in CRITICAL_ROLES:
        staff += await list_staff(session, community_id=ticket.community_id, role=role.value, on_duty=True)
    recipients = await staff_chats(session, [s.id for s in staff])
    key = f"critical:{ticket.id}:{int(started.timestamp())}:{round}"
    queued = await _send(session, recipients, text, kind="critical_alert", key=key, ticket=ticket, now=now)
    await add_note(
        session,
        ticket_id=ticket.id,
        actor=Actor.system(),
        text=wording("scheduler.critical_note", round=round),
        data={"escalation": "critical_repeat", "round": round},
        now=now,
    )
    return queued


async def notify_family_contact(session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime) -> int:
    """特急: the resident's registered family contact must hear of it (§2).

    The product has no telephone or SMS channel, so the on-duty managers and security are asked to call
    the contact (they may see the number); returns 0 when the resident registered no contact.
    """
    resident = await session.get(Resident, ticket.resident_id) if ticket.resident_id else None
    if resident is None or not resident.family_contact_phone:
        return 0
    text = wording(
        "scheduler.family_contact",
        number=ticket.number,
        name=resident.family_contact_name or "-",
        phone=resident.family_contact_phone,
    )
    staff: list[Staff] = []
    for role in CRITICAL_ROLES:
        staff += await list_staff(session, community_id=ticket.community_id, role=role.value, on_duty=True)
    recipients = await staff_chats(session, [s.id for s in staff])
    queued = await _send(
        session,
        recipients,
        text,
        kind="family_contact",
        key=f"family:{ticket.id}:{ticket.reopen_count}",
        ticket=ticket,
        now=now,
    )
    await add_note(
        session,
        ticket_id=ticket.id,
        actor=Actor.system(),
        text=wording("scheduler.family_note"),
        data={"escalation": "family_contact"},
        now=now,
    )
    return queued


async def climb_complaint(session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime) -> Ticket:
    """An unhandled complaint's time ran out: one tier up, its new owners told, the resident told (§4)."""
    policy = await policy_for(session, ticket.community_id)
    old_tier = policy.complaints.tiers[ticket.complaint_tier or 1]
    ticket = await raise_complaint_tier(session, ticket_id=ticket.id, now=now)
    tier = policy.complaints.tiers[ticket.complaint_tier or 1]
    due = _local(ticket.resolve_due_at, policy)  # type: ignore[arg-type]
    text = wording(
        "scheduler.complaint_climb_staff",
        number=ticket.number,
        old_tier=old_tier.name,
        new_tier=tier.name,
        due=due,
        description=mask_phones_in(ticket.description),
    )
    owners = await list_staff(session, community_id=ticket.community_id, role=tier.owner_role.value)
    key = f"climb:{ticket.id}:{tier.level}"
    await _send(
        session,
        await staff_chats(session, [s.id for s in owners]),
        text,
        kind="complaint_climb",
        key=key,
        ticket=ticket,
        now=now,
    )
    resident_text = wording(
        "scheduler.complaint_climb_resident",
        number=ticket.number,
        tier=tier.name,
        role=wording(f"labels.role.{tier.owner_role.value}"),
        due=due,
    )
    await _tell_resident(session, ticket, resident_text, kind="late_notice", key=key, now=now)
    return ticket


async def hand_to_general_admin(
    session: AsyncSession, ticket: Ticket, *, departments: Iterable[Department], wording: Wording, now: datetime
) -> int:
    """A complaint spanning several departments goes to 综合管理部 within the policy's time (§4)."""
    policy = await policy_for(session, ticket.community_id)
    owner = policy.complaints.cross_department_owner
    names = "、".join(sorted(policy.department_names.get(d, d.value) for d in departments))
    text = wording(
        "scheduler.cross_department",
        number=ticket.number,
        departments=names,
        due=_local(ticket.created_at + policy.complaints.cross_department, policy),
        description=mask_phones_in(ticket.description),
    )
    staff = await list_staff(session, community_id=ticket.community_id, department=owner.value)
    recipients = await staff_chats(session, [s.id for s in staff])
    recipients += [
        (g.channel, g.chat_id)
        for g in await groups_for_department(session, community_id=ticket.community_id, department=owner.value)
    ]
    queued = await _send(
        session, recipients, text, kind="cross_department", key=f"xdept:{ticket.id}", ticket=ticket, now=now
    )
    await add_note(
        session,
        ticket_id=ticket.id,
        actor=Actor.system(),
        text=wording("scheduler.cross_department_note", departments=names),
        data={"escalation": "cross_department", "to": owner.value, "departments": sorted(d.value for d in departments)},
        now=now,
    )
    return queued


def step_label(step: str, wording: Wording) -> str:
    """响应 / 到场 / 处理完成."""
    return wording(f"scheduler.step_{step}")


def _ladder(policy: Policy) -> tuple[StaffRole, ...]:
    if policy.escalation is None:
        raise ValueError("the policy has no [escalation] table")
    return policy.escalation.ladder


def _first_rung(policy: Policy, ticket: Ticket) -> int:
    """A complaint's ladder starts above its tier's owner (a 三级 complaint's owner is the project manager)."""
    ladder = _ladder(policy)
    if ticket.type == TicketType.COMPLAINT and ticket.complaint_tier:
        owner = policy.complaint_owner(ticket.complaint_tier)
        if owner in ladder:
            return min(ladder.index(owner) + 1, len(ladder) - 1)
    return 0


async def _role_staff(session: AsyncSession, ticket: Ticket, role: StaffRole) -> list[Staff]:
    return await list_staff(session, community_id=ticket.community_id, role=role.value)


async def _department_groups(session: AsyncSession, ticket: Ticket) -> list[Recipient]:
    groups = await groups_for_department(session, community_id=ticket.community_id, department=ticket.department)
    return [(g.channel, g.chat_id) for g in groups]


def _ticket_values(ticket: Ticket, policy: Policy, wording: Wording, *, step: str, due: datetime) -> dict[str, str]:
    return {
        "number": ticket.number,
        "kind": wording(f"labels.type.{ticket.type}"),
        "urgency": wording(f"labels.urgency.{ticket.urgency}"),
        "step": step_label(step, wording),
        "due": _local(due, policy),
    }


def _local(when: datetime, policy: Policy) -> str:
    return when.astimezone(policy.timezone).strftime("%m-%d %H:%M")


async def _tell_resident(
    session: AsyncSession, ticket: Ticket, text: str, *, kind: str, key: str, now: datetime
) -> int:
    return await tell_resident(session, ticket, Outgoing(text=text), kind=kind, key=key, now=now)


async def _send(
    session: AsyncSession, recipients: list[Recipient], text: str, *, kind: str, key: str, ticket: Ticket, now: datetime
) -> int:
    payload = Outgoing(text=text).to_dict() | {"ticket_id": ticket.id}
    for channel, recipient in dict.fromkeys(recipients):
        await enqueue(
            session,
            channel=channel,
            recipient=recipient,
            kind=kind,
            payload=payload,
            ticket_id=ticket.id,
            dedupe_key=f"{key}:{channel}:{recipient}",
            now=now,
        )
    return len(dict.fromkeys(recipients))
