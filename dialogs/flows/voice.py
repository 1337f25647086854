"""Voice notes and the simplified flow for elderly residents (service-policy §1).

Every transcript is read back before anything is created: 您说的是：…，对吗？ 对 / 不对 / 叫人给我回电话.
In the simplified flow (profile elderly, 老人模式 / 语音报修, or a voice note as first contact) one short
question at a time with big buttons; room and phone come from the profile; photos are never asked for.
The recording is kept as an attachment of the ticket.

States:
    ASK    → say what is wrong (after 语音报修 / 老人模式, 有 under 还有别的事吗, or 不对)
    HEARD  → read-back: 对 (create) / 不对 (ASK again) / 叫人给我回电话 (callback ticket)
    ROOM, PHONE → only when the profile lacks them
    MORE   → 还有别的事吗？ 有 / 没有
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Final

from dialogs.business import RequestForm, commitment, complaint_labels, request_labels
from dialogs.context import Turn
from dialogs.flows import _contact, booking, complaint, inquiry, intake
from dialogs.messages import Kind, VoiceProblem
from storage.attachments.service import add_attachment, attach_to_ticket
from storage.errors import AttachmentRejected
from storage.residents.service import ProfileUpdate, update_profile
from storage.vocabulary import TicketType

NAME: Final = "voice"


class Step(StrEnum):
    ASK = "ask"
    HEARD = "heard"
    ROOM = _contact.ROOM_STEP
    PHONE = _contact.PHONE_STEP
    MORE = "more"


YES, NO, CALL = "voice:yes", "voice:no", "voice:call"
MORE_YES, MORE_NO = "voice:more", "voice:done"
YES_WORDS: Final = frozenset({"对", "对的", "是", "是的", "没错", "对对", "对了", "嗯对", "确认"})
NO_WORDS: Final = frozenset({"不对", "不是", "错了", "说错了", "不对不对"})
CALL_WORDS: Final = frozenset({"叫人给我回电话", "回电话", "打电话给我", "给我打电话", "叫人来"})
HAS_WORDS: Final = frozenset({"有", "还有", "有的"})
NONE_WORDS: Final = frozenset({"没有", "没了", "没有了", "不用了", "没事了"})


# --- entry points (called by the router) -----------------------------------------------------------------------


async def keep_recording(turn: Turn) -> int | None:
    """Store the voice note as the resident's attachment; its id, or None when it cannot be kept."""
    if turn.files is None or not turn.incoming.data:
        return None
    try:
        attachment = await add_attachment(
            turn.session,
            turn.files,
            data=turn.incoming.data,
            now=turn.now,
            expected_kind="voice",
            label="scene",
            resident_id=turn.resident.id,
        )
    except AttachmentRejected:
        return None
    return attachment.id


def simple_mode(turn: Turn) -> bool:
    """The simplified flow: an elderly profile, a conversation already in it, or a voice note as first contact."""
    state = turn.state
    if turn.resident.elderly or (state.flow == NAME and state.slots.get("simple")):
        return True
    return turn.incoming.kind is Kind.VOICE and state.last_seen is None


async def heard(turn: Turn, voice_id: int | None) -> None:
    """A transcript (or an elderly resident's typed request): read it back before anything is created."""
    state = turn.state
    simple = simple_mode(turn)
    voice_ids = list(state.slots.get("voice_ids") or []) if state.flow == NAME else []
    retries = int(state.slots.get("retries") or 0) if state.flow == NAME else 0
    if state.active and state.flow != NAME:
        state.put_aside(turn.now, "voice")
    if voice_id is not None:
        voice_ids.append(voice_id)
    state.start(NAME, Step.HEARD, heard=turn.text, voice_ids=voice_ids, simple=simple, retries=retries)
    _read_back(turn)


