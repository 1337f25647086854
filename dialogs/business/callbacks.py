"""The callback questionnaire sent by the scheduler after a ticket closes (§5): which kind of callback a
ticket gets, starting the questionnaire in the resident's chat, and the one reminder."""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.flows.feedback import CALLBACK_FLOW
from dialogs.messages import Outgoing
from dialogs.outreach import resident_chats, start_questionnaire
from dialogs.state import State
from dialogs.wording import Wording
from storage.conversations.service import load_conversation
from storage.outbox.service import enqueue
from storage.policy import Policy
from storage.surveys.models import SurveyAnswer
from storage.tickets.models import Ticket


def callback_kind(ticket: Ticket, policy: Policy) -> str:
    """The `[callbacks]` kind of a finished ticket (the policy's `[reports.callback_kind]` mapping)."""
    if policy.reports is None:
        return "other"
    return policy.reports.callback_kind(ticket.type, ticket.category)


def callback_due(ticket: Ticket, policy: Policy, now: datetime) -> datetime | None:
    """When the questionnaire of a closed ticket should go out (first callback slot after the kind's earliest
    day), or None when the policy's callback rate leaves this ticket out or its latest day passed before `now`
    (tickets closed long before the scheduler first saw them are not called back)."""
    if ticket.closed_at is None:
        return None
    kind = callback_kind(ticket, policy)
    rate = policy.callbacks.rate.get(kind, 0.0)
    if rate <= 0 or (rate < 1 and zlib.crc32(f"callback:{ticket.id}".encode()) % 10_000 >= rate * 10_000):
        return None
    earliest, latest = policy.callbacks.delay_days.get(kind, policy.callbacks.delay_days.get("other", (0, 7)))
    if now > ticket.closed_at + timedelta(days=max(latest, 1)):
        return None
    return policy.next_callback_slot(ticket.closed_at + timedelta(days=earliest))


async def callback_answered(session: AsyncSession, ticket: Ticket) -> bool:
    """True when the resident has answered a callback for this ticket since it last closed."""
    query = select(SurveyAnswer.id).where(SurveyAnswer.ticket_id == ticket.id, SurveyAnswer.kind == "callback")
    if ticket.closed_at is not None:
        query = query.where(SurveyAnswer.created_at >= ticket.closed_at)
    return (await session.scalar(query.limit(1))) is not None


async def send_questionnaire(
    session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime, reminder: bool = False
) -> bool | None:
    """Start the questionnaire in the resident's first chat and queue its first question.

    Returns True when queued, False when the resident is busy (in a form or another questionnaire: try
    later), None when the bot cannot reach the resident first (no chat it may write to).
    """
    if ticket.resident_id is None:
        return None
    chats = await resident_chats(session, ticket.resident_id)
    if not chats:
        return None
    chat = chats[0]
    first = await start_questionnaire(
        session, ticket, channel=chat.channel, external_id=chat.external_id, wording=wording, now=now
    )
    if first is None:
        return False
    if reminder:
        first = Outgoing(
            text=wording("scheduler.callback_reminder_intro", number=ticket.number) + "\n" + first.text,
            buttons=first.buttons,
        )
    await _queue(
        session, ticket, chat.channel, chat.external_id, first, "callback_reminder" if reminder else "callback", now
    )
    return True


async def nudge_questionnaire(session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime) -> bool:
    """The resident is still in this ticket's questionnaire: queue a short nudge; False when they are not."""
    if ticket.resident_id is None:
        return False
    for chat in await resident_chats(session, ticket.resident_id):
        conversation = await load_conversation(session, channel=chat.channel, external_id=chat.external_id)
        state = State.from_dict(conversation.state if conversation else None)
        if state.flow == CALLBACK_FLOW and state.slots.get("ticket_id") == ticket.id:
            text = Outgoing(text=wording("scheduler.callback_nudge", number=ticket.number))
            await _queue(session, ticket, chat.channel, chat.external_id, text, "callback_reminder", now)
            return True
    return False


async def _queue(
    session: AsyncSession, ticket: Ticket, channel: str, recipient: str, message: Outgoing, kind: str, now: datetime
) -> None:
    stamp = int(ticket.closed_at.timestamp()) if ticket.closed_at else 0
    await enqueue(
        session,
        channel=channel,
        recipient=recipient,
        kind=kind,
        payload=message.to_dict(),
        ticket_id=ticket.id,
        dedupe_key=f"{kind}:{ticket.id}:{stamp}:{channel}:{recipient}",
        now=now,
    )
