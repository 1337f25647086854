"""Chinese names the console shows for statuses, event actions, roles, categories and urgencies."""

from __future__ import annotations

from typing import Final

from dialogs.wording import default_wording

__all__ = ["ACTION_LABELS", "STATUS_LABELS", "label", "role_label"]

#: Statuses as staff read them (the resident-facing wording says 待您确认 and the like).
STATUS_LABELS: Final = {
    "new": "待派单",
    "assigned": "已派单",
    "accepted": "已接单",
    "on_site": "已到场",
    "resolved": "待住户确认",
    "closed": "已完成",
    "reopened": "重新处理",
    "cancelled": "已撤销",
}
#: What each event of the history means.
ACTION_LABELS: Final = {
    "create": "登记",
    "assign": "派单",
    "accept": "接单",
    "arrive": "到场",
    "resolve": "完工",
    "confirm": "住户确认",
    "reopen": "重新打开",
    "cancel": "撤销",
    "override": "强制改状态",
    "merge": "合并",
    "note": "备注",
    "return": "退回",
}
#: Which deadline is which.
DEADLINE_LABELS: Final = {"respond": "响应", "arrive": "到场", "resolve": "办结"}


def label(kind: str, value: str | None) -> str:
    """The shared wording's label `labels.<kind>.<value>` (type, urgency, category, role), or the value itself."""
    if not value:
        return "-"
    if kind == "status":
        return STATUS_LABELS.get(value, value)
    key = f"labels.{kind}.{value}"
    words = default_wording()
    return words(key) if key in words else value


def role_label(role: str) -> str:
    """A staff role in Chinese (维修师傅, 客服主管...)."""
    return label("role", role)
