"""The ticket state machine: every status, every action, and who may take it, in one table.

new → assigned → accepted → on_site → resolved (awaiting the resident) → closed;
reopened after "not solved" or a dissatisfied callback; cancelled by the resident before work
starts or by staff with a reason; a supervisor override moves anywhere and is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.errors import PermissionDenied, ReasonRequired, TransitionNotAllowed
from storage.vocabulary import StaffRole


class Status(StrEnum):
    """Where a ticket stands."""

    NEW = "new"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    ON_SITE = "on_site"
    RESOLVED = "resolved"  # work done, waiting for the resident's confirmation
    CLOSED = "closed"
    REOPENED = "reopened"
    CANCELLED = "cancelled"


#: Statuses from which nothing moves except a supervisor override (closed) or nothing at all (cancelled).
FINAL = frozenset({Status.CLOSED, Status.CANCELLED})
#: Statuses in which someone still has to act.
OPEN = frozenset(Status) - FINAL


class Action(StrEnum):
    """What someone does to a ticket; each is one service function and one event."""

    CREATE = "create"
    ASSIGN = "assign"
    ACCEPT = "accept"
    ARRIVE = "arrive"
    RESOLVE = "resolve"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    CANCEL = "cancel"
    OVERRIDE = "override"
    MERGE = "merge"
    NOTE = "note"
    RETURN = "return"


class ActorKind(StrEnum):
    """Who acts: a resident (through a chat), a staff member, or the system (scheduler, auto-dispatch)."""

    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"


@dataclass(frozen=True)
class ActorContext:
    """What the rules need to know about the actor relative to this ticket."""

    kind: ActorKind
    role: StaffRole | None = None
    is_assignee: bool = False
    is_ticket_resident: bool = False
    same_department: bool = False


@dataclass(frozen=True)
class Rule:
    """One action: the statuses it starts from, where it leads, and who may take it."""

    sources: frozenset[Status]
    target: Status | None  # None: no status change (merge, note) or chosen by the actor (override)
    resident: bool = False  # the ticket's own resident may
    staff_roles: frozenset[StaffRole] = frozenset()  # these roles may
    system: bool = False
    assignee_only: frozenset[StaffRole] = frozenset()  # these roles only when they are the assignee
    department_only: frozenset[StaffRole] = frozenset()  # these roles only within the ticket's department
    staff_needs_reason: bool = False
    resident_sources: frozenset[Status] | None = None  # a resident may act only from these


_DESK = frozenset(
    {
        StaffRole.SERVICE_AGENT,
        StaffRole.SUPERVISOR,
        StaffRole.PROJECT_MANAGER,
        StaffRole.GENERAL_ADMIN,
        StaffRole.GENERAL_MANAGER,
    }
)
_FIELD = frozenset({StaffRole.TECHNICIAN, StaffRole.SECURITY, StaffRole.CLEANING})
_OVERRIDERS = frozenset({StaffRole.SUPERVISOR, StaffRole.PROJECT_MANAGER, StaffRole.GENERAL_MANAGER})
_ALL_STAFF = frozenset(StaffRole)
_S = Status

#: The whole transition table.
TRANSITIONS: dict[Action, Rule] = {
    Action.ASSIGN: Rule(
        sources=frozenset({_S.NEW, _S.ASSIGNED, _S.ACCEPTED, _S.REOPENED}),
        target=_S.ASSIGNED,
        staff_roles=_DESK,
        system=True,
    ),
    # Taking a ticket: the assignee accepts; or on-duty field staff of the department grab a new one
    # from the group chat (first one wins, the rest get TransitionNotAllowed).
    Action.ACCEPT: Rule(
        sources=frozenset({_S.NEW, _S.ASSIGNED, _S.REOPENED}),
        target=_S.ACCEPTED,
        staff_roles=_ALL_STAFF,
        assignee_only=_DESK,
        department_only=_FIELD,
    ),
    Action.ARRIVE: Rule(
        sources=frozenset({_S.ACCEPTED}),
        target=_S.ON_SITE,
        staff_roles=_FIELD | _DESK,
        assignee_only=_FIELD | _DESK,
    ),
    Action.RESOLVE: Rule(
        sources=frozenset({_S.ACCEPTED, _S.ON_SITE}),
        target=_S.RESOLVED,
        staff_roles=_ALL_STAFF,
        assignee_only=_FIELD | {StaffRole.SERVICE_AGENT},
    ),
    # 退回: the assignee gives the ticket back to the department before finishing it (wrong trade, no parts).
    Action.RETURN: Rule(
        sources=frozenset({_S.ASSIGNED, _S.ACCEPTED, _S.ON_SITE, _S.REOPENED}),
        target=_S.NEW,
        staff_roles=_ALL_STAFF,
        assignee_only=_ALL_STAFF,
    ),
    # Only the resident confirms; staff cannot close an unconfirmed ticket except by override (§3).
    Action.CONFIRM: Rule(sources=frozenset({_S.RESOLVED}), target=_S.CLOSED, resident=True),
    Action.REOPEN: Rule(
        sources=frozenset({_S.RESOLVED, _S.CLOSED}),
        target=_S.REOPENED,
        resident=True,
        staff_roles=_DESK,
        staff_needs_reason=True,
    ),
    # Residents may cancel before work starts; staff any time before it is resolved, with a reason.
    Action.CANCEL: Rule(
        sources=frozenset({_S.NEW, _S.ASSIGNED, _S.ACCEPTED, _S.ON_SITE, _S.REOPENED}),
        target=_S.CANCELLED,
        resident=True,
        resident_sources=frozenset({_S.NEW, _S.ASSIGNED}),
        staff_roles=_DESK,
        staff_needs_reason=True,
    ),
    Action.OVERRIDE: Rule(sources=frozenset(Status), target=None, staff_roles=_OVERRIDERS, staff_needs_reason=True),
    Action.MERGE: Rule(sources=OPEN, target=None, staff_roles=_DESK, staff_needs_reason=False),
    # Residents add to their own ticket (a room sent after an emergency report, more detail).
    Action.NOTE: Rule(sources=frozenset(Status), target=None, resident=True, staff_roles=_ALL_STAFF, system=True),
}


def check_transition(
    action: Action,
    status: Status | str,
    actor: ActorContext,
    *,
    reason: str | None = None,
    ticket_number: str | None = None,
) -> Status | None:
    """The status `action` leads to from `status` for this actor.

    Raises TransitionNotAllowed (wrong status), PermissionDenied (wrong actor) or ReasonRequired.
    """
    rule = TRANSITIONS[action]
    status = Status(status)
    if status not in rule.sources:
        raise TransitionNotAllowed(action.value, status.value, ticket_number)
    if actor.kind is ActorKind.RESIDENT:
        if not rule.resident:
            raise PermissionDenied(action.value, "residents cannot do this")
        if not actor.is_ticket_resident:
            raise PermissionDenied(action.value, "this is not the resident's own ticket")
        if rule.resident_sources is not None and status not in rule.resident_sources:
            raise PermissionDenied(action.value, f"work has started (ticket is {status.value}); please ask the desk")
    elif actor.kind is ActorKind.SYSTEM:
        if not rule.system:
            raise PermissionDenied(action.value, "the system cannot do this")
    else:
        role = actor.role
        if role is None or role not in rule.staff_roles:
            raise PermissionDenied(action.value, f"role {role} may not")
        if role in rule.assignee_only and not actor.is_assignee and not _may_grab(action, status, actor):
            raise PermissionDenied(action.value, "only the assignee may")
        if role in rule.department_only and not actor.same_department:
            raise PermissionDenied(action.value, "the ticket belongs to another department")
        if action is Action.ACCEPT and role in _FIELD and status is not Status.NEW and not actor.is_assignee:
            raise PermissionDenied(action.value, "the ticket is assigned to someone else")
        if rule.staff_needs_reason and not (reason and reason.strip()):
            raise ReasonRequired(action.value)
    return rule.target


def _may_grab(action: Action, status: Status, actor: ActorContext) -> bool:
    return action is Action.ACCEPT and status is Status.NEW and actor.role in _FIELD


def allowed_actions(status: Status | str) -> list[Action]:
    """Actions that can start from `status` (for buttons and help texts)."""
    status = Status(status)
    return [action for action, rule in TRANSITIONS.items() if status in rule.sources]
