"""Intake of a repair or other request: parse the first message, ask only what is missing, read back, create.

States (see flow.mmd):
    DESCRIBE  → what is wrong (only when the resident started from the menu)
    ROOM      → which room (skipped when the message or the profile gives it)
    PHONE     → a mobile number (skipped when known)
    PHOTOS    → photos of the problem, repairs only; several allowed, 跳过 / 完成
    SUMMARY   → read back: 确认 / 修改 / 取消
    SPLIT     → several problems in one message: 分开登记 (one ticket each, one after another) / 合并成一单
    EDIT      → which field to change, then back to SUMMARY
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.business import RequestForm, commitment, request_labels
from dialogs.business.requests import visit_time
from dialogs.context import Turn
from dialogs.flows import _contact
from nlu import parse, split_problems
from storage.vocabulary import TicketType

NAME = "intake"


class Step(StrEnum):
    SPLIT = "split"
    DESCRIBE = "describe"
    ROOM = _contact.ROOM_STEP
    PHONE = _contact.PHONE_STEP
    PHOTOS = "photos"
    SUMMARY = "summary"
    EDIT = "edit"


CONFIRM, EDIT, SKIP, DONE = "intake:confirm", "intake:edit", "intake:skip", "intake:done"
SEPARATE, TOGETHER = "intake:separate", "intake:together"
EDIT_FIELDS = ("room", "phone", "description", "urgency")


async def start(turn: Turn, *, kind: str | None = None, from_menu: bool = False) -> None:
    """Begin with the resident's first message (or, from the menu, by asking what is wrong)."""
    labels = request_labels(turn.parsed)
    slots: dict = {
        "kind": kind or labels.kind,
        "category": "engineering" if from_menu else labels.category,
        "urgency": "normal" if from_menu else labels.urgency,
        "description": "" if from_menu else turn.text,
        "photo_ids": [],
    }
    turn.state.start(NAME, Step.DESCRIBE)
    turn.state.slots = slots
    if from_menu:
        turn.say(turn.w("intake.ask_description"))
        return
    await _contact.prefill(turn, slots)
    problems = split_problems(turn.parsed.normalized)
    if len(problems) > 1:
        slots["problems"] = problems
        return _goto(turn, Step.SPLIT)
    await advance(turn)


async def advance(turn: Turn) -> None:
    """Go to the first step whose slot is still missing, and ask it."""
    slots = turn.state.slots
    if not slots.get("description"):
        return _goto(turn, Step.DESCRIBE)
    if await _contact.ask_missing(turn):
        return
    if slots["kind"] == TicketType.REPAIR and not slots.get("photos_asked"):
        return _goto(turn, Step.PHOTOS)
    _goto(turn, Step.SUMMARY)


def _goto(turn: Turn, step: Step) -> None:
    turn.state.goto(step)
    _prompt(turn, step)


def _prompt(turn: Turn, step: Step) -> None:
    slots = turn.state.slots
    if step is Step.SPLIT:
        listed = "\n".join(f"{n}. {problem}" for n, problem in enumerate(slots["problems"], 1))
        turn.say(
            turn.w("intake.several_problems", count=len(slots["problems"]), problems=listed),
            [(turn.w("buttons.separate"), SEPARATE), (turn.w("buttons.together"), TOGETHER)],
        )
    elif step is Step.DESCRIBE:
        turn.say(turn.w("intake.ask_description"))
    elif step is Step.PHOTOS:
        turn.say(turn.w("intake.ask_photos"), [(turn.w("buttons.skip"), SKIP)])
    elif step is Step.SUMMARY:
        turn.say(
            turn.w("intake.summary", summary=summary_text(turn, slots)),
            [
                (turn.w("buttons.confirm"), CONFIRM),
                (turn.w("buttons.edit"), EDIT),
                (turn.w("buttons.cancel"), "nav:cancel"),
            ],
        )
    elif step is Step.EDIT:
        turn.say(turn.w("intake.ask_edit"), [(turn.w(f"fields.{name}"), f"intake:edit:{name}") for name in EDIT_FIELDS])


async def reprompt(turn: Turn) -> None:
    """Ask the current question again (after 返回, a resumed draft or an answer we could not use)."""
    if not await _contact.ask_again(turn):
        _prompt(turn, Step(turn.state.step))


