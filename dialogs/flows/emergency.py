"""Emergency (特急): numbers to call and "staff alerted" before any question; the ticket is created at once
with what is known; then the room is asked if it is missing (service-policy §2).

States: ROOM (only when no room is known) → done.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.business import RequestForm
from dialogs.context import Turn
from dialogs.flows import _contact
from storage.policy.schema import Policy
from storage.rooms.service import get_room
from storage.tickets.actor import Actor
from storage.tickets.service import amend_ticket

NAME = "emergency"


class Step(StrEnum):
    ROOM = "room"


def numbers_text(policy: Policy, text: str) -> str:
    """The emergency numbers this message calls for, e.g. 火警 119、急救 120."""
    return "、".join(f"{n.name} {n.number}" for n in policy.emergency_numbers_for(text))


async def start(turn: Turn) -> None:
    """Answer first, create the ticket at once, then ask for the room if it is not known."""
    parsed = turn.parsed
    turn.say(turn.w("emergency.first", numbers=numbers_text(turn.policy, parsed.normalized or turn.text)))
    slots: dict = {}
    await _contact.prefill(turn, slots)
    form = RequestForm(
        kind=parsed.type if parsed.type in ("repair", "other") else "other",
        category=parsed.category,
        urgency="critical",
        description=turn.text or turn.w("emergency.no_text"),
        room=slots.get("room"),
        phone=slots.get("phone"),
        name=turn.resident.name,
    )
    ticket = await _contact.open_ticket(turn, form)
    if slots.get("room"):
        turn.state.finish()
        turn.say(turn.w("emergency.created", number=ticket.number, room=slots["room"]))
        return
    turn.state.start(NAME, Step.ROOM, ticket_id=ticket.id, number=ticket.number)
    turn.say(turn.w("emergency.ask_room", number=ticket.number))


async def reprompt(turn: Turn) -> None:
    """Ask for the room again."""
    turn.say(turn.w("emergency.ask_room", number=turn.state.slots["number"]))


async def handle(turn: Turn) -> None:
    """The room of an emergency already reported: add it to the ticket so staff can find the place."""
    slots = turn.state.slots
    if not await _contact.take_room(turn, slots):
        return
    room = await get_room(turn.session, community_id=turn.community_id, code=slots["room"])
    await amend_ticket(
        turn.session,
        ticket_id=slots["ticket_id"],
        actor=Actor.resident(turn.resident.id),
        now=turn.now,
        room_code=room.code,
        text=turn.w("emergency.note_room", room=room.code),
    )
    turn.ticket_id = slots["ticket_id"]
    turn.say(turn.w("emergency.created", number=slots["number"], room=room.code))
    turn.state.finish()
