"""The [reports] section of the policy: defaults, overrides and refusals."""

from __future__ import annotations

import pytest

from storage.errors import PolicyError
from storage.policy import default_policy, load_policy


def test_defaults_map_tickets_to_callback_kinds_and_reasons_to_categories() -> None:
    rules = default_policy().reports
    assert rules is not None and rules.low_score == 2
    assert rules.feedback_categories == {
        "attitude": "服务态度",
        "speed": "响应速度",
        "result": "解决效果",
        "value_added": "增值服务需求",
    }
    assert rules.callback_kind("repair", "value_added") == "repair"
    assert rules.callback_kind("complaint", "fees") == "complaint"
    assert rules.callback_kind("other", "value_added") == "special_service"
    assert rules.callback_kind("inquiry", "fees") == "other"


def test_a_community_overrides_and_bad_values_are_refused() -> None:
    policy = load_policy('[reports]\nlow_score = 3\ntechnician_roles = ["technician", "cleaning"]\n')
    assert policy.reports.low_score == 3 and [r.value for r in policy.reports.technician_roles] == [
        "technician",
        "cleaning",
    ]
    with pytest.raises(PolicyError, match=r"reports\.low_score"):
        load_policy("[reports]\nlow_score = 5\n")
    with pytest.raises(PolicyError, match=r"reports\.technician_roles"):
        load_policy('[reports]\ntechnician_roles = ["plumber"]\n')
    with pytest.raises(PolicyError, match=r"reports\.feedback_categories\.price"):
        load_policy('[reports.feedback_categories]\nprice = "价格"\n')
    with pytest.raises(PolicyError, match=r"reports\.callback_kind\.by_type"):
        load_policy('[reports.callback_kind.by_type]\nrepairs = "repair"\n')