async def no_transcript(turn: Turn, voice_id: int | None, menu: list[list[tuple[str, str]]]) -> None:
    """A voice note we could not turn into words: say why; the simplified flow keeps it for a callback."""
    problem = turn.incoming.voice_problem or VoiceProblem.OFF
    text = turn.w(f"voice.problem_{problem.value}")
    if not simple_mode(turn):
        return turn.say(text, *menu)
    state = turn.state
    voice_ids = list(state.slots.get("voice_ids") or []) if state.flow == NAME else []
    if state.active and state.flow != NAME:
        state.put_aside(turn.now, "voice")
    state.start(NAME, Step.ASK, heard=state.slots.get("heard", ""), voice_ids=voice_ids, simple=True)
    if voice_id is not None:
        state.slots["voice_ids"].append(voice_id)
    _say(turn, text, [(turn.w("voice.button_call"), CALL)])


async def start_from_menu(turn: Turn, *, elderly: bool) -> None:
    """老人模式 (also remembered on the profile) or 语音报修: the simplified flow, asking what is wrong."""
    if elderly and not turn.resident.elderly:
        await update_profile(
            turn.session, resident_id=turn.resident.id, update=ProfileUpdate(elderly=True), now=turn.now
        )
        _say(turn, turn.w("voice.elderly_on"))
    turn.state.start(NAME, Step.ASK, heard="", voice_ids=[], simple=True, retries=0)
    _ask(turn)


def answers_a_question(turn: Turn) -> bool:
    """True when a transcript answers the question on screen (a room, a phone, 对 / 不对 / 有 / 没有), not a
    new request."""
    state = turn.state
    if state.flow is not None and state.step in (_contact.ROOM_STEP, _contact.PHONE_STEP):
        return True
    said = turn.text.strip("。.!！ ")
    if state.flow == NAME and state.step == Step.HEARD:
        return said in YES_WORDS | NO_WORDS | CALL_WORDS
    if state.flow == NAME and state.step == Step.MORE:
        return said in HAS_WORDS | NONE_WORDS | CALL_WORDS
    return state.flow == NAME and said in CALL_WORDS


async def attach_recording(turn: Turn, voice_id: int | None) -> None:
    """Keep the recording with the ticket the turn created or touched (an emergency, a room answer)."""
    if voice_id is not None and turn.ticket_id is not None:
        await attach_to_ticket(turn.session, attachment_ids=[voice_id], ticket_id=turn.ticket_id)


# --- the steps -------------------------------------------------------------------------------------------------


async def reprompt(turn: Turn) -> None:
    """Ask the current question again."""
    step = Step(turn.state.step)
    if step is Step.HEARD:
        return _read_back(turn)
    if step is Step.MORE:
        return _ask_more(turn)
    if step in (Step.ROOM, Step.PHONE):
        await _contact.ask_again(turn)
        return
    _ask(turn)


async def handle(turn: Turn) -> None:
    """The resident answered the current question."""
    step, slots = Step(turn.state.step), turn.state.slots
    answer = turn.incoming.payload or turn.text.strip("。.!！ ")
    if answer == CALL or answer in CALL_WORDS:
        return await _callback(turn)
    if step is Step.HEARD:
        if answer == YES or answer in YES_WORDS:
            return await _confirmed(turn)
        if answer == NO or answer in NO_WORDS:
            slots["retries"] = int(slots.get("retries") or 0) + 1
            turn.state.goto(Step.ASK)
            return _ask(turn, again=True)
    elif step is Step.MORE:
        if answer == MORE_NO or answer in NONE_WORDS:
            turn.state.finish()
            return _say(turn, turn.w("voice.bye"))
        if answer == MORE_YES or answer in HAS_WORDS:
            slots.update(heard="", voice_ids=[], retries=0)
            turn.state.goto(Step.ASK)
            return _ask(turn)
    elif step in (Step.ROOM, Step.PHONE):
        if not await _contact.take_answer(turn):
            return
        return await _callback(turn) if slots.get("after") == "call" else await _confirmed(turn)
    if turn.incoming.payload or not turn.text:
        return await reprompt(turn)
    slots["heard"] = turn.text  # typed (or said) again: read it back
    turn.state.goto(Step.HEARD)
    _read_back(turn)


