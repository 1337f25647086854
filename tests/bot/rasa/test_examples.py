"""examples/rasa stays true: every action and slot it names exists in the server, and the other way round."""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml

import nlu
from bot.rasa import DEFAULT_PORT, ActionContext, build_actions
from bot.rasa.actions import (
    COMPLAINT_SLOTS,
    DANGER_SLOT,
    NLU_SLOTS,
    REPAIR_SLOTS,
    SURVEY_SLOTS,
    TICKET_NUMBER,
    ValidateComplaintForm,
    ValidateRepairForm,
)
from storage.clock import FrozenClock
from tests.bot.rasa._wire import DOMAIN, DOMAIN_PATH

EXAMPLES = DOMAIN_PATH.parent
SERVER_ACTIONS = {action.name() for action in build_actions(ActionContext(None, 0, FrozenClock()))}  # type: ignore[arg-type]


def test_the_domain_lists_exactly_the_servers_actions() -> None:
    assert set(DOMAIN["actions"]) == SERVER_ACTIONS


def test_every_slot_the_actions_read_or_set_is_in_the_domain() -> None:
    used = {*REPAIR_SLOTS, *COMPLAINT_SLOTS, *NLU_SLOTS, *SURVEY_SLOTS, TICKET_NUMBER, DANGER_SLOT}
    assert used <= set(DOMAIN["slots"])


def test_the_forms_ask_the_slots_the_validators_check() -> None:
    forms = DOMAIN["forms"]
    assert tuple(forms["repair_form"]["required_slots"]) == REPAIR_SLOTS
    assert tuple(forms["complaint_form"]["required_slots"]) == COMPLAINT_SLOTS
    for validator, form in ((ValidateRepairForm, "repair_form"), (ValidateComplaintForm, "complaint_form")):
        assert validator(ActionContext(None, 0, FrozenClock())).form_name() == form  # type: ignore[arg-type]
        for slot in forms[form]["required_slots"]:
            assert callable(getattr(validator, f"validate_{slot}", None)), (form, slot)
    assert set(forms["survey_form"]["required_slots"]) <= set(SURVEY_SLOTS)
    for form in forms.values():
        assert set(form["required_slots"]) <= set(DOMAIN["slots"])


def test_label_slots_take_exactly_the_nlu_labels() -> None:
    assert tuple(DOMAIN["slots"]["urgency"]["values"]) == nlu.URGENCIES
    assert tuple(DOMAIN["slots"]["category"]["values"]) == nlu.CATEGORIES


def test_every_slot_has_mappings_and_every_form_slot_is_asked() -> None:
    """Rasa 3.1+ refuses a slot without `mappings`; a form slot without `utter_ask_<slot>` is asked with nothing."""
    for name, slot in DOMAIN["slots"].items():
        assert slot.get("mappings"), name
    for form in DOMAIN["forms"].values():
        for slot in form["required_slots"]:
            assert f"utter_ask_{slot}" in DOMAIN["responses"], slot


def test_endpoints_point_at_the_webhook_on_the_default_port() -> None:
    endpoints = yaml.safe_load((EXAMPLES / "endpoints.yml").read_text(encoding="utf-8"))
    url = urlsplit(endpoints["action_endpoint"]["url"])
    assert (url.port, url.path) == (DEFAULT_PORT, "/webhook")


def test_the_rules_name_only_known_intents_actions_and_forms() -> None:
    rules = yaml.safe_load((EXAMPLES / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    steps = [step for rule in rules for step in rule["steps"] + rule.get("condition", [])]
    assert {s["action"] for s in steps if "action" in s} <= SERVER_ACTIONS | set(DOMAIN["forms"])
    assert {s["intent"] for s in steps if "intent" in s} <= set(DOMAIN["intents"])
    assert {s["active_loop"] for s in steps if s.get("active_loop")} <= set(DOMAIN["forms"])


def test_the_danger_question_reads_as_the_built_in_dialogs_does() -> None:
    """validate_repair_form adds `danger` to the form when the parser doubts; Rasa asks it with utter_ask_danger."""
    from dialogs.wording import default_wording

    w = default_wording()
    [ask] = DOMAIN["responses"][f"utter_ask_{DANGER_SLOT}"]
    assert ask["text"] == w("danger_check.ask")
    assert [b["title"] for b in ask["buttons"]] == [w("buttons.danger_yes"), w("buttons.danger_no")]
    assert callable(getattr(ValidateRepairForm, f"validate_{DANGER_SLOT}", None))
