"""Which jobs a ticket needs in its current state: reminders and deadline checks while steps are owed,
critical re-alerts until someone accepts, the family contact, the 综合管理部 hand-over of a complaint that
spans departments, the result notice after handling and the callback after closing; for complaints, the
same-day report of a major one and an online one's answer deadline and report to the general manager.

Every job key carries the time it is about (the due time, the close time), so planning the same ticket
again is harmless, and a changed deadline (reopen, tier climb) gets fresh jobs while the old ones find
themselves stale when they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.callbacks import callback_due
from dialogs.business.complaint_reports import is_major, is_online, major_report_time
from storage.jobs.recurring import schedule_many
from storage.policy import Policy
from storage.tickets.lifecycle import FINAL, Status
from storage.tickets.models import Ticket
from storage.tickets.sla import missed_deadlines
from storage.vocabulary import TicketType, Urgency

STEPS: Final = ("respond", "arrive", "resolve")
#: Nobody has acknowledged the ticket yet (a critical ticket is re-alerted in these).
UNACKNOWLEDGED: Final = frozenset({Status.NEW, Status.ASSIGNED, Status.REOPENED})
_TICK: Final = timedelta(seconds=1)


@dataclass(frozen=True)
class JobSpec:
    """A job to make sure of."""

    kind: str
    key: str
    run_at: datetime
    payload: dict[str, Any]

    def as_row(self) -> dict[str, Any]:
        """The values `schedule_many` takes."""
        return {"kind": self.kind, "key": self.key, "run_at": self.run_at, "payload": self.payload}


def due_of(ticket: Ticket, step: str) -> datetime | None:
    """The ticket's due time of `step` (respond / arrive / resolve)."""
    return getattr(ticket, f"{step}_due_at")  # type: ignore[no-any-return]


def owed(ticket: Ticket, step: str, due: datetime) -> bool:
    """True when the ticket's status still owes `step` (whether or not its time has come)."""
    return step in missed_deadlines(ticket, due + _TICK)


def stamp(when: datetime) -> int:
    """Whole seconds since the epoch, for job keys."""
    return int(when.timestamp())


def critical_start(ticket: Ticket, policy: Policy) -> datetime | None:
    """When the ticket's current critical alarm began (creation or reopening), from its response deadline."""
    if ticket.respond_due_at is None:
        return None
    spec = policy.deadline_for(ticket.type, ticket.urgency, ticket.complaint_tier)
    return ticket.respond_due_at - (spec.respond or timedelta(0))


def ticket_jobs(ticket: Ticket, policy: Policy, now: datetime) -> list[JobSpec]:
    """The jobs `ticket` needs as it stands at `now`."""
    status = Status(ticket.status)
    escalation = policy.escalation
    if escalation is None:
        raise ValueError("the policy has no [escalation] table")
    base = {"ticket_id": ticket.id}
    specs: list[JobSpec] = []
    if status not in FINAL and status is not Status.RESOLVED:
        owed_steps = [(step, due) for step in STEPS if (due := due_of(ticket, step)) and owed(ticket, step, due)]
        for index, (step, due) in enumerate(owed_steps):
            if any(later == due for _, later in owed_steps[index + 1 :]):
                continue  # the same moment as a later step (arrive = respond for 紧急): one notice, for the later
            payload = base | {"step": step, "due": due.isoformat()}
            remind_at = due - escalation.remind_before[Urgency(ticket.urgency)]
            if remind_at > ticket.created_at:
                specs.append(
                    JobSpec("deadline_reminder", f"remind:{ticket.id}:{step}:{stamp(due)}", remind_at, payload)
                )
            specs.append(
                JobSpec("deadline_overdue", f"overdue:{ticket.id}:{step}:{stamp(due)}:0", due, payload | {"level": 0})
            )
        start = critical_start(ticket, policy)
        if ticket.urgency == Urgency.CRITICAL and start is not None:
            if status in UNACKNOWLEDGED:
                repeat = escalation.critical_repeat
                round = max(1, int((now - start) / repeat) + 1)
                specs.append(
                    JobSpec(
                        "critical_repeat",
                        f"critical:{ticket.id}:{stamp(start)}:{round}",
                        start + repeat * round,
                        base | {"round": round, "started": start.isoformat()},
                    )
                )
            if ticket.resident_id is not None:
                specs.append(JobSpec("family_contact", f"family:{ticket.id}:{ticket.reopen_count}", start, base))
        if ticket.type == TicketType.COMPLAINT and spans_departments(ticket, policy):
            specs.append(JobSpec("cross_department", f"xdept:{ticket.id}", ticket.created_at, base))
    specs += complaint_report_jobs(ticket, policy, now)
    if status is Status.RESOLVED and ticket.resolved_at is not None:
        specs.append(
            JobSpec("result_notice", f"result:{ticket.id}:{stamp(ticket.resolved_at)}", ticket.resolved_at, base)
        )
    if status is Status.CLOSED and ticket.closed_at is not None:
        when = callback_due(ticket, policy, now)
        if when is not None:
            specs.append(
                JobSpec(
                    "callback",
                    f"callback:{ticket.id}:{stamp(ticket.closed_at)}",
                    when,
                    base | {"closed": ticket.closed_at.isoformat()},
                )
            )
    return specs


def complaint_report_jobs(ticket: Ticket, policy: Policy, now: datetime) -> list[JobSpec]:
    """A major complaint's same-day report; an online complaint's answer deadline and (policy "each") its
    report to the general manager. Cancelled complaints need none; the handlers check the rest when they run."""
    if ticket.type != TicketType.COMPLAINT or ticket.status == Status.CANCELLED:
        return []
    base = {"ticket_id": ticket.id}
    specs = []
    if is_major(ticket, policy):
        specs.append(JobSpec("major_complaint", f"major:{ticket.id}", major_report_time(policy, now), base))
    if is_online(ticket):
        due = ticket.created_at + policy.complaints.online_answer
        payload = base | {"due": due.isoformat(), "level": 0}
        specs.append(JobSpec("online_answer", f"answer:{ticket.id}:{stamp(due)}:0", due, payload))
        if policy.complaints.online_report == "each" and now - ticket.created_at <= policy.complaints.online_answer:
            specs.append(JobSpec("online_report", f"online:{ticket.id}", ticket.created_at, base))
    return specs


def spans_departments(ticket: Ticket, policy: Policy) -> bool:
    """A complaint whose target and description name words of two or more departments (§4)."""
    if policy.escalation is None:
        return False
    text = f"{ticket.complaint_target or ''} {ticket.description}"
    return len(policy.escalation.departments_named(text)) >= 2


async def plan_ticket(session: AsyncSession, ticket: Ticket, policy: Policy, now: datetime) -> int:
    """Make sure `ticket`'s jobs exist (in the caller's transaction)."""
    return await schedule_many(session, [spec.as_row() for spec in ticket_jobs(ticket, policy, now)], now=now)
