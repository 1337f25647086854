"""Room and phone slots, shared by every flow that opens a ticket: ask only what is missing, check it, remember it."""

from __future__ import annotations

from dialogs.business import (
    RequestForm,
    known_contact,
    remember_contact,
    submit_request,
    validate_phone,
    validate_room,
)
from dialogs.context import Turn
from storage.residents.service import ProfileUpdate, rooms_of, update_profile
from storage.tickets.models import Ticket

#: Payload prefix of a bound-room choice button.
ROOM_CHOICE = "room:"
#: Payload of "yes, that is my room" under a suggestion.
ROOM_YES = "room_yes"
#: Payload of "no, I will type it again".
ROOM_NO = "room_no"


async def prefill(turn: Turn, slots: dict) -> None:
    """Fill room and phone from the message, else from the profile (a single bound room)."""
    room, phone = await known_contact(
        turn.session,
        community_id=turn.community_id,
        resident=turn.resident,
        parsed=turn.parsed,
        room=slots.get("room"),
        phone=slots.get("phone"),
    )
    if room:
        slots["room"] = room
    if not slots.get("phone"):
        slots["phone"] = phone


async def ask_room(turn: Turn) -> None:
    """Ask for the room; with several bound rooms offer them as buttons."""
    bound = await rooms_of(turn.session, turn.resident.id)
    if len(bound) > 1:
        turn.say(turn.w("contact.which_room"), [(room.code, ROOM_CHOICE + room.code) for room in bound[:6]])
    else:
        turn.say(turn.w("contact.ask_room"))


async def take_room(turn: Turn, slots: dict) -> bool:
    """Read the answer to `ask_room` into `slots["room"]`; on failure say why and return False.

    A room not in the registry gets a suggestion (您是说 3-2-502 吗？) kept in `slots["room_suggestion"]`.
    """
    answer = turn.incoming.payload or turn.text
    suggestion = slots.pop("room_suggestion", None)
    if answer == ROOM_YES and suggestion:
        slots["room"] = suggestion
    elif answer.startswith(ROOM_CHOICE):
        slots["room"] = answer[len(ROOM_CHOICE) :]
    elif answer == ROOM_NO:
        turn.say(turn.w("contact.ask_room_again"))
        return False
    else:
        near = slots.get("room") or next((r.code for r in await rooms_of(turn.session, turn.resident.id)), None)
        check = await validate_room(turn.session, community_id=turn.community_id, text=answer, near=near)
        if check.code is None:
            if check.suggestion:
                slots["room_suggestion"] = check.suggestion
                turn.say(
                    turn.w("contact.room_suggest", typed=check.read, room=check.suggestion),
                    [(turn.w("buttons.yes_room"), ROOM_YES), (turn.w("buttons.no_retype"), ROOM_NO)],
                )
            elif check.read:
                turn.say(turn.w("contact.room_unknown", typed=check.read))
            else:
                turn.say(turn.w("contact.room_unreadable"))
            return False
        slots["room"] = check.code
    await remember_contact(turn.session, resident_id=turn.resident.id, room=slots["room"], phone=None, now=turn.now)
    return True


def ask_phone(turn: Turn) -> None:
    """Ask for a mobile number."""
    turn.say(turn.w("contact.ask_phone"))


async def take_phone(turn: Turn, slots: dict) -> bool:
    """Read the answer to `ask_phone`; on failure say why and return False."""
    phone = validate_phone(turn.text)
    if phone is None:
        turn.say(turn.w("contact.phone_invalid"))
        return False
    slots["phone"] = phone
    await update_profile(turn.session, resident_id=turn.resident.id, update=ProfileUpdate(phone=phone), now=turn.now)
    return True


#: The step names every ticket-opening flow uses for these two slots.
ROOM_STEP, PHONE_STEP = "room", "phone"


async def ask_missing(turn: Turn) -> bool:
    """Go to the room or phone step if that slot is still empty and ask it; False when both are known."""
    slots = turn.state.slots
    if not slots.get("room"):
        turn.state.goto(ROOM_STEP)
        await ask_room(turn)
        return True
    if not slots.get("phone"):
        turn.state.goto(PHONE_STEP)
        ask_phone(turn)
        return True
    return False


async def ask_again(turn: Turn) -> bool:
    """Re-ask the room or phone question if that is the current step; False for any other step."""
    if turn.state.step == ROOM_STEP:
        await ask_room(turn)
    elif turn.state.step == PHONE_STEP:
        ask_phone(turn)
    else:
        return False
    return True


async def take_answer(turn: Turn) -> bool | None:
    """Read the answer at the room or phone step: True taken, False refused (already said why), None other step."""
    if turn.state.step == ROOM_STEP:
        return await take_room(turn, turn.state.slots)
    if turn.state.step == PHONE_STEP:
        return await take_phone(turn, turn.state.slots)
    return None


async def open_ticket(turn: Turn, form: RequestForm) -> Ticket:
    """Create the ticket for this resident through the one business action, and remember it on the turn."""
    ticket = await submit_request(
        turn.session,
        community_id=turn.community_id,
        resident_id=turn.resident.id,
        channel=turn.incoming.channel,
        form=form,
        wording=turn.wording,
        now=turn.now,
    )
    turn.ticket_id = ticket.id
    return ticket
