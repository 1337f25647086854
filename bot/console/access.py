"""Which tickets a staff role may see in the console, and whose eyes get a resident's full phone number.

Field staff (technicians, security, cleaning) see their department's open tickets and the tickets assigned
to them; desk roles (service agents, supervisors, project managers) their community's; anyone company-wide
(community NULL, e.g. the general manager) every community's.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, and_, or_, true
from sqlalchemy.sql import Select

from storage.staff.models import Staff
from storage.tickets.lifecycle import OPEN
from storage.tickets.models import Ticket
from storage.vocabulary import StaffRole

__all__ = [
    "ANSWER_ROLES",
    "FIELD_ROLES",
    "PHONE_ROLES",
    "may_answer",
    "may_see",
    "scoped",
    "sees_full_phone",
    "ticket_scope",
    "visible_communities",
]

#: Roles that work in the field and see only their department's open tickets and their own.
FIELD_ROLES: Final = frozenset({StaffRole.TECHNICIAN, StaffRole.SECURITY, StaffRole.CLEANING})
#: Roles that always read residents' full phone numbers (everyone else only on tickets assigned to them).
PHONE_ROLES: Final = frozenset({StaffRole.SUPERVISOR, StaffRole.PROJECT_MANAGER, StaffRole.GENERAL_MANAGER})
#: Desk roles that may reply to any resident whose ticket they see (答复住户); others only on their own tickets.
ANSWER_ROLES: Final = frozenset(
    {StaffRole.SERVICE_AGENT, StaffRole.SUPERVISOR, StaffRole.PROJECT_MANAGER, StaffRole.GENERAL_MANAGER}
)


def visible_communities(staff: Staff) -> frozenset[int] | None:
    """The community ids whose tickets `staff` may see; None means every community (company-wide staff)."""
    return None if staff.community_id is None else frozenset({staff.community_id})


def ticket_scope(staff: Staff) -> ColumnElement[bool]:
    """A WHERE clause on Ticket selecting exactly the tickets `staff` may see."""
    communities = visible_communities(staff)
    where = true() if communities is None else Ticket.community_id.in_(sorted(communities))
    if StaffRole(staff.role) in FIELD_ROLES:
        department_open = and_(Ticket.department == staff.department, Ticket.status.in_(sorted(OPEN)))
        where = and_(where, or_(department_open, Ticket.assignee_staff_id == staff.id))
    return where


def scoped(query: Select, staff: Staff) -> Select:
    """`query` (selecting from tickets) restricted to what `staff` may see."""
    return query.where(ticket_scope(staff))


def may_see(staff: Staff, ticket: Ticket) -> bool:
    """True when `staff` may open this ticket (same rule as `ticket_scope`, for one loaded row)."""
    communities = visible_communities(staff)
    if communities is not None and ticket.community_id not in communities:
        return False
    if StaffRole(staff.role) in FIELD_ROLES:
        return ticket.assignee_staff_id == staff.id or (ticket.department == staff.department and ticket.status in OPEN)
    return True


def may_answer(staff: Staff, ticket: Ticket) -> bool:
    """True when `staff` may reply to the ticket's resident: a desk role, or the ticket's assignee (whatever the
    ticket's status; whether a finished ticket may still be answered is the caller's rule)."""
    return may_see(staff, ticket) and (StaffRole(staff.role) in ANSWER_ROLES or ticket.assignee_staff_id == staff.id)


def sees_full_phone(staff: Staff, ticket: Ticket) -> bool:
    """Full number for the ticket's assignee and for supervisors and managers; masked for everyone else."""
    return ticket.assignee_staff_id == staff.id or StaffRole(staff.role) in PHONE_ROLES
