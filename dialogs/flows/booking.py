"""Value-added booking: the published price list, choose a service and a time slot, confirm, ticket (§6).

States: SERVICE → DAY → SLOT → ROOM → PHONE → SUMMARY.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from dialogs.business import RequestForm
from dialogs.context import Turn
from dialogs.flows import _contact

NAME = "booking"
CONFIRM = "booking:confirm"
_WEEKDAYS = "一二三四五六日"


class Step(StrEnum):
    SERVICE = "service"
    DAY = "day"
    SLOT = "slot"
    ROOM = _contact.ROOM_STEP
    PHONE = _contact.PHONE_STEP
    SUMMARY = "summary"


async def start(turn: Turn) -> None:
    """Show the prices; a service named in the message is chosen already."""
    turn.state.start(NAME, Step.SERVICE)
    text = turn.parsed.normalized or turn.text
    named = [item for item in turn.policy.prices if item.name in text or item.name[:2] in text]
    if len(named) == 1:
        turn.state.slots["service"] = named[0].code
    await _contact.prefill(turn, turn.state.slots)
    await advance(turn)


async def advance(turn: Turn) -> None:
    slots = turn.state.slots
    for step, slot in ((Step.SERVICE, "service"), (Step.DAY, "day"), (Step.SLOT, "slot")):
        if not slots.get(slot):
            turn.state.goto(step)
            return _prompt(turn, step)
    if await _contact.ask_missing(turn):
        return
    turn.state.goto(Step.SUMMARY)
    _prompt(turn, Step.SUMMARY)


def _days(turn: Turn) -> list[tuple[str, str]]:
    today = turn.now.astimezone(turn.policy.timezone).date()
    days = [today + timedelta(days=n) for n in range(1, turn.policy.booking.days_ahead + 1)]
    return [(f"{d.month}月{d.day}日 周{_WEEKDAYS[d.weekday()]}", d.isoformat()) for d in days]


def _prompt(turn: Turn, step: Step) -> None:
    policy = turn.policy
    if step is Step.SERVICE:
        prices = "\n".join(f"· {p.name}：{p.price}元/{p.unit}" for p in policy.prices)
        turn.say(
            turn.w("booking.price_list", prices=prices),
            *[[(p.name, f"booking:service:{p.code}")] for p in policy.prices],
        )
    elif step is Step.DAY:
        days = _days(turn)
        turn.say(
            turn.w("booking.ask_day"),
            *[[(label, f"booking:day:{value}") for label, value in days[i : i + 2]] for i in range(0, len(days), 2)],
        )
    elif step is Step.SLOT:
        turn.say(
            turn.w("booking.ask_slot"),
            [
                (f"{s.start:%H:%M}-{s.end:%H:%M}", f"booking:slot:{s.start:%H:%M}-{s.end:%H:%M}")
                for s in policy.booking.slots
            ],
        )
    elif step is Step.SUMMARY:
        turn.say(
            turn.w("booking.summary", summary=_describe(turn)),
            [(turn.w("buttons.confirm"), CONFIRM), (turn.w("buttons.cancel"), "nav:cancel")],
        )


async def reprompt(turn: Turn) -> None:
    if not await _contact.ask_again(turn):
        _prompt(turn, Step(turn.state.step))


async def handle(turn: Turn) -> None:
    step, slots = Step(turn.state.step), turn.state.slots
    answer = turn.incoming.payload or turn.text
    if step in (Step.SERVICE, Step.DAY, Step.SLOT):
        prefix = f"booking:{step.value}:"
        value = answer.removeprefix(prefix) if answer.startswith(prefix) else _typed_choice(turn, step, answer)
        if value is None:
            return _prompt(turn, step)
        slots[step.value] = value
    elif step in (Step.ROOM, Step.PHONE):
        if not await _contact.take_answer(turn):
            return
    elif step is Step.SUMMARY:
        if answer == CONFIRM or turn.text in ("确认", "对", "是的", "提交"):
            return await submit(turn)
        return _prompt(turn, step)
    await advance(turn)


def _typed_choice(turn: Turn, step: Step, text: str) -> str | None:
    """A choice typed instead of pressed: the service by name, the day by its label."""
    if step is Step.SERVICE:
        return next((p.code for p in turn.policy.prices if p.name in text), None)
    if step is Step.DAY:
        return next((value for label, value in _days(turn) if label.split()[0] in text), None)
    return None


def _describe(turn: Turn) -> str:
    slots = turn.state.slots
    item = turn.policy.price(slots["service"])
    return turn.w(
        "booking.summary_body",
        service=item.name,
        price=f"{item.price}元/{item.unit}",
        day=slots["day"],
        slot=slots["slot"],
        room=slots.get("room") or "-",
        phone=slots.get("phone") or "-",
    )


async def submit(turn: Turn) -> None:
    slots = turn.state.slots
    form = RequestForm(
        kind="other",
        category="value_added",
        urgency="normal",
        description=_describe(turn).replace("\n", "；"),
        room=slots.get("room"),
        phone=slots.get("phone"),
        name=turn.resident.name,
    )
    ticket = await _contact.open_ticket(turn, form)
    turn.state.finish()
    turn.say(turn.w("booking.done", number=ticket.number, day=slots["day"], slot=slots["slot"]))
