"""Complaint reports queued by the scheduler (§4, 001 投诉接待 and 客户投诉处理规程):

- 重大投诉 (tier >= complaints.major_tier): "当天报部门经理知晓" — the manager of every department concerned is
  told the same day; who manages a department is the policy's complaints.department_heads;
- 网络投诉 (a complaint that came in through the bot): "及时上报总经理,落实处理并于24小时内回复" — reported to
  complaints.online_report_roles one by one or in a daily list, and owed a substantive answer (`first_answer_at`)
  within complaints.online_answer_minutes.

Every report goes through the outbox with a dedupe key and is recorded as a note event on the ticket, so the
ticket history (and an audit) shows who was told and when.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.deadlines import staff_chats
from dialogs.messages import Outgoing
from dialogs.outreach import tell_resident
from dialogs.wording import Wording
from nlu.phone import mask_phones_in
from storage.communities.service import policy_for
from storage.outbox.service import enqueue
from storage.policy import Policy
from storage.staff.models import Staff
from storage.staff.service import list_staff
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import Action, ActorKind, Status
from storage.tickets.models import Ticket, TicketEvent
from storage.tickets.service import add_note
from storage.vocabulary import CHAT_CHANNELS, Department, TicketType

_log = logging.getLogger(__name__)

#: Note data marking a staff reply the resident received (an answer to the complaint).
ANSWER_MARK = "answer"
#: Statuses in which a complaint may still owe its first answer.
_UNANSWERED = frozenset({Status.NEW, Status.ASSIGNED, Status.ACCEPTED, Status.ON_SITE})
#: Statuses an override may set that give the resident an outcome.
_OUTCOME = frozenset({Status.RESOLVED, Status.CLOSED, Status.CANCELLED})


def is_online(ticket: Ticket) -> bool:
    """A complaint that came in through the bot (a chat channel), not by phone or at the front desk."""
    return ticket.type == TicketType.COMPLAINT and ticket.channel in CHAT_CHANNELS


def is_major(ticket: Ticket, policy: Policy) -> bool:
    """A complaint at or above the policy's major tier (重大投诉)."""
    return ticket.type == TicketType.COMPLAINT and (ticket.complaint_tier or 1) >= policy.complaints.major_tier


def major_report_time(policy: Policy, now: datetime) -> datetime:
    """At once, or at complaints.major_report_earliest when `now` is earlier in the local night (same day)."""
    local = now.astimezone(policy.timezone)
    earliest = datetime.combine(local.date(), policy.complaints.major_report_earliest, policy.timezone)
    return max(now, earliest.astimezone(now.tzinfo))


async def became_major_at(session: AsyncSession, ticket: Ticket, policy: Policy) -> datetime:
    """When the complaint reached the major tier: its climb there, else its creation."""
    for event in await _events(session, ticket.id):
        data = event.data or {}
        if data.get("escalation") == "complaint_tier" and int(data.get("to_tier", 0)) >= policy.complaints.major_tier:
            return event.created_at
    return ticket.created_at


async def first_answer_at(session: AsyncSession, ticket: Ticket) -> datetime | None:
    """When the resident first got a substantive answer, or None.

    Answers: the result (resolved, which sends it with the confirmation request), a staff cancellation (the
    resident is told the reason), a supervisor override to resolved/closed/cancelled, and a staff reply
    recorded by `answer_resident`. Not answers: 已派单 / 已接单 / 已到场 (they say someone is on it, not what).
    """
    for event in await _events(session, ticket.id):
        action, staff = Action(event.action), event.actor_kind == ActorKind.STAFF
        if action is Action.RESOLVE or (action is Action.CANCEL and staff):
            return event.created_at
        if action is Action.OVERRIDE and event.to_status in _OUTCOME:
            return event.created_at
        if action is Action.NOTE and staff and (event.data or {}).get(ANSWER_MARK):
            return event.created_at
    return None


async def answer_resident(
    session: AsyncSession, *, ticket_id: int, staff_id: int, text: str, now: datetime, wording: Wording
) -> Ticket:
    """A staff member's reply to the resident about the complaint (the plan, an explanation): sent to every
    chat of the resident and recorded as an answer. Raises InvalidInput for empty text, NotFound."""
    ticket = await add_note(
        session, ticket_id=ticket_id, actor=Actor.staff(staff_id), text=text, now=now, data={ANSWER_MARK: True}
    )
    staff = await session.get(Staff, staff_id)
    message = wording(
        "progress.answer",
        number=ticket.number,
        role=wording(f"labels.role.{staff.role}") if staff else "",
        name=staff.name if staff else "",
        text=text.strip(),
    )
    key = f"answer:{ticket.id}:v{ticket.version}"
    await tell_resident(session, ticket, Outgoing(text=message), kind="complaint_answer", key=key, now=now)
    return ticket


