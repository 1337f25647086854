"""Inquiry: answer from the policy's FAQ; when nothing fits, a person answers through an inquiry ticket.

Never 不知道 / 不清楚 (service-policy §1). States: FOLLOW_UP (解决了 / 转人工) after an answer.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.business import RequestForm, answer_question, commitment
from dialogs.context import Turn
from dialogs.flows import _contact

NAME = "inquiry"
SOLVED, HUMAN = "inquiry:solved", "inquiry:human"


class Step(StrEnum):
    FOLLOW_UP = "follow_up"


def can_answer(turn: Turn) -> bool:
    """True when the FAQ has an answer for the resident's words."""
    return answer_question(turn.policy, turn.parsed.normalized or turn.text) is not None


async def start(turn: Turn) -> None:
    """Answer from the FAQ, or hand the question to a person at once."""
    entry = answer_question(turn.policy, turn.parsed.normalized or turn.text)
    if entry is None:
        return await to_person(turn, turn.text)
    turn.state.start(NAME, Step.FOLLOW_UP, question=turn.text)
    turn.say(entry.answer, [(turn.w("buttons.solved"), SOLVED), (turn.w("buttons.human"), HUMAN)])


async def reprompt(turn: Turn) -> None:
    turn.say(turn.w("inquiry.follow_up"), [(turn.w("buttons.solved"), SOLVED), (turn.w("buttons.human"), HUMAN)])


async def handle(turn: Turn) -> None:
    answer = turn.incoming.payload or turn.text
    if answer == SOLVED or turn.text in ("好的", "谢谢", "知道了", "明白了", "解决了"):
        turn.state.finish()
        return turn.say(turn.w("inquiry.glad"))
    if answer == HUMAN or turn.text in ("人工", "转人工", "人工客服"):
        question = turn.state.slots.get("question") or turn.text
        return await to_person(turn, question)
    await reprompt(turn)


async def to_person(turn: Turn, question: str) -> None:
    """Open an inquiry ticket so a service agent answers within the policy's time."""
    form = RequestForm(
        kind="inquiry",
        category=turn.parsed.category if turn.parsed.category != "value_added" else "other",
        urgency="normal",
        description=question or turn.w("inquiry.no_text"),
        phone=turn.resident.phone,
        name=turn.resident.name,
    )
    ticket = await _contact.open_ticket(turn, form)
    turn.state.finish()
    turn.say(await commitment(turn.session, ticket, wording=turn.wording))
