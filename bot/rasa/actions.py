"""The Rasa custom actions: form slot checks, submit, my tickets, the survey; each a thin call to dialogs.business."""

from __future__ import annotations

from typing import Any, Final

from rasa_sdk import ActionExecutionRejection, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import nlu
from bot.rasa._base import CHANNEL, ActionContext, Call, DeskAction, DeskFormValidation
from dialogs.business import (
    QUESTIONS,
    RequestForm,
    clock_time,
    commitment,
    complaint_labels,
    find_own_ticket,
    open_requests,
    record_questionnaire,
    request_labels,
    submit_request,
    validate_phone,
    validate_room,
)
from dialogs.flows import danger_check, emergency
from storage.communities.service import policy_for
from storage.errors import NotFound
from storage.residents.service import rooms_of

#: Slots of the repair form, in the order Rasa asks them.
REPAIR_SLOTS: Final = ("description", "room", "phone")
#: Slots of the complaint form, in the order the built-in complaint flow asks them.
COMPLAINT_SLOTS: Final = (
    "description",
    "complaint_target",
    "complaint_when",
    "complaint_where",
    "complaint_demand",
    "room",
    "phone",
)
#: Asked after the description only when `nlu.parse` flags `danger_doubt` (有人受伤或有危险吗？): "yes" or "no".
DANGER_SLOT: Final = "danger"
#: Slots a Rasa NLU may fill from the first message; when empty (or not one of our labels) `nlu.parse` decides.
NLU_SLOTS: Final = ("urgency", "category")
#: The survey's slots: the three 1-5 scores, then an optional comment.
SURVEY_SLOTS: Final = (*QUESTIONS, "survey_comment")
#: Where the submit actions put the new ticket's number, and where the survey reads which ticket it rates.
TICKET_NUMBER: Final = "ticket_number"


