"""Staff group chats per community, department and channel."""

from storage.groups.models import StaffGroup
from storage.groups.service import group_by_chat, group_for, groups_for_department, register_group

__all__ = ["StaffGroup", "group_by_chat", "group_for", "groups_for_department", "register_group"]
