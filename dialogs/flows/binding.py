"""Binding: on first contact ask once for room and phone, check them, remember them; change them on request.

States: ROOM → PHONE → done. Either is skipped when already known, unless the resident asked to change it.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.context import Turn
from dialogs.flows import _contact
from storage.residents.service import rooms_of

NAME = "binding"


class Step(StrEnum):
    ROOM = "room"
    PHONE = "phone"


async def needs_binding(turn: Turn) -> bool:
    """True when the resident has neither a bound room nor a phone yet."""
    return not turn.resident.phone or not await rooms_of(turn.session, turn.resident.id)


async def start(turn: Turn, *, change: str | None = None) -> None:
    """Ask for what is missing (or, with `change` = "room" / "phone", for that one again)."""
    bound = await rooms_of(turn.session, turn.resident.id)
    turn.state.start(NAME, Step.ROOM, change=change)
    if change is None:
        turn.say(turn.w("binding.welcome"))
    if change == "room" or (change is None and not bound):
        turn.state.goto(Step.ROOM)
        return turn.say(turn.w("binding.ask_room"))
    if change == "phone" or (change is None and not turn.resident.phone):
        turn.state.goto(Step.PHONE)
        return _contact.ask_phone(turn)
    await _done(turn)


async def reprompt(turn: Turn) -> None:
    if turn.state.step == Step.ROOM:
        return turn.say(turn.w("binding.ask_room"))
    _contact.ask_phone(turn)


async def handle(turn: Turn) -> None:
    slots = turn.state.slots
    if turn.state.step == Step.ROOM:
        if not await _contact.take_room(turn, slots):
            return
        if slots.get("change") is None and not turn.resident.phone:
            turn.state.goto(Step.PHONE)
            return _contact.ask_phone(turn)
    elif not await _contact.take_phone(turn, slots):
        return
    await _done(turn)


async def _done(turn: Turn) -> None:
    rooms = "、".join(room.code for room in await rooms_of(turn.session, turn.resident.id)) or "-"
    turn.state.finish()
    turn.say(
        turn.w("binding.done", rooms=rooms, phone=turn.resident.phone or "-"),
        [(turn.w("menu.repair"), "menu:repair"), (turn.w("menu.complaint"), "menu:complaint")],
        [(turn.w("menu.inquiry"), "menu:inquiry"), (turn.w("menu.status"), "menu:status")],
    )
