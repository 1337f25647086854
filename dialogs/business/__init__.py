"""Business actions shared by the built-in flows and the Rasa action server: one code path per action."""

from dialogs.business.faq import answer_question
from dialogs.business.feedback import QUESTIONS, confirm_resolution, is_satisfied, low_scored, record_questionnaire
from dialogs.business.notices import card_buttons, card_dedupe_key, notify_new_ticket, ticket_card
from dialogs.business.requests import (
    Labels,
    RequestForm,
    clock_time,
    commitment,
    complaint_labels,
    remember_contact,
    request_labels,
    span,
    submit_request,
)
from dialogs.business.rooms import RoomCheck, closest_room, known_contact, validate_phone, validate_room
from dialogs.business.status import CANCELLABLE, TicketSummary, cancel_request, find_own_ticket, open_requests

__all__ = [
    "CANCELLABLE",
    "QUESTIONS",
    "Labels",
    "RequestForm",
    "RoomCheck",
    "TicketSummary",
    "answer_question",
    "cancel_request",
    "card_buttons",
    "card_dedupe_key",
    "clock_time",
    "closest_room",
    "commitment",
    "complaint_labels",
    "confirm_resolution",
    "find_own_ticket",
    "is_satisfied",
    "known_contact",
    "low_scored",
    "notify_new_ticket",
    "open_requests",
    "record_questionnaire",
    "remember_contact",
    "request_labels",
    "span",
    "submit_request",
    "ticket_card",
    "validate_phone",
    "validate_room",
]