def _text(value: Any) -> str | None:
    """A slot value as stripped text; None for empty or missing (a list takes its first item)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _score(value: Any) -> int | None:
    """A survey score 1-5 from a float, int or text slot; None otherwise."""
    try:
        number = float(_text(value) or "")
    except ValueError:
        return None
    return int(number) if number.is_integer() and 1 <= number <= 5 else None


def _label(tracker: Tracker, slot: str, allowed: tuple[str, ...]) -> str | None:
    """An NLU-set slot, only when it is one of our labels (nlu.URGENCIES, nlu.CATEGORIES)."""
    value = _text(tracker.get_slot(slot))
    return value if value in allowed else None


def _reset(*slots: str) -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in slots]


class _ContactValidation(DeskFormValidation):
    """Room and phone checks shared by both forms (dialogs.business.validate_room / validate_phone),
    prefilled from the resident's profile like the built-in flows."""

    async def extract_room(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A single bound room fills the slot, so the form does not ask it."""
        if tracker.get_slot("room") is not None:
            return {}
        bound = await rooms_of(self.call.session, self.call.resident.id)
        return {"room": bound[0].code} if len(bound) == 1 else {}

    async def extract_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The phone on the profile fills the slot."""
        if tracker.get_slot("phone") is not None or not self.call.resident.phone:
            return {}
        return {"phone": self.call.resident.phone}

    async def validate_room(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The registered room code; otherwise None and why (with 您是说 3-2-502 吗？ and a button to accept it)."""
        call, w = self.call, self.call.wording
        text = _text(value)
        bound = await rooms_of(call.session, call.resident.id)
        check = await validate_room(
            call.session, community_id=call.community_id, text=text or "", near=bound[0].code if bound else None
        )
        if check.code is not None:
            return {"room": check.code}
        if check.suggestion:
            dispatcher.utter_message(
                text=w("contact.room_suggest", typed=check.read, room=check.suggestion),
                buttons=[{"title": w("buttons.yes_room"), "payload": check.suggestion}],
            )
        elif check.read:
            dispatcher.utter_message(text=w("contact.room_unknown", typed=check.read))
        else:
            dispatcher.utter_message(text=w("contact.room_unreadable"))
        return {"room": None}

    def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The mobile number in canonical form; otherwise None and 请再发一次11位手机号."""
        phone = validate_phone(_text(value) or "")
        if phone is None:
            dispatcher.utter_message(text=self.call.wording("contact.phone_invalid"))
        return {"phone": phone}

    def validate_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Free text, kept as written (blank counts as not given)."""
        return {"description": _text(value)}


class ValidateRepairForm(_ContactValidation):
    """`validate_repair_form`: room against the registry, phone as a mobile number; and, when the parser doubts the
    description is harmless, one question before them (有人受伤或有危险吗？), as the built-in dialog asks it."""

    def name(self) -> str:
        return "validate_repair_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The domain's slots, with `danger` after the description when `nlu.parse` flags `danger_doubt`."""
        slots = list(domain_slots)
        description = _text(tracker.get_slot("description"))
        if description and "description" in slots and DANGER_SLOT not in slots:
            parsed = nlu.parse(description)
            if parsed.danger_doubt and not parsed.withdrawn:
                slots.insert(slots.index("description") + 1, DANGER_SLOT)
        return slots

    async def extract_danger(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The answer to the danger question is the resident's whole message (a slot the form adds itself)."""
        if tracker.get_slot("requested_slot") != DANGER_SLOT:
            return {}
        return {DANGER_SLOT: _text(tracker.latest_message.get("text"))}

    async def validate_danger(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """有 (or a critical answer) → "yes", with the emergency numbers at once; 没有 → "no"; else asked again."""
        answer = danger_check.answer_of(_text(value) or "")
        if answer is danger_check.Answer.DANGER:
            call = self.call
            policy = await policy_for(call.session, call.community_id)
            description = _text(tracker.get_slot("description")) or ""
            numbers = emergency.numbers_text(policy, description)
            dispatcher.utter_message(text=call.wording("emergency.first", numbers=numbers))
            return {DANGER_SLOT: "yes"}
        if answer is danger_check.Answer.SAFE:
            return {DANGER_SLOT: "no"}
        return {DANGER_SLOT: None}


class ValidateComplaintForm(_ContactValidation):
    """`validate_complaint_form`: room and phone checked; target, time, place and demand pass through as written."""

    def name(self) -> str:
        return "validate_complaint_form"

    def validate_complaint_target(self, value: Any, *_: Any) -> dict[str, Any]:
        return {"complaint_target": _text(value)}

    def validate_complaint_when(self, value: Any, *_: Any) -> dict[str, Any]:
        return {"complaint_when": _text(value)}

    def validate_complaint_where(self, value: Any, *_: Any) -> dict[str, Any]:
        return {"complaint_where": _text(value)}

    def validate_complaint_demand(self, value: Any, *_: Any) -> dict[str, Any]:
        return {"complaint_demand": _text(value)}


class _Submit(DeskAction):
    """Open the ticket with `submit_request`, say `commitment(...)`, set `ticket_number`, empty the form."""

    form_slots: tuple[str, ...] = ()

    def request_form(self, call: Call, tracker: Tracker, description: str) -> RequestForm:
        raise NotImplementedError

    async def perform(
        self, call: Call, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        description = _text(tracker.get_slot("description"))
        if description is None:
            raise ActionExecutionRejection(self.name(), f"{self.name()}: the form has no description yet")
        form = self.request_form(call, tracker, description)
        ticket = await submit_request(
            call.session,
            community_id=call.community_id,
            resident_id=call.resident.id,
            channel=CHANNEL,
            form=form,
            wording=call.wording,
            now=call.now,
        )
        dispatcher.utter_message(text=await commitment(call.session, ticket, wording=call.wording))
        return [SlotSet(TICKET_NUMBER, ticket.number), *_reset(*self.form_slots, *NLU_SLOTS, DANGER_SLOT)]


class SubmitRepair(_Submit):
    """`action_submit_repair`: a repair (or other request) from the repair form, as the intake flow creates it."""

    form_slots = REPAIR_SLOTS

    def name(self) -> str:
        return "action_submit_repair"

    def request_form(self, call: Call, tracker: Tracker, description: str) -> RequestForm:
        labels = request_labels(nlu.parse(description))
        danger = _text(tracker.get_slot(DANGER_SLOT)) == "yes"  # the resident said someone is hurt or in danger
        return RequestForm(
            kind=labels.kind,
            category=_label(tracker, "category", nlu.CATEGORIES) or labels.category,
            urgency="critical" if danger else _label(tracker, "urgency", nlu.URGENCIES) or labels.urgency,
            description=description + call.wording("danger_check.confirmed_note") if danger else description,
            room=_text(tracker.get_slot("room")),
            phone=_text(tracker.get_slot("phone")),
            name=call.resident.name,
        )


class SubmitComplaint(_Submit):
    """`action_submit_complaint`: a complaint, tiered by `nlu.parse` as the complaint flow does."""

    form_slots = COMPLAINT_SLOTS

    def name(self) -> str:
        return "action_submit_complaint"

    def request_form(self, call: Call, tracker: Tracker, description: str) -> RequestForm:
        labels = complaint_labels(nlu.parse(description))
        urgency = _label(tracker, "urgency", nlu.URGENCIES)
        return RequestForm(
            kind=labels.kind,
            category=_label(tracker, "category", nlu.CATEGORIES) or labels.category,
            urgency=labels.urgency if urgency in (None, "critical") else urgency,  # a complaint is never 特急
            tier=labels.tier,
            description=description,
            room=_text(tracker.get_slot("room")),
            phone=_text(tracker.get_slot("phone")),
            name=call.resident.name,
            target=_text(tracker.get_slot("complaint_target")),
            when=_text(tracker.get_slot("complaint_when")),
            where=_text(tracker.get_slot("complaint_where")),
            demand=_text(tracker.get_slot("complaint_demand")),
        )


class TicketStatus(DeskAction):
    """`action_ticket_status`: the sender's open tickets with status and next deadline (我的工单)."""

    def name(self) -> str:
        return "action_ticket_status"

    async def perform(
        self, call: Call, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        w = call.wording
        items = await open_requests(call.session, community_id=call.community_id, resident_id=call.resident.id)
        if not items:
            dispatcher.utter_message(text=w("status.none"))
            return []
        policy = await policy_for(call.session, call.community_id)
        lines = []
        for item in items[:10]:
            due = clock_time(policy, item.next_due, call.now) if item.next_due else ""
            lines.append(
                w(
                    "status.line",
                    number=item.number,
                    status=w(f"labels.status.{item.status}"),
                    description=item.description[:30],
                    due=w("status.due", by=due) if due else "",
                )
            )
        dispatcher.utter_message(text=w("status.list", count=len(items), lines="\n".join(lines)))
        return []


class RecordSurvey(DeskAction):
    """`action_record_survey`: attitude / speed / result (1-5) for `ticket_number` → `record_questionnaire`;
    a low score reopens the ticket."""

    def name(self) -> str:
        return "action_record_survey"

    async def perform(
        self, call: Call, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        w = call.wording
        scores = {question: _score(tracker.get_slot(question)) for question in QUESTIONS}
        number = _text(tracker.get_slot(TICKET_NUMBER))
        if number is None or None in scores.values():
            dispatcher.utter_message(text=w("rasa.survey_incomplete"))
            return []
        try:
            ticket = await find_own_ticket(
                call.session, community_id=call.community_id, resident_id=call.resident.id, number=number
            )
        except NotFound:
            dispatcher.utter_message(text=w("status.not_found", number=number))
            return _reset(*SURVEY_SLOTS)
        answer = await record_questionnaire(
            call.session,
            ticket_id=ticket.id,
            resident_id=call.resident.id,
            scores={question: score for question, score in scores.items() if score is not None},
            now=call.now,
            channel=CHANNEL,
            wording=w,
            comment=_text(tracker.get_slot("survey_comment")),
        )
        dispatcher.utter_message(text=w("callback.thanks" if answer.satisfied else "callback.sorry_reopened"))
        return _reset(*SURVEY_SLOTS)


#: Every action the server registers, in the order `GET /actions` lists them.
ACTION_CLASSES: Final = (
    ValidateRepairForm,
    ValidateComplaintForm,
    SubmitRepair,
    SubmitComplaint,
    TicketStatus,
    RecordSurvey,
)


def build_actions(context: ActionContext) -> list[DeskAction | DeskFormValidation]:
    """One instance of every action, sharing `context`."""
    return [cls(context) for cls in ACTION_CLASSES]