async def department_managers(
    session: AsyncSession, ticket: Ticket, policy: Policy
) -> tuple[list[Department], list[Staff]]:
    """The departments a complaint concerns (its own and any its words name) and their managers: staff with the
    department's head role (complaints.department_heads) in that department, else anywhere in the community."""
    named = policy.escalation.departments_named(_text(ticket)) if policy.escalation else set()
    departments = sorted({Department(ticket.department), *named})
    managers: dict[int, Staff] = {}
    for department in departments:
        role = policy.complaints.department_heads.get(department)
        if role is None:
            continue
        found = await list_staff(session, community_id=ticket.community_id, department=department, role=role.value)
        found = found or await list_staff(session, community_id=ticket.community_id, role=role.value)
        managers |= {s.id: s for s in found}
    return departments, list(managers.values())


async def report_major_complaint(session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime) -> int:
    """Tell the managers of the departments concerned of a major complaint (once) and record it; returns the
    number of chats queued. A finished complaint that became major before today is left alone (a backlog
    the scheduler saw late)."""
    policy = await policy_for(session, ticket.community_id)
    if await _reported(session, ticket.id, "major_complaint"):
        return 0
    since = await became_major_at(session, ticket, policy)
    same_day = _local_day(since, policy) == _local_day(now, policy)
    if not same_day and Status(ticket.status) in (Status.CLOSED, Status.CANCELLED):
        return 0
    departments, managers = await department_managers(session, ticket, policy)
    names = "、".join(policy.department_names.get(d, d.value) for d in departments)
    tier = policy.complaints.tiers[ticket.complaint_tier or 1]
    text = wording(
        "scheduler.major_report",
        number=ticket.number,
        tier=tier.name,
        departments=names,
        target=mask_phones_in(ticket.complaint_target or "-"),
        description=mask_phones_in(ticket.description),
        due=_local(ticket.resolve_due_at, policy) if ticket.resolve_due_at else "-",
    )
    queued = await _send(session, await staff_chats(session, [s.id for s in managers]), text, ticket, now, "major")
    if not queued:
        _log.warning("major complaint %s: no department manager with a chat to tell", ticket.number)
        return 0
    who = "、".join(f"{wording(f'labels.role.{s.role}')}{s.name}" for s in managers)
    await add_note(
        session,
        ticket_id=ticket.id,
        actor=Actor.system(),
        text=wording("scheduler.major_note", departments=names, names=who),
        data={
            "report": "major_complaint",
            "tier": ticket.complaint_tier,
            "departments": [d.value for d in departments],
            "staff": [s.id for s in managers],
            "same_day": same_day,
        },
        now=now,
    )
    return queued


async def report_online_complaint(session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime) -> int:
    """complaints.online_report = "each": the general manager hears of this online complaint at once."""
    policy = await policy_for(session, ticket.community_id)
    if not is_online(ticket) or await _reported(session, ticket.id, "online_complaint"):
        return 0
    text = wording(
        "scheduler.online_report",
        number=ticket.number,
        tier=policy.complaints.tiers[ticket.complaint_tier or 1].name,
        due=_local(ticket.created_at + policy.complaints.online_answer, policy),
        description=mask_phones_in(ticket.description),
    )
    recipients, roles = await _report_recipients(session, ticket.community_id, policy, wording)
    queued = await _send(session, recipients, text, ticket, now, "online")
    if queued:
        await _online_note(session, ticket, roles, "each", wording, now)
    return queued


