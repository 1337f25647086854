"""The resident's answer to 会晚到: keep the new time, or ask the technician to call and rebook."""

from __future__ import annotations

from dialogs.context import Turn
from dialogs.messages import Outgoing
from nlu.phone import mask_phone
from storage.errors import NotFound
from storage.outbox.service import enqueue
from storage.staff.service import staff_chats
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import Status
from storage.tickets.queries import get_ticket
from storage.tickets.service import add_note

#: Payload prefix of the two buttons of a late notice: `late:<ticket id>:ok|rebook`.
PREFIX = "late:"


async def on_button(turn: Turn, payload: str) -> None:
    """Record the answer on the ticket; a rebooking request goes to the assignee, who calls the resident."""
    _, ticket_id, answer = [*payload.split(":"), "", ""][:3]
    ticket = None
    if ticket_id.isdigit():
        try:
            ticket = await get_ticket(turn.session, int(ticket_id))
        except NotFound:
            ticket = None
    if ticket is None or ticket.resident_id != turn.resident.id or answer not in ("ok", "rebook"):
        turn.say(turn.w("router.stale_button"))
        return
    if ticket.status != Status.ACCEPTED:
        turn.say(turn.w("late.stale"))
        return
    actor = Actor.resident(turn.resident.id)
    if answer == "ok":
        await add_note(turn.session, ticket_id=ticket.id, actor=actor, text=turn.w("late.fine_note"), now=turn.now)
        turn.say(turn.w("late.fine_reply"))
        return
    await add_note(turn.session, ticket_id=ticket.id, actor=actor, text=turn.w("late.rebook_note"), now=turn.now)
    phone = ticket.contact_phone or turn.resident.phone or ""
    assignee = [ticket.assignee_staff_id] if ticket.assignee_staff_id else []
    text = turn.w("staff.rebook_request", number=ticket.number, phone=phone or mask_phone(""))
    for channel, recipient in await staff_chats(turn.session, assignee):  # the assignee may see the whole number
        await enqueue(
            turn.session,
            channel=channel,
            recipient=recipient,
            kind="rebook_request",
            payload=Outgoing(text=text).to_dict() | {"ticket_id": ticket.id},
            ticket_id=ticket.id,
            dedupe_key=f"rebook:{ticket.id}:v{ticket.version}:{channel}:{recipient}",
            now=turn.now,
        )
    turn.say(turn.w("late.rebook_reply"))
