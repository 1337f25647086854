"""Complaint: empathy first, then whom, when, where, what happened and what the resident wants; read back;
create and route to the tier owner; say who handles it and by when (service-policy §1, §4).

States: TARGET → WHEN → WHERE → DEMAND → ROOM → PHONE → SUMMARY (→ EDIT); each is skipped when the
first message already answered it. What happened is the first message itself (or DESCRIBE from the menu).
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.business import RequestForm, commitment, complaint_labels
from dialogs.business.requests import dated_when, when_label
from dialogs.context import Turn
from dialogs.flows import _contact

NAME = "complaint"


class Step(StrEnum):
    DESCRIBE = "describe"
    TARGET = "target"
    WHEN = "when"
    WHERE = "where"
    DEMAND = "demand"
    ROOM = _contact.ROOM_STEP
    PHONE = _contact.PHONE_STEP
    SUMMARY = "summary"
    EDIT = "edit"


CONFIRM, EDIT, SKIP = "complaint:confirm", "complaint:edit", "complaint:skip"
#: Demand buttons: payload value → wording key.
DEMANDS = ("道歉", "赔偿", "退费", "整改", "尽快处理")
EDIT_FIELDS = ("target", "when", "where", "description", "demand", "room", "phone")
#: Free-text steps: whatever the resident writes is the answer.
_TEXT_SLOTS = {Step.DESCRIBE: "description", Step.TARGET: "target", Step.WHEN: "when", Step.WHERE: "where"}


async def start(turn: Turn, *, from_menu: bool = False) -> None:
    """Acknowledge the resident's feelings, then collect what is missing."""
    slots: dict = {"photo_ids": [], "category": "other", "tier": 1, "urgency": "normal"}
    if not from_menu:
        _absorb(turn, slots)
    turn.state.start(NAME, Step.DESCRIBE)
    turn.state.slots = slots
    turn.say(turn.w("complaint.empathy"))
    if not from_menu:
        await _contact.prefill(turn, slots)
    await advance(turn)


def _absorb(turn: Turn, slots: dict) -> None:
    """Take what happened from the resident's words, and whatever else they already said in them."""
    parsed = turn.parsed
    labels = complaint_labels(parsed)
    slots["description"] = turn.text
    slots["category"], slots["tier"], slots["urgency"] = labels.category, labels.tier, labels.urgency
    for slot, value in (
        ("target", parsed.complaint_target),
        ("when", when_label(parsed.times[0]) if parsed.times else None),
        ("where", "、".join(p.name for p in parsed.places) or None),
        ("demand", "、".join(parsed.demands) or None),
    ):
        if slots.get(slot) is None and value:
            slots[slot] = value


async def advance(turn: Turn) -> None:
    """Ask the first missing item."""
    slots = turn.state.slots
    for step, slot in (
        (Step.DESCRIBE, "description"),
        (Step.TARGET, "target"),
        (Step.WHEN, "when"),
        (Step.WHERE, "where"),
        (Step.DEMAND, "demand"),
    ):
        if slots.get(slot) is None:
            turn.state.goto(step)
            return _prompt(turn, step)
    if await _contact.ask_missing(turn):
        return
    turn.state.goto(Step.SUMMARY)
    _prompt(turn, Step.SUMMARY)


def _prompt(turn: Turn, step: Step) -> None:
    skip = [(turn.w("buttons.skip"), SKIP)]
    if step is Step.DESCRIBE:
        turn.say(turn.w("complaint.ask_description"))
    elif step is Step.TARGET:
        turn.say(turn.w("complaint.ask_target"), skip)
    elif step is Step.WHEN:
        turn.say(turn.w("complaint.ask_when"), skip)
    elif step is Step.WHERE:
        turn.say(turn.w("complaint.ask_where"), skip)
    elif step is Step.DEMAND:
        turn.say(
            turn.w("complaint.ask_demand"),
            [(d, f"complaint:demand:{d}") for d in DEMANDS[:3]],
            [(d, f"complaint:demand:{d}") for d in DEMANDS[3:]] + skip,
        )
    elif step is Step.SUMMARY:
        turn.say(
            turn.w("complaint.summary", summary=summary_text(turn, turn.state.slots)),
            [
                (turn.w("buttons.confirm"), CONFIRM),
                (turn.w("buttons.edit"), EDIT),
                (turn.w("buttons.cancel"), "nav:cancel"),
            ],
        )
    elif step is Step.EDIT:
        turn.say(
            turn.w("complaint.ask_edit"),
            *[
                [(turn.w(f"fields.{name}"), f"complaint:edit:{name}") for name in EDIT_FIELDS[i : i + 4]]
                for i in range(0, len(EDIT_FIELDS), 4)
            ],
        )


