"""Action calls exactly as Rasa 3 sends them to an action server (rasa/core/actions/action.py RemoteAction):
{next_action, sender_id, tracker: tracker.current_state(EventVerbosity.ALL), domain: domain.as_dict(), version}."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import yaml

#: The example domain a Rasa project would use; its `as_dict()` is what Rasa sends as `domain`.
DOMAIN_PATH = Path(__file__).parents[3] / "examples" / "rasa" / "domain.yml"
DOMAIN: dict[str, Any] = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
#: The Rasa version the calls claim (same major.minor as rasa-sdk, so no compatibility warning).
RASA_VERSION = "3.21.0"
_T0 = 1_795_000_000.0
_ids = itertools.count(1)


def slot_event(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": _T0 + 2, "name": name, "value": value}


def action_call(
    next_action: str,
    *,
    sender: str = "rasa-user-1",
    text: str = "",
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    candidates: dict[str, Any] | None = None,
    active_loop: str | None = None,
    domain: dict[str, Any] | None = DOMAIN,
) -> dict[str, Any]:
    """The body of POST /webhook. `candidates` are the slot values a form extracted from the latest message:
    Rasa appends them as `slot` events at the end of the tracker (and shows them in `slots`) before it
    calls the form's validation action."""
    candidates = candidates or {}
    all_slots: dict[str, Any] = {name: None for name in DOMAIN["slots"]}
    all_slots |= {"requested_slot": None, "session_started_metadata": None}
    all_slots |= (slots or {}) | candidates
    if active_loop and all_slots["requested_slot"] is None and candidates:
        all_slots["requested_slot"] = next(iter(candidates))
    message_id = f"m{next(_ids)}"
    parse_data = {
        "intent": {"name": intent, "confidence": 0.97},
        "entities": [],
        "text": text,
        "message_id": message_id,
        "metadata": {},
        "intent_ranking": [{"name": intent, "confidence": 0.97}],
    }
    events: list[dict[str, Any]] = [
        {"event": "action", "timestamp": _T0, "name": "action_session_start", "policy": None, "confidence": 1.0},
        {"event": "session_started", "timestamp": _T0},
        {"event": "action", "timestamp": _T0, "name": "action_listen", "policy": None, "confidence": None},
        {
            "event": "user",
            "timestamp": _T0 + 1,
            "text": text,
            "parse_data": parse_data,
            "input_channel": "rest",
            "message_id": message_id,
            "metadata": {},
        },
        {"event": "user_featurization", "timestamp": _T0 + 1, "use_text_for_featurization": False},
    ]
    if active_loop:
        events.append({"event": "active_loop", "timestamp": _T0 + 1, "name": active_loop})
    events += [slot_event(name, value) for name, value in candidates.items()]
    tracker = {
        "sender_id": sender,
        "slots": all_slots,
        "latest_message": parse_data,
        "latest_event_time": events[-1]["timestamp"],
        "followup_action": None,
        "paused": False,
        "stack": [],
        "events": events,
        "latest_input_channel": "rest",
        "active_loop": {"name": active_loop, "validate": True, "rejected": False, "trigger_message": {}}
        if active_loop
        else {},
        "latest_action": {"action_name": "action_listen"},
        "latest_action_name": "action_listen",
    }
    body: dict[str, Any] = {
        "next_action": next_action,
        "sender_id": sender,
        "tracker": tracker,
        "version": RASA_VERSION,
    }
    if domain is not None:
        body["domain"] = domain
    return body


def slot_sets(result: dict[str, Any]) -> dict[str, Any]:
    """The `slot` events of a webhook result, as {name: value}."""
    return {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}


def texts(result: dict[str, Any]) -> list[str]:
    """The text of every response."""
    return [r["text"] for r in result["responses"]]