async def _confirmed(turn: Turn) -> None:
    """对: the simplified flow creates the ticket; otherwise the usual flow takes the words over."""
    slots = turn.state.slots
    turn.incoming = replace(turn.incoming, text=slots["heard"], payload=None, kind=Kind.TEXT)
    turn._parsed = None
    if not slots.get("simple"):
        return await _regular(turn, list(slots.get("voice_ids") or []))
    await _contact.prefill(turn, slots)
    if await _contact.ask_missing(turn):
        return
    parsed = turn.parsed
    labels = complaint_labels(parsed) if parsed.type == TicketType.COMPLAINT else request_labels(parsed)
    form = RequestForm(
        kind=labels.kind,
        category=labels.category,
        urgency=labels.urgency,
        tier=labels.tier,
        description=slots["heard"],
        room=slots.get("room"),
        phone=slots.get("phone"),
        name=turn.resident.name,
        voice_ids=list(slots.get("voice_ids") or []),
    )
    ticket = await _contact.open_ticket(turn, form)
    _say(turn, await commitment(turn.session, ticket, wording=turn.wording))
    turn.state.goto(Step.MORE)
    _ask_more(turn)


async def _regular(turn: Turn, voice_ids: list[int]) -> None:
    """A resident not in the simplified flow: the confirmed words start the flow they call for."""
    turn.state.finish()
    parsed = turn.parsed
    if parsed.type == TicketType.COMPLAINT:
        await complaint.start(turn)
    elif parsed.category == "value_added":
        await booking.start(turn)
    elif parsed.type == TicketType.INQUIRY or inquiry.can_answer(turn):
        await inquiry.start(turn)
    else:
        await intake.start(turn, kind=request_labels(parsed).kind)
    if turn.state.flow in (intake.NAME, complaint.NAME):
        turn.state.slots["voice_ids"] = voice_ids


async def _callback(turn: Turn) -> None:
    """叫人给我回电话: a ticket asking staff to phone (or visit, per policy) with the recording attached."""
    slots = turn.state.slots
    slots["after"] = "call"
    await _contact.prefill(turn, slots)
    visit = turn.policy.conversation.callback_visit
    if not slots.get("phone") and not (visit and slots.get("room")):
        turn.state.goto(Step.PHONE)
        _contact.ask_phone(turn)
        return
    said = slots.get("heard") or turn.w("voice.callback_nothing_heard")
    form = RequestForm(
        kind=TicketType.OTHER.value,
        category="other",
        urgency=turn.policy.conversation.callback_urgency,
        description=turn.w("voice.callback_visit" if visit else "voice.callback_phone", heard=said),
        room=slots.get("room"),
        phone=slots.get("phone"),
        name=turn.resident.name,
        voice_ids=list(slots.get("voice_ids") or []),
    )
    ticket = await _contact.open_ticket(turn, form)
    turn.state.finish()
    _say(turn, turn.w("voice.callback_done_visit" if visit else "voice.callback_done", number=ticket.number))


# --- what the resident reads -----------------------------------------------------------------------------------


def _say(turn: Turn, text: str, *rows: list[tuple[str, str]]) -> None:
    turn.say(text, *rows, large=bool(turn.state.slots.get("simple", True)) or turn.resident.elderly)


def _read_back(turn: Turn) -> None:
    slots = turn.state.slots
    key = "voice.read_back" if slots.get("voice_ids") else "voice.read_back_typed"
    _say(
        turn,
        turn.w(key, heard=slots["heard"]),
        [(turn.w("voice.button_yes"), YES), (turn.w("voice.button_no"), NO)],
        [(turn.w("voice.button_call"), CALL)],
    )


def _ask(turn: Turn, *, again: bool = False) -> None:
    retries = int(turn.state.slots.get("retries") or 0)
    if again and retries >= turn.policy.conversation.voice_retries:
        key = "voice.ask_call"
    else:
        key = "voice.ask_again" if again else "voice.ask"
    _say(turn, turn.w(key), [(turn.w("voice.button_call"), CALL)])


def _ask_more(turn: Turn) -> None:
    _say(turn, turn.w("voice.more"), [(turn.w("voice.button_has"), MORE_YES), (turn.w("voice.button_none"), MORE_NO)])