async def handle(turn: Turn) -> None:
    """The resident answered the current step."""
    step, slots = Step(turn.state.step), turn.state.slots
    answer = turn.incoming.payload or turn.text
    if step is Step.SPLIT:
        problems = slots.pop("problems")
        if answer == SEPARATE or turn.text in ("分开", "分开登记", "好的", "好"):
            _describe(turn, slots, problems[0])
            turn.state.queue = problems[1:]
        elif answer != TOGETHER and turn.text not in ("合并", "一起", "合并成一单"):
            slots["problems"] = problems
            return _prompt(turn, step)
    elif step is Step.DESCRIBE:
        if not turn.text:
            return _prompt(turn, step)
        slots["description"] = turn.text
        labels = request_labels(turn.parsed)
        slots["category"], slots["urgency"] = labels.category, labels.urgency
        await _contact.prefill(turn, slots)
    elif step in (Step.ROOM, Step.PHONE):
        if not await _contact.take_answer(turn):
            return
    elif step is Step.PHOTOS:
        if answer in (SKIP, DONE) or turn.text in ("跳过", "没有", "没有照片", "完成", "好了", "不用"):
            slots["photos_asked"] = True
        else:
            return turn.say(turn.w("intake.photos_hint"), [(turn.w("buttons.skip"), SKIP)])
    elif step is Step.SUMMARY:
        if answer == CONFIRM or turn.text in ("确认", "对", "是的", "没问题", "提交"):
            return await submit(turn)
        if answer == EDIT or turn.text in ("修改", "改一下"):
            return _goto(turn, Step.EDIT)
        return _prompt(turn, step)
    elif step is Step.EDIT:
        field = answer.removeprefix("intake:edit:")
        if field not in EDIT_FIELDS:
            return _prompt(turn, step)
        slots["editing"] = True
        if field == "urgency":
            turn.state.goto(Step.SUMMARY)
            slots["urgency"] = "urgent" if slots["urgency"] == "normal" else "normal"
            return _prompt(turn, Step.SUMMARY)
        slots[field] = None
        return await advance(turn)
    await advance(turn)


async def add_photo(turn: Turn, attachment_id: int) -> None:
    """A photo arrived during intake: keep it, and at the photo step offer 完成."""
    slots = turn.state.slots
    slots.setdefault("photo_ids", []).append(attachment_id)
    count = len(slots["photo_ids"])
    if turn.state.step == Step.PHOTOS:
        turn.say(turn.w("intake.photo_received", count=count), [(turn.w("buttons.done_photos"), DONE)])
    else:
        turn.say(turn.w("intake.photo_kept", count=count))
        await reprompt(turn)


def summary_text(turn: Turn, slots: dict) -> str:
    """The read-back of the request."""
    visit = visit_time(slots["description"], turn.local_now) if slots["description"] else None
    return turn.w(
        "intake.summary_body",
        visit=visit or turn.w("intake.visit_soon"),
        kind=turn.w(f"labels.type.{slots['kind']}"),
        urgency=turn.w(f"labels.urgency.{slots['urgency']}"),
        description=slots["description"],
        room=slots.get("room") or "-",
        phone=slots.get("phone") or "-",
        photos=len(slots.get("photo_ids") or []),
    )


async def submit(turn: Turn) -> None:
    """Create the ticket and state the commitment."""
    slots = turn.state.slots
    form = RequestForm(
        kind=slots["kind"],
        category=slots["category"],
        urgency=slots["urgency"],
        description=slots["description"],
        room=slots.get("room"),
        phone=slots.get("phone"),
        name=turn.resident.name,
        photo_ids=list(slots.get("photo_ids") or []),
        voice_ids=list(slots.get("voice_ids") or []),
    )
    ticket = await _contact.open_ticket(turn, form)
    turn.state.finish()
    turn.say(await commitment(turn.session, ticket, wording=turn.wording))
    if turn.state.queue:
        await _next_problem(turn, room=form.room, phone=form.phone)


def _describe(turn: Turn, slots: dict, problem: str) -> None:
    """One of several problems becomes this request: its own words and labels."""
    labels = request_labels(parse(problem, now=turn.local_now))
    slots.update(description=problem, kind=labels.kind, category=labels.category, urgency=labels.urgency)


async def _next_problem(turn: Turn, *, room: str | None, phone: str | None) -> None:
    """After one ticket of a several-problem message, register the next with the same room and phone."""
    problem = turn.state.queue.pop(0)
    turn.state.start(NAME, Step.DESCRIBE)
    turn.state.slots = {"room": room, "phone": phone, "photo_ids": []}
    _describe(turn, turn.state.slots, problem)
    turn.say(turn.w("intake.next_problem", problem=problem))
    await advance(turn)
