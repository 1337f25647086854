"""Deadlines from policy: when a ticket must be answered, reached and resolved, and which are missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.policy import Policy
from storage.tickets.lifecycle import FINAL, Status
from storage.tickets.models import Ticket


@dataclass(frozen=True)
class Deadlines:
    """Due times of one ticket; None where the policy makes no commitment."""

    respond_due_at: datetime | None
    arrive_due_at: datetime | None
    resolve_due_at: datetime | None


def compute_deadlines(
    policy: Policy, *, ticket_type: str, urgency: str, complaint_tier: int | None, start: datetime
) -> Deadlines:
    """Deadlines counted from `start` (creation, or reopening)."""
    spec = policy.deadline_for(ticket_type, urgency, complaint_tier)
    return Deadlines(
        respond_due_at=start + spec.respond if spec.respond else None,
        arrive_due_at=start + spec.arrive if spec.arrive else None,
        resolve_due_at=start + spec.resolve if spec.resolve else None,
    )


#: Statuses in which the response is still owed (nobody has taken the ticket).
_AWAITING_RESPONSE = frozenset({Status.NEW, Status.ASSIGNED, Status.REOPENED})
#: Statuses in which arrival is still owed.
_AWAITING_ARRIVAL = _AWAITING_RESPONSE | {Status.ACCEPTED}
#: Statuses in which the resolution is still owed.
_AWAITING_RESOLUTION = _AWAITING_ARRIVAL | {Status.ON_SITE}


def missed_deadlines(ticket: Ticket, now: datetime) -> list[str]:
    """Which of respond / arrive / resolve are overdue at `now` (empty for a finished ticket)."""
    status = Status(ticket.status)
    if status in FINAL:
        return []
    missed = []
    checks = (
        ("respond", ticket.respond_due_at, _AWAITING_RESPONSE),
        ("arrive", ticket.arrive_due_at, _AWAITING_ARRIVAL),
        ("resolve", ticket.resolve_due_at, _AWAITING_RESOLUTION),
    )
    for name, due, waiting in checks:
        if due is not None and status in waiting and now > due:
            missed.append(name)
    return missed
