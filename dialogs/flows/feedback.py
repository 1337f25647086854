"""After the work: the resident's confirmation (确认完成 / 还没解决) and the callback questionnaire (§3, §5).

Both start from outside a chat turn (staff mark a ticket resolved; the scheduler's callback job), through
`dialogs.outreach`, which stores the state and returns the first message.

Confirmation states: REASON (what is still wrong, after 还没解决).
Questionnaire states: ATTITUDE → SPEED → RESULT (1-5 buttons) → WHY (only after a low score).
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.business import QUESTIONS, confirm_resolution, is_satisfied, record_questionnaire
from dialogs.context import Turn
from storage.errors import NotFound, TransitionNotAllowed
from storage.tickets.queries import get_ticket

CONFIRM_FLOW = "confirm"
CALLBACK_FLOW = "callback"


class Step(StrEnum):
    REASON = "reason"
    ATTITUDE = "attitude"
    SPEED = "speed"
    RESULT = "result"
    WHY = "why"


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


def ask_question(turn: Turn, step: Step) -> None:
    """One question with 1-5 buttons (5 = very satisfied)."""
    ticket_id = turn.state.slots["ticket_id"]
    turn.say(
        turn.w(f"callback.ask_{step.value}"),
        [(turn.w(f"callback.score_{n}"), f"callback:{ticket_id}:{step.value}:{n}") for n in (5, 4, 3)],
        [(turn.w(f"callback.score_{n}"), f"callback:{ticket_id}:{step.value}:{n}") for n in (2, 1)],
    )


async def reprompt_callback(turn: Turn) -> None:
    step = Step(turn.state.step)
    if step is Step.WHY:
        return turn.say(turn.w("callback.ask_why"), [(turn.w("buttons.skip"), "callback:skip_why")])
    ask_question(turn, step)


async def handle_callback(turn: Turn) -> None:
    """A score (button or a typed digit 1-5), or the reason for a low score."""
    step, slots = Step(turn.state.step), turn.state.slots
    if step is Step.WHY:
        comment = None if turn.incoming.payload == "callback:skip_why" else (turn.text or None)
        return await _finish_callback(turn, comment)
    score = _score(turn, step)
    if score is None:
        return await reprompt_callback(turn)
    slots.setdefault("scores", {})[step.value] = score
    remaining = [q for q in QUESTIONS if q not in slots["scores"]]
    if remaining:
        turn.state.goto(Step(remaining[0]))
        return ask_question(turn, Step(remaining[0]))
    if not is_satisfied(slots["scores"]):
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


async def _finish_callback(turn: Turn, comment: str | None) -> None:
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
    turn.say(turn.w(key, number=slots.get("number", "")))


async def _own_ticket(turn: Turn, ticket_id: int):  # type: ignore[no-untyped-def]
    try:
        ticket = await get_ticket(turn.session, ticket_id)
    except NotFound:
        return None
    return ticket if ticket.resident_id == turn.resident.id else None


async def reprompt_confirm(turn: Turn) -> None:
    """Ask again what is still wrong."""
    turn.say(turn.w("feedback.ask_reason"), [(turn.w("buttons.skip"), "confirm:skip_reason")])
