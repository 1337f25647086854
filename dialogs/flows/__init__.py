"""The conversation flows, one module each, registered by name.

Every flow module has `NAME`, a `Step` enum, `start(turn, ...)`, `handle(turn)` (the resident answered the
current step) and `reprompt(turn)` (ask the current step again). The router in `dialogs.router` decides
which flow a message belongs to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialogs.context import Turn
from dialogs.flows import binding, booking, complaint, danger_check, emergency, feedback, inquiry, intake, status, voice


@dataclass(frozen=True)
class FlowSteps:
    """How the router continues a stored flow."""

    handle: Callable[[Turn], Awaitable[None]]
    reprompt: Callable[[Turn], Awaitable[None]]


#: Flow name (as stored in the conversation state) → its step handlers.
FLOWS: dict[str, FlowSteps] = {
    binding.NAME: FlowSteps(binding.handle, binding.reprompt),
    intake.NAME: FlowSteps(intake.handle, intake.reprompt),
    complaint.NAME: FlowSteps(complaint.handle, complaint.reprompt),
    emergency.NAME: FlowSteps(emergency.handle, emergency.reprompt),
    danger_check.NAME: FlowSteps(danger_check.handle, danger_check.reprompt),
    inquiry.NAME: FlowSteps(inquiry.handle, inquiry.reprompt),
    booking.NAME: FlowSteps(booking.handle, booking.reprompt),
    status.NAME: FlowSteps(status.handle, status.reprompt),
    voice.NAME: FlowSteps(voice.handle, voice.reprompt),
    feedback.CONFIRM_FLOW: FlowSteps(feedback.handle_confirm, feedback.reprompt_confirm),
    feedback.CALLBACK_FLOW: FlowSteps(feedback.handle_callback, feedback.reprompt_callback),
}

#: Flows whose current step takes free text (a new request typed there is the answer, not an interruption).
FREE_TEXT_STEPS = {
    (intake.NAME, intake.Step.DESCRIBE),
    (complaint.NAME, complaint.Step.DESCRIBE),
    (complaint.NAME, complaint.Step.TARGET),
    (complaint.NAME, complaint.Step.WHEN),
    (complaint.NAME, complaint.Step.WHERE),
    (complaint.NAME, complaint.Step.DEMAND),
    (feedback.CONFIRM_FLOW, feedback.Step.REASON),
    (feedback.CALLBACK_FLOW, feedback.Step.WHY),
    (feedback.CALLBACK_FLOW, feedback.Step.SERVICE),  # anything not a service wish is started as a new message
    (voice.NAME, voice.Step.ASK),
    (voice.NAME, voice.Step.HEARD),
    (danger_check.NAME, danger_check.Step.ASK),
}

__all__ = ["FLOWS", "FREE_TEXT_STEPS", "FlowSteps"]
