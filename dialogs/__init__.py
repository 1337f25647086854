"""Conversations with residents as stored state machines over channel-neutral messages.

Adapters call `run_turn` (or `handle_message` inside their own transaction) with an `Incoming` and deliver
the `Outgoing` replies that land in the outbox. Nothing here imports a channel library.
"""

from dialogs.messages import Button, Incoming, Kind, Outgoing, VoiceProblem, buttons
from dialogs.outreach import ask_to_confirm, resolution_request, start_questionnaire
from dialogs.router import MENU
from dialogs.staff_work import STAFF_PAYLOAD, StaffOutcome, StaffVerb, staff_action, staff_button, update_cards
from dialogs.turn import TurnResult, handle_message, run_turn
from dialogs.wording import Wording, default_wording, load_wording

__all__ = [
    "MENU",
    "STAFF_PAYLOAD",
    "Button",
    "Incoming",
    "Kind",
    "Outgoing",
    "StaffOutcome",
    "StaffVerb",
    "TurnResult",
    "VoiceProblem",
    "Wording",
    "ask_to_confirm",
    "buttons",
    "default_wording",
    "handle_message",
    "load_wording",
    "resolution_request",
    "run_turn",
    "staff_action",
    "staff_button",
    "start_questionnaire",
    "update_cards",
]