async def reprompt(turn: Turn) -> None:
    """Ask the current question again."""
    if not await _contact.ask_again(turn):
        _prompt(turn, Step(turn.state.step))


async def handle(turn: Turn) -> None:
    """The resident answered the current step."""
    step, slots = Step(turn.state.step), turn.state.slots
    answer = turn.incoming.payload or turn.text
    if step is Step.DESCRIBE and turn.text and not turn.incoming.payload:
        _absorb(turn, slots)
    elif step in _TEXT_SLOTS:
        if answer == SKIP or turn.text in ("跳过", "不记得", "忘了"):
            slots[_TEXT_SLOTS[step]] = ""
        elif step is Step.WHEN and turn.text:  # 昨晚十点多: the words, with the date and hours they mean
            slots["when"] = dated_when(turn.text, turn.local_now)
        elif turn.text:
            slots[_TEXT_SLOTS[step]] = turn.text
        else:
            return _prompt(turn, step)
    elif step is Step.DEMAND:
        if answer == SKIP:
            slots["demand"] = ""
        elif answer.startswith("complaint:demand:"):
            slots["demand"] = answer.removeprefix("complaint:demand:")
        elif turn.text:
            slots["demand"] = "、".join(turn.parsed.demands) or turn.text
        else:
            return _prompt(turn, step)
    elif step in (Step.ROOM, Step.PHONE):
        if not await _contact.take_answer(turn):
            return
    elif step is Step.SUMMARY:
        if answer == CONFIRM or turn.text in ("确认", "对", "是的", "没问题", "提交"):
            return await submit(turn)
        if answer == EDIT or turn.text in ("修改", "改一下"):
            turn.state.goto(Step.EDIT)
            return _prompt(turn, Step.EDIT)
        return _prompt(turn, step)
    elif step is Step.EDIT:
        field = answer.removeprefix("complaint:edit:")
        if field not in EDIT_FIELDS:
            return _prompt(turn, step)
        slots[field] = None
    await advance(turn)


def summary_text(turn: Turn, slots: dict) -> str:
    """The read-back of the complaint (002 §(二)2: confirm the record with the resident)."""
    none = turn.w("complaint.not_given")
    return turn.w(
        "complaint.summary_body",
        target=slots.get("target") or none,
        when=slots.get("when") or none,
        where=slots.get("where") or none,
        description=slots.get("description") or none,
        demand=slots.get("demand") or none,
        room=slots.get("room") or "-",
        phone=slots.get("phone") or "-",
    )


async def submit(turn: Turn) -> None:
    """Create the complaint; it goes to the tier owner; tell the resident who and by when."""
    slots = turn.state.slots
    form = RequestForm(
        kind="complaint",
        category=slots["category"],
        urgency=slots.get("urgency", "normal"),
        tier=slots["tier"],
        description=slots["description"],
        room=slots.get("room"),
        phone=slots.get("phone"),
        name=turn.resident.name,
        target=slots.get("target") or None,
        when=slots.get("when") or None,
        where=slots.get("where") or None,
        demand=slots.get("demand") or None,
        photo_ids=list(slots.get("photo_ids") or []),
        voice_ids=list(slots.get("voice_ids") or []),
    )
    ticket = await _contact.open_ticket(turn, form)
    turn.state.finish()
    turn.say(await commitment(turn.session, ticket, wording=turn.wording))
