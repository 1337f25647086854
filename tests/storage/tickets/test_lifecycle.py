"""The transition table on its own: statuses, roles, assignees, reasons."""

from __future__ import annotations

import pytest

from storage.errors import PermissionDenied, ReasonRequired, TransitionNotAllowed
from storage.tickets.lifecycle import (
    TRANSITIONS,
    Action,
    ActorContext,
    ActorKind,
    Status,
    allowed_actions,
    check_transition,
)
from storage.vocabulary import StaffRole

RESIDENT = ActorContext(kind=ActorKind.RESIDENT, is_ticket_resident=True)
STRANGER = ActorContext(kind=ActorKind.RESIDENT, is_ticket_resident=False)
SYSTEM = ActorContext(kind=ActorKind.SYSTEM)


def staff(role: StaffRole, *, assignee: bool = False, department: bool = True) -> ActorContext:
    return ActorContext(kind=ActorKind.STAFF, role=role, is_assignee=assignee, same_department=department)


def test_happy_path() -> None:
    tech = staff(StaffRole.TECHNICIAN, assignee=True)
    assert check_transition(Action.ASSIGN, Status.NEW, staff(StaffRole.SERVICE_AGENT)) is Status.ASSIGNED
    assert check_transition(Action.ACCEPT, Status.ASSIGNED, tech) is Status.ACCEPTED
    assert check_transition(Action.ARRIVE, Status.ACCEPTED, tech) is Status.ON_SITE
    assert check_transition(Action.RESOLVE, Status.ON_SITE, tech) is Status.RESOLVED
    assert check_transition(Action.CONFIRM, Status.RESOLVED, RESIDENT) is Status.CLOSED


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED, Status.RESOLVED, Status.ON_SITE])
def test_accepting_late_is_a_transition_error(status: Status) -> None:
    with pytest.raises(TransitionNotAllowed, match=f"cannot accept a ticket that is {status.value}"):
        check_transition(Action.ACCEPT, status, staff(StaffRole.TECHNICIAN, assignee=True))


def test_who_may_do_what() -> None:
    with pytest.raises(PermissionDenied):
        check_transition(Action.CONFIRM, Status.RESOLVED, staff(StaffRole.SUPERVISOR))
    with pytest.raises(PermissionDenied):
        check_transition(Action.CONFIRM, Status.RESOLVED, STRANGER)
    with pytest.raises(PermissionDenied):
        check_transition(Action.ARRIVE, Status.ACCEPTED, staff(StaffRole.TECHNICIAN, assignee=False))
    with pytest.raises(PermissionDenied):
        check_transition(Action.ACCEPT, Status.NEW, staff(StaffRole.TECHNICIAN, department=False))
    with pytest.raises(PermissionDenied):
        check_transition(Action.OVERRIDE, Status.RESOLVED, staff(StaffRole.SERVICE_AGENT), reason="x")
    with pytest.raises(PermissionDenied):
        check_transition(Action.CANCEL, Status.ACCEPTED, RESIDENT)
    with pytest.raises(PermissionDenied):
        check_transition(Action.CONFIRM, Status.RESOLVED, SYSTEM)
    assert check_transition(Action.ACCEPT, Status.NEW, staff(StaffRole.SECURITY)) is Status.ACCEPTED
    assert check_transition(Action.ASSIGN, Status.NEW, SYSTEM) is Status.ASSIGNED
    assert check_transition(Action.CANCEL, Status.ASSIGNED, RESIDENT) is Status.CANCELLED


def test_reasons_are_required_from_staff() -> None:
    for action, status in ((Action.CANCEL, Status.NEW), (Action.REOPEN, Status.CLOSED), (Action.OVERRIDE, Status.NEW)):
        with pytest.raises(ReasonRequired):
            check_transition(action, status, staff(StaffRole.SUPERVISOR))
    assert check_transition(Action.REOPEN, Status.RESOLVED, RESIDENT) is Status.REOPENED


def test_every_status_is_reachable_and_closed_needs_the_resident_or_an_override() -> None:
    targets = {rule.target for rule in TRANSITIONS.values() if rule.target}
    assert targets | {Status.NEW} == set(Status)
    closing = [action for action, rule in TRANSITIONS.items() if rule.target is Status.CLOSED]
    assert closing == [Action.CONFIRM] and not TRANSITIONS[Action.CONFIRM].staff_roles
    assert Action.ACCEPT in allowed_actions("new") and Action.CONFIRM not in allowed_actions("new")
