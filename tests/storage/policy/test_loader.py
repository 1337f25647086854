"""Policy loading: the defaults carry service-policy.md's numbers; bad files name the key and the reason."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from storage.errors import PolicyError
from storage.policy import default_policy, load_policy


def test_defaults_carry_the_numbers_of_the_spec() -> None:
    policy = default_policy()
    urgent = policy.deadline_for("repair", "urgent")
    assert (urgent.arrive, urgent.plan, urgent.resolve) == (
        timedelta(minutes=30),
        timedelta(hours=1),
        timedelta(hours=2),
    )
    assert policy.deadline_for("inquiry", "normal").respond == timedelta(hours=24)
    tiers = policy.complaints.tiers
    assert [(t.owner_role, t.resolve) for t in (tiers[1], tiers[2], tiers[3])] == [
        ("service_agent", timedelta(hours=24)),
        ("supervisor", timedelta(hours=48)),
        ("project_manager", timedelta(days=7)),
    ]
    assert policy.complaints.handoff == timedelta(minutes=10)
    assert policy.complaints.cross_department == timedelta(hours=2)
    assert policy.callbacks.windows[0].start == time(10, 0) and policy.callbacks.windows[1].end == time(18, 0)
    assert policy.callbacks.delay_days["repair"] == (3, 7)
    assert policy.callbacks.delay_days["maintenance_works"] == (30, 60)
    assert policy.quality.satisfaction_target == 0.9 and policy.quality.rework_alert_rate == 0.05
    assert policy.price("housekeeping").price == Decimal("30")
    assert policy.price("ac_cleaning").price == Decimal("100")
    assert policy.department_for("cleaning_greening") == "environment"
    assert {"fees", "office_hours", "payment_methods", "renovation", "parking", "visitors", "pets"} <= set(policy.faq)


def test_a_partial_file_overrides_only_what_it_names() -> None:
    policy = load_policy(
        '[deadlines.urgent]\narrive_minutes = 20\n[faq.gym]\nquestion = "健身房几点开？"\n'
        'answer = "每天6:00—22:00开放。"\nkeywords = ["健身房"]\n'
    )
    assert policy.deadline_for("repair", "urgent").arrive == timedelta(minutes=20)
    assert policy.deadline_for("repair", "urgent").resolve == timedelta(hours=2)
    assert "gym" in policy.faq and "fees" in policy.faq


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("[deadlines.urgent]\narrive_minutes = -5", "deadlines.urgent.arrive_minutes", "positive"),
        ("[deadlines.urgent]\nariive_minutes = 5", "deadlines.urgent.ariive_minutes", "unknown key"),
        ('[complaints.tiers.2]\nowner_role = "boss"', "complaints.tiers.2.owner_role", "unknown value 'boss'"),
        ('[callbacks]\nwindows = ["18:00-10:00"]', "callbacks.windows[0]", "end after it starts"),
        ('[departments]\nfees = "finance"', "departments.fees", "unknown value"),
        ("[quality]\nsatisfaction_target = 90", "quality.satisfaction_target", "fraction"),
        ('timezone = "Mars/Olympus"', "timezone", "unknown time zone"),
        ('[[prices]]\ncode = "x"\nname = "x"\nprice = "abc"\nunit = "次"', "prices[0].price", "number"),
        ("[deadlines.critical]\nrespond_minutes = 2000", "deadlines", "more urgent"),
        ("colour = 1", "colour", "unknown key"),
        ("[deadlines", "(file)", "not valid TOML"),
    ],
)
def test_errors_name_the_key_and_the_reason(text: str, key: str, reason: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(text)
    assert caught.value.key == key
    assert reason in caught.value.reason


def test_callback_slots_respect_the_windows() -> None:
    policy = default_policy()
    noon_shanghai = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
    assert not policy.in_callback_window(noon_shanghai)
    assert policy.next_callback_slot(noon_shanghai) == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)  # 16:00 local
    evening = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)  # 19:00 local
    assert policy.next_callback_slot(evening) == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 next day
    inside = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)  # 10:30 local
    assert policy.in_callback_window(inside) and policy.next_callback_slot(inside) == inside
