"""Per-community service policy as data: TOML over defaults, validated into typed objects."""

from storage.policy.loader import DEFAULT_POLICY_PATH, default_policy, load_policy, load_policy_file
from storage.policy.schema import (
    CallbackRules,
    CallbackWindow,
    ComplaintRules,
    ComplaintTier,
    DeadlineSpec,
    FaqAnswer,
    Policy,
    PriceItem,
    QualityTargets,
    ReportRules,
)

__all__ = [
    "DEFAULT_POLICY_PATH",
    "CallbackRules",
    "CallbackWindow",
    "ComplaintRules",
    "ComplaintTier",
    "DeadlineSpec",
    "FaqAnswer",
    "Policy",
    "PriceItem",
    "QualityTargets",
    "ReportRules",
    "default_policy",
    "load_policy",
    "load_policy_file",
]
