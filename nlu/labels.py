"""The label sets of the NLU contract (../shared/spec/nlu.md), with their Chinese names."""

from __future__ import annotations

from typing import Final

TYPES: Final[tuple[str, ...]] = ("repair", "inquiry", "complaint", "other")
"""Request types: 维修 / 咨询 / 投诉 / 其他."""

URGENCIES: Final[tuple[str, ...]] = ("normal", "urgent", "critical")
"""Urgency levels, lowest first: 普通 / 紧急 / 特急."""

CATEGORIES: Final[tuple[str, ...]] = (
    "engineering",
    "cleaning_greening",
    "security_order",
    "service_attitude",
    "fees",
    "value_added",
    "other",
)
"""The department that owns a request."""

FINE_TYPES: Final[tuple[str, ...]] = ("repair", "inquiry", "complaint", *(f"other|{c}" for c in CATEGORIES))
"""The types with `other` split by department: an emergency, a booking, praise and a greeting are all `other` but
share no words, which one linear class cannot cover; the second type model reads these and is summed back."""

FINE_URGENCIES: Final[tuple[str, ...]] = tuple(f"{u}|{c}" for u in URGENCIES for c in CATEGORIES)
"""The urgencies split by department: a gas leak, a person trapped in a lift and a fire share few words, nor do a
dripping tap and a fee question, which one linear class covers badly; the second urgency model reads these and is
summed back."""

TIERS: Final[tuple[str, ...]] = ("1", "2", "3")
"""Complaint tiers: 一级 minor, 二级 general, 三级 major."""

TYPE_ZH: Final[dict[str, str]] = {"repair": "维修", "inquiry": "咨询", "complaint": "投诉", "other": "其他"}
URGENCY_ZH: Final[dict[str, str]] = {"normal": "普通", "urgent": "紧急", "critical": "特急"}
CATEGORY_ZH: Final[dict[str, str]] = {
    "engineering": "工程维修",
    "cleaning_greening": "清洁绿化",
    "security_order": "秩序维护",
    "service_attitude": "服务态度",
    "fees": "收费",
    "value_added": "增值服务",
    "other": "其他",
}
TIER_ZH: Final[dict[str, str]] = {"1": "一级", "2": "二级", "3": "三级"}


def fine_type(type_: str, category: str) -> str:
    """The fine type of a labelled message (see FINE_TYPES)."""
    return f"other|{category}" if type_ == "other" else type_


def fine_urgency(urgency: str, category: str) -> str:
    """The fine urgency of a labelled message (see FINE_URGENCIES)."""
    return f"{urgency}|{category}"


def coarse_label(fine: str) -> str:
    """The label a fine label belongs to (`other|value_added` → `other`, `critical|engineering` → `critical`)."""
    return fine.partition("|")[0]


def urgency_rank(urgency: str) -> int:
    """0 for normal, 1 for urgent, 2 for critical."""
    return URGENCIES.index(urgency)
