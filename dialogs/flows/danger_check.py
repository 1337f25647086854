"""One question before a request the parser is not sure is harmless: 有人受伤或有危险吗？

The parser flags `danger_doubt` when its model gives 特急 some chance without making the message critical (a swing
whose chain is about to break with children on it, a dog biting a child, a relative who does not answer the phone).
Rather than guess either way, the bot asks once, with two big buttons:

    ASK → 有危险 (or 有 / 有人受伤 / a message that is itself critical): the emergency flow, with the first message
          → 没有危险 (or 没有 / 没事): the request goes on as the parser read it
          → anything else: asked once more, then the request goes on as read, the answer kept with it
          → no answer within the policy's conversation.danger_answer_minutes: a ticket asks staff to phone the
            resident (dialogs.business.danger); an answer after that adds to it, or a yes starts the emergency flow

The router owns the held message and continues it (`dialogs.router._danger_answer`), as it does for the other
questions that hold a message (a draft to resume, a new request in the middle of a form).
"""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Final

from dialogs.business.danger import watch_for_answer
from dialogs.context import Turn
from nlu import ParsedRequest, parse

NAME: Final = "danger_check"
YES, NO = "danger:yes", "danger:no"
YES_WORDS: Final = frozenset({"有", "有危险", "有人受伤", "是", "是的", "对", "危险", "很危险", "有的", "快来"})
NO_WORDS: Final = frozenset({"没有", "没有危险", "没", "没事", "没事的", "不危险", "没人受伤", "不是", "没有人受伤"})
_NO_PREFIXES: Final = ("没", "无", "不危险", "不是", "不用", "不会")
"""How a no begins (没有人受伤, 没什么危险, 不危险); 不知道 and 不清楚 do not."""
_DANGER_WORDS: Final = ("受伤", "危险", "流血", "砸到", "快来", "救")
"""Words of an answer that says yes without beginning with 有 (孩子被砸到了, 很危险); a no begins with 没 or 不."""
_TRIM: Final = "。.!！?？，, "
"""Punctuation and spaces around a short answer (有！ / 没有。)."""
ASKS: Final = 2
"""How many times the question is put before an unclear answer lets the request go on as read."""


class Step(StrEnum):
    ASK = "ask"


class Answer(Enum):
    DANGER = "danger"
    SAFE = "safe"
    UNCLEAR = "unclear"


async def ask(turn: Turn, *, voice_id: int | None = None) -> None:
    """Hold the message (and its recording), ask whether anyone is hurt or in danger, and have staff phone if the
    question goes unanswered (dialogs.business.danger)."""
    token = turn.incoming.message_id
    turn.state.start(NAME, Step.ASK, held_text=turn.text, voice_id=voice_id, asked=1, token=token)
    await watch_for_answer(
        turn.session,
        channel=turn.incoming.channel,
        external_id=turn.incoming.sender_id,
        token=token,
        now=turn.now,
        wait=turn.policy.conversation.danger_answer,
    )
    _say_question(turn, "danger_check.ask")


async def reprompt(turn: Turn) -> None:
    """Ask again (also after 返回)."""
    _say_question(turn, "danger_check.ask_again")


async def handle(turn: Turn) -> None:
    """Answers are read by the router, which holds the message to continue; a flow step only repeats the question."""
    await reprompt(turn)


def read_answer(turn: Turn) -> Answer:
    """What the resident answered this turn (see `answer_of`)."""
    return answer_of(turn.text, payload=turn.incoming.payload or "", parsed=turn.parsed)


def answer_of(text: str, *, payload: str = "", parsed: ParsedRequest | None = None) -> Answer:
    """An answer to the question: a button, a yes or no in words (有人受伤了 / 没有 / 没事), or a message that is
    itself an emergency (`parsed` is the NLU's reading of `text`, parsed here if not given). 不知道 and anything else
    is unclear. The Rasa action server reads its `danger` slot with the same function."""
    said = text.strip().strip(_TRIM)
    if payload == YES or said in YES_WORDS:
        return Answer.DANGER
    if payload == NO or said in NO_WORDS or said.startswith(_NO_PREFIXES):
        return Answer.SAFE
    if said.startswith("有") and not said.startswith("有没有"):  # 有人受伤了, 有的 孩子就在下面
        return Answer.DANGER
    if said and any(word in said for word in _DANGER_WORDS):
        return Answer.DANGER
    if said:
        parsed = parsed or parse(said)
        if parsed.urgency == "critical" and not parsed.withdrawn:
            return Answer.DANGER
    return Answer.UNCLEAR


def ask_once_more(turn: Turn) -> bool:
    """After an unclear answer: True (and the question asked again) if it has been asked fewer than `ASKS` times."""
    slots = turn.state.slots
    if int(slots.get("asked") or 1) >= ASKS:
        return False
    slots["asked"] = int(slots.get("asked") or 1) + 1
    _say_question(turn, "danger_check.ask_again")
    return True


def extra_words(turn: Turn) -> str:
    """What the answer adds to the held message (nothing for a button or a bare yes/no)."""
    said = turn.text.strip()
    if turn.incoming.payload or said.strip(_TRIM) in YES_WORDS | NO_WORDS:
        return ""
    return said


def _say_question(turn: Turn, key: str) -> None:
    voice = turn.state.slots.get("voice_id") is not None
    turn.say(
        turn.w(key),
        [(turn.w("buttons.danger_yes"), YES)],
        [(turn.w("buttons.danger_no"), NO)],
        large=voice,
    )
