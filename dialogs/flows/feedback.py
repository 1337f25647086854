"""After the work: the resident's confirmation (确认完成 / 还没解决) and the callback questionnaire (§3, §5).

Both start from outside a chat turn (staff mark a ticket resolved; the scheduler's callback job), through
`dialogs.outreach`, which stores the state and returns the first message.

Confirmation states: REASON (what is still wrong, after 还没解决).
Questionnaire states: ATTITUDE → SPEED → RESULT (1-5 buttons) → WHY (only after a score at or below the
policy's reports.low_score) → SERVICE (which paid services the resident needs, when the policy's
callbacks.ask_service_needs is on; a need is recorded as 增值服务需求).
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.business import QUESTIONS, confirm_resolution, is_satisfied, record_questionnaire
from dialogs.business.feedback import add_service_need, asks_for_service, low_score
from dialogs.context import Turn
from dialogs.state import State
from storage.errors import NotFound, TransitionNotAllowed
from storage.tickets.queries import get_ticket

CONFIRM_FLOW = "confirm"
CALLBACK_FLOW = "callback"
#: Typed answers to the service question that mean "nothing needed".
NO_WORDS = ("不需要", "不用", "没有", "暂时不", "不要", "没了", "算了")


class Step(StrEnum):
    REASON = "reason"
    ATTITUDE = "attitude"
    SPEED = "speed"
    RESULT = "result"
    WHY = "why"
    SERVICE = "service"


# ---- confirmation -----------------------------------------------------------------------------


async def on_confirm_button(turn: Turn, payload: str) -> None:
    """confirm:<ticket_id>:yes closes the ticket; confirm:<ticket_id>:no asks what is still wrong."""
    _, ticket_id, answer = payload.split(":")
    ticket = await _own_ticket(turn, int(ticket_id))
    if ticket is None:
        return turn.say(turn.w("feedback.not_yours"))
    if answer == "yes":
        try:
            await confirm_resolution(
                turn.session,
                ticket_id=ticket.id,
                resident_id=turn.resident.id,
                solved=True,
                now=turn.now,
                wording=turn.wording,
            )
        except TransitionNotAllowed:
            return turn.say(turn.w("feedback.already", number=ticket.number))
        turn.ticket_id = ticket.id
        return turn.say(turn.w("feedback.confirmed", number=ticket.number))
    if turn.state.active:
        turn.state.put_aside(turn.now, "confirmation")
    turn.state.start(CONFIRM_FLOW, Step.REASON, ticket_id=ticket.id, number=ticket.number)
    turn.say(turn.w("feedback.ask_reason"), [(turn.w("buttons.skip"), "confirm:skip_reason")])


async def handle_confirm(turn: Turn) -> None:
    """The reason the work is not done; the ticket reopens with it."""
    slots = turn.state.slots
    reason = None if (turn.incoming.payload == "confirm:skip_reason") else (turn.text or None)
    turn.state.finish()
    try:
        await confirm_resolution(
            turn.session,
            ticket_id=slots["ticket_id"],
            resident_id=turn.resident.id,
            solved=False,
            now=turn.now,
            wording=turn.wording,
            reason=f"住户反馈未解决：{reason}" if reason else None,
        )
    except TransitionNotAllowed:
        return turn.say(turn.w("feedback.already", number=slots["number"]))
    turn.ticket_id = slots["ticket_id"]
    turn.say(turn.w("feedback.reopened", number=slots["number"]))


# ---- callback questionnaire -------------------------------------------------------------------


def only_optional_left(state: State) -> bool:
    """The questionnaire is answered and only its optional service question is open (it may be dropped)."""
    return state.flow == CALLBACK_FLOW and state.step == Step.SERVICE


def ask_question(turn: Turn, step: Step) -> None:
    """One question with 1-5 buttons (5 = very satisfied)."""
    ticket_id = turn.state.slots["ticket_id"]
    turn.say(
        turn.w(f"callback.ask_{step.value}"),
        [(turn.w(f"callback.score_{n}"), f"callback:{ticket_id}:{step.value}:{n}") for n in (5, 4, 3)],
        [(turn.w(f"callback.score_{n}"), f"callback:{ticket_id}:{step.value}:{n}") for n in (2, 1)],
    )


def ask_services(turn: Turn) -> None:
    """The last question: the published paid services as buttons, 其他服务 (then typed) and 暂不需要."""
    ticket_id = turn.state.slots["ticket_id"]
    prefix = f"callback:{ticket_id}:service:"
    if turn.state.slots.get("service_other"):
        return turn.say(turn.w("callback.ask_service_other"), [(turn.w("callback.no_service"), prefix + "none")])
    offers = [
        (turn.w("callback.service_offer", name=item.name, price=item.price, unit=item.unit), prefix + item.code)
        for item in turn.policy.prices
    ]
    turn.say(
        turn.w("callback.ask_service"),
        *[offers[i : i + 2] for i in range(0, len(offers), 2)],
        [(turn.w("callback.other_service"), prefix + "other"), (turn.w("callback.no_service"), prefix + "none")],
    )


async def reprompt_callback(turn: Turn) -> None:
    step = Step(turn.state.step)
    if step is Step.WHY:
        return turn.say(turn.w("callback.ask_why"), [(turn.w("buttons.skip"), "callback:skip_why")])
    if step is Step.SERVICE:
        return ask_services(turn)
    ask_question(turn, step)


async def handle_callback(turn: Turn) -> None:
    """A score (button or a typed digit 1-5), the reason for a low score, or the services wanted."""
    step, slots = Step(turn.state.step), turn.state.slots
    if step is Step.WHY:
        comment = None if turn.incoming.payload == "callback:skip_why" else (turn.text or None)
        return await _finish_callback(turn, comment)
    if step is Step.SERVICE:
        return await _service_answer(turn)
    score = _score(turn, step)
    if score is None:
        return await reprompt_callback(turn)
    slots.setdefault("scores", {})[step.value] = score
    remaining = [q for q in QUESTIONS if q not in slots["scores"]]
    if remaining:
        turn.state.goto(Step(remaining[0]))
        return ask_question(turn, Step(remaining[0]))
    if not is_satisfied(slots["scores"], low=low_score(turn.policy)):
        turn.state.goto(Step.WHY)
        return await reprompt_callback(turn)
    await _finish_callback(turn, None)


def _score(turn: Turn, step: Step) -> int | None:
    payload = turn.incoming.payload or ""
    if payload.startswith("callback:"):
        parts = payload.split(":")
        if len(parts) == 4 and parts[2] == step.value and parts[3].isdigit():
            return int(parts[3])
        return None
    digits = [c for c in turn.parsed.normalized if c.isdigit()]
    if len(digits) == 1 and 1 <= int(digits[0]) <= 5:
        return int(digits[0])
    return None


async def _service_answer(turn: Turn) -> None:
    """A service button, 其他服务 then the typed wish, 暂不需要, or typed words: a service wish is recorded, a
    "no" ends the callback, anything else ends it and is handled as a new message (a question, a repair)."""
    slots, payload = turn.state.slots, turn.incoming.payload or ""
    if payload.startswith("callback:"):
        choice = payload.rsplit(":", 1)[-1]
        names = {item.code: item.name for item in turn.policy.prices}
        if choice == "other":
            slots["service_other"] = True
            return ask_services(turn)
        if choice in names:
            return await _record_need(turn, names[choice])
        if choice == "none":
            turn.state.finish()
            return turn.say(turn.w("callback.no_service_thanks"))
        return ask_services(turn)
    text = turn.text.strip()
    if not text:
        return ask_services(turn)
    if slots.get("service_other") or asks_for_service(text, turn.policy):
        return await _record_need(turn, text)
    turn.state.finish()
    if any(word in text for word in NO_WORDS):
        return turn.say(turn.w("callback.no_service_thanks"))
    from dialogs.router import start_request  # the router imports the flows

    await start_request(turn)


async def _record_need(turn: Turn, need: str) -> None:
    slots = turn.state.slots
    turn.state.finish()
    await add_service_need(
        turn.session,
        answer_id=slots["answer_id"],
        resident_id=turn.resident.id,
        need=need,
        now=turn.now,
        wording=turn.wording,
    )
    turn.ticket_id = slots["ticket_id"]
    turn.say(turn.w("callback.service_noted", need=need), [(turn.w("menu.booking"), "menu:booking")])


async def _finish_callback(turn: Turn, comment: str | None) -> None:
    """Store the answers (a low score reopens the ticket), then ask the last question about paid services."""
    slots = turn.state.slots
    scores = slots["scores"]
    turn.state.finish()
    answer = await record_questionnaire(
        turn.session,
        ticket_id=slots["ticket_id"],
        resident_id=turn.resident.id,
        scores=scores,
        now=turn.now,
        channel=turn.incoming.channel,
        wording=turn.wording,
        comment=comment,
    )
    turn.ticket_id = slots["ticket_id"]
    key = "callback.thanks" if answer.satisfied else "callback.sorry_reopened"
    text = turn.w(key, number=slots.get("number", ""))
    need = (answer.answers or {}).get("service_need")
    if need:  # the comment already asked for a service
        return turn.say(
            f"{text}\n{turn.w('callback.service_noted', need=need)}", [(turn.w("menu.booking"), "menu:booking")]
        )
    turn.say(text)
    if turn.policy.callbacks.ask_service_needs and turn.policy.prices:
        turn.state.start(
            CALLBACK_FLOW,
            Step.SERVICE,
            ticket_id=slots["ticket_id"],
            number=slots.get("number", ""),
            answer_id=answer.id,
        )
        ask_services(turn)


async def _own_ticket(turn: Turn, ticket_id: int):  # type: ignore[no-untyped-def]
    try:
        ticket = await get_ticket(turn.session, ticket_id)
    except NotFound:
        return None
    return ticket if ticket.resident_id == turn.resident.id else None


async def reprompt_confirm(turn: Turn) -> None:
    """Ask again what is still wrong."""
    turn.say(turn.w("feedback.ask_reason"), [(turn.w("buttons.skip"), "confirm:skip_reason")])