async def send_online_digest(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime, wording: Wording, now: datetime
) -> int:
    """complaints.online_report = "digest": one list of the online complaints opened in [since, until), with
    whether each was answered, plus the older ones still unanswered; each listed complaint records the report.
    Nothing is sent when there is nothing to list. Returns the number of chats queued."""
    policy = await policy_for(session, community_id)
    online = (
        Ticket.community_id == community_id,
        Ticket.type == TicketType.COMPLAINT,
        Ticket.channel.in_(sorted(CHAT_CHANNELS)),
    )
    order = (Ticket.created_at, Ticket.id)
    fresh = list(
        await session.scalars(
            select(Ticket).where(*online, Ticket.created_at >= since, Ticket.created_at < until).order_by(*order)
        )
    )
    # Older ones still owing the answer: never resolved (a resolved or reopened one was answered), not cancelled.
    older = select(Ticket).where(*online, Ticket.created_at < since, Ticket.status.in_(sorted(_UNANSWERED)))
    waiting = [t for t in await session.scalars(older.order_by(*order)) if await first_answer_at(session, t) is None]
    if not fresh and not waiting:
        return 0
    lines = [await _digest_line(session, t, policy, wording, now) for t in fresh]
    text = wording(
        "scheduler.online_digest",
        date=_local_day(until, policy).strftime("%m-%d"),
        count=len(fresh),
        lines="\n".join(lines) or wording("scheduler.online_digest_none"),
    )
    if waiting:
        text += "\n" + wording("scheduler.online_digest_older", numbers="、".join(t.number for t in waiting))
    recipients, roles = await _report_recipients(session, community_id, policy, wording)
    queued = 0
    stamp = int(until.timestamp())
    for channel, chat in dict.fromkeys(recipients):
        await enqueue(
            session,
            channel=channel,
            recipient=chat,
            kind="online_digest",
            payload=Outgoing(text=text).to_dict(),
            dedupe_key=f"online_digest:{community_id}:{stamp}:{channel}:{chat}",
            now=now,
        )
        queued += 1
    if queued:
        for ticket in fresh:
            await _online_note(session, ticket, roles, "digest", wording, now)
    else:
        _log.warning("community %s: online complaint digest has nobody to go to", community_id)
    return queued


async def _digest_line(session: AsyncSession, ticket: Ticket, policy: Policy, wording: Wording, now: datetime) -> str:
    due = ticket.created_at + policy.complaints.online_answer
    answered = await first_answer_at(session, ticket)
    if answered is not None:
        answer = wording("scheduler.online_answered", at=_local(answered, policy))
    elif now > due:
        answer = wording("scheduler.online_overdue", due=_local(due, policy))
    else:
        answer = wording("scheduler.online_waiting", due=_local(due, policy))
    return wording(
        "scheduler.online_digest_line",
        number=ticket.number,
        tier=policy.complaints.tiers[ticket.complaint_tier or 1].name,
        status=wording(f"labels.status.{ticket.status}"),
        answer=answer,
        description=mask_phones_in(ticket.description)[:40],
    )


async def _report_recipients(
    session: AsyncSession, community_id: int, policy: Policy, wording: Wording
) -> tuple[list[tuple[str, str]], str]:
    staff: list[Staff] = []
    for role in policy.complaints.online_report_roles:
        staff += await list_staff(session, community_id=community_id, role=role.value)
    roles = "、".join(wording(f"labels.role.{r.value}") for r in policy.complaints.online_report_roles)
    return await staff_chats(session, [s.id for s in staff]), roles


async def _online_note(
    session: AsyncSession, ticket: Ticket, roles: str, mode: str, wording: Wording, now: datetime
) -> None:
    policy = await policy_for(session, ticket.community_id)
    await add_note(
        session,
        ticket_id=ticket.id,
        actor=Actor.system(),
        text=wording(f"scheduler.online_note_{mode}", roles=roles),
        data={
            "report": "online_complaint",
            "mode": mode,
            "roles": [r.value for r in policy.complaints.online_report_roles],
        },
        now=now,
    )


async def _reported(session: AsyncSession, ticket_id: int, report: str) -> bool:
    return any((e.data or {}).get("report") == report for e in await _events(session, ticket_id))


async def _events(session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    return list(await session.scalars(query))


async def _send(
    session: AsyncSession,
    recipients: Iterable[tuple[str, str]],
    text: str,
    ticket: Ticket,
    now: datetime,
    kind: str,
) -> int:
    payload = Outgoing(text=text).to_dict() | {"ticket_id": ticket.id}
    unique = list(dict.fromkeys(recipients))
    for channel, chat in unique:
        await enqueue(
            session,
            channel=channel,
            recipient=chat,
            kind=f"{kind}_complaint_report",
            payload=payload,
            ticket_id=ticket.id,
            dedupe_key=f"{kind}_report:{ticket.id}:{channel}:{chat}",
            now=now,
        )
    return len(unique)


def _text(ticket: Ticket) -> str:
    return f"{ticket.complaint_target or ''} {ticket.description}"


def _local(when: datetime, policy: Policy) -> str:
    return when.astimezone(policy.timezone).strftime("%m-%d %H:%M")


def _local_day(when: datetime, policy: Policy) -> date:
    return when.astimezone(policy.timezone).date()


__all__ = [
    "ANSWER_MARK",
    "answer_resident",
    "became_major_at",
    "department_managers",
    "first_answer_at",
    "is_major",
    "is_online",
    "major_report_time",
    "report_major_complaint",
    "report_online_complaint",
    "send_online_digest",
]
