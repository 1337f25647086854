"""有人受伤或有危险吗？ left unanswered: after the policy's wait (conversation.danger_answer_minutes) a ticket asks the
on-duty staff to phone the resident now, and the resident is told so.

The question is asked when the parser doubts a message is harmless (dialogs.flows.danger_check). A resident who sent
it and then went quiet may be busy calling 120, or may have seen nothing wrong; either way a person should check.
The job that runs this is `danger_unanswered` (bot/scheduler/jobs/danger_unanswered.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.requests import RequestForm, submit_request
from dialogs.business.rooms import known_contact
from dialogs.messages import Outgoing
from dialogs.state import State
from dialogs.wording import Wording
from nlu import parse
from storage.communities.service import policy_for
from storage.conversations.service import load_conversation, save_conversation
from storage.jobs.service import schedule_job
from storage.outbox.service import enqueue
from storage.residents.models import Resident
from storage.tickets.models import Ticket
from storage.vocabulary import TicketType

KIND: Final = "danger_unanswered"
"""The job kind, and the outbox kind of the message that tells the resident."""
FLOW: Final = "danger_check"
"""The conversation flow that holds the message while the question waits (dialogs.flows.danger_check.NAME)."""


async def watch_for_answer(
    session: AsyncSession, *, channel: str, external_id: str, token: str, now: datetime, wait: timedelta
) -> None:
    """Schedule the check that runs `wait` after the question (one per question: the key names its message)."""
    await schedule_job(
        session,
        kind=KIND,
        key=f"{KIND}:{channel}:{external_id}:{token}",
        run_at=now + wait,
        now=now,
        payload={"channel": channel, "external_id": external_id, "token": token},
    )


async def open_unanswered_danger_ticket(
    session: AsyncSession, *, channel: str, external_id: str, token: str, wording: Wording, now: datetime
) -> Ticket | None:
    """When the chat still waits on the question about message `token`: open a call-back ticket at the policy's
    urgency, note it in the stored state (a late answer then adds to it), and tell the resident. None otherwise."""
    conversation = await load_conversation(session, channel=channel, external_id=external_id)
    if conversation is None or conversation.resident_id is None:
        return None
    state = State.from_dict(conversation.state)
    slots = state.slots
    if state.flow != FLOW or slots.get("token") != token or slots.get("ticket_id"):
        return None  # answered, cancelled, or another question since: nothing to do
    resident = await session.get(Resident, conversation.resident_id)
    if resident is None:
        return None
    policy = await policy_for(session, conversation.community_id)
    held = slots.get("held_text") or ""
    parsed = parse(held)
    room, phone = await known_contact(session, community_id=conversation.community_id, resident=resident, parsed=parsed)
    form = RequestForm(
        kind=TicketType.OTHER.value,
        category=parsed.category,
        urgency=policy.conversation.danger_unanswered_urgency,
        description=wording("danger_check.unanswered_ticket", said=held),
        room=room,
        phone=phone,
        name=resident.name,
        photo_ids=list(slots.get("photo_ids") or []),
        voice_ids=[slots["voice_id"]] if slots.get("voice_id") is not None else [],
    )
    ticket = await submit_request(
        session,
        community_id=conversation.community_id,
        resident_id=conversation.resident_id,
        channel=channel,
        form=form,
        wording=wording,
        now=now,
    )
    slots["ticket_id"], slots["ticket_number"] = ticket.id, ticket.number
    await save_conversation(
        session,
        conversation,
        channel=channel,
        external_id=external_id,
        community_id=conversation.community_id,
        resident_id=conversation.resident_id,
        state=state.to_dict(),
        now=now,
    )
    message = Outgoing(text=wording("danger_check.unanswered_resident", number=ticket.number))
    await enqueue(
        session,
        channel=channel,
        recipient=external_id,
        kind=KIND,
        payload=message.to_dict(),
        ticket_id=ticket.id,
        dedupe_key=f"{KIND}:{channel}:{external_id}:{token}",
        now=now,
    )
    return ticket
