"""The scheduler's policy keys: [escalation], callback weekdays/reminder/busy retry, the spot-check time."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from storage.errors import PolicyError
from storage.policy import default_policy, load_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_defaults() -> None:
    policy = default_policy()
    assert policy.escalation is not None
    assert [r.value for r in policy.escalation.ladder] == ["supervisor", "project_manager", "general_manager"]
    assert policy.escalation.remind_before["urgent"] == timedelta(minutes=10)  # type: ignore[index]
    assert policy.escalation.critical_repeat == timedelta(minutes=5)
    assert policy.escalation.departments_named("保洁没扫，保安也不管") == {"environment", "security"}
    assert policy.callbacks.weekdays == frozenset(range(1, 8)) and policy.callbacks.reminder_after == timedelta(
        hours=24
    )
    assert policy.quality.spot_check_time == time(8, 30)


def test_weekdays_move_the_next_slot_past_the_weekend() -> None:
    policy = load_policy("[callbacks]\nweekdays = [1, 2, 3, 4, 5]\n")
    saturday = datetime(2026, 11, 28, 10, 30, tzinfo=SHANGHAI)
    assert not policy.in_callback_window(saturday)
    assert policy.next_callback_slot(saturday) == datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    assert default_policy().in_callback_window(saturday)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[escalation]\nladder = ["boss"]', "escalation.ladder"),
        ("[escalation.step_minutes]\nurgent = 0", "escalation.step_minutes.urgent"),
        ("[escalation]\ncritical_repeat = 5", "escalation.critical_repeat"),
        ("[callbacks]\nweekdays = [0, 8]", "callbacks.weekdays"),
        ('[quality]\nspot_check_time = "25:00"', "quality.spot_check_time"),
    ],
)
def test_bad_values_name_the_key(text: str, key: str) -> None:
    with pytest.raises(PolicyError) as error:
        load_policy(text)
    assert error.value.key == key or key in str(error.value)
