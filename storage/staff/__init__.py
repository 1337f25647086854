"""Staff members, roles, duty and chat identities."""

from storage.staff.models import Staff, StaffIdentity
from storage.staff.service import (
    TRADES,
    add_staff,
    deactivate_staff,
    find_staff_by_identity,
    get_staff,
    link_staff_identity,
    list_staff,
    set_on_duty,
)

__all__ = [
    "TRADES",
    "Staff",
    "StaffIdentity",
    "add_staff",
    "deactivate_staff",
    "find_staff_by_identity",
    "get_staff",
    "link_staff_identity",
    "list_staff",
    "set_on_duty",
]
