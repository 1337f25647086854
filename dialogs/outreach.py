"""Conversations the bot starts: ask the resident to confirm a resolved ticket, and the callback questionnaire.

Staff actions and the scheduler call these; they store the conversation state and return the message to
queue, so the resident's answer continues the right flow on any worker.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.flows import feedback
from dialogs.messages import Outgoing, buttons
from dialogs.state import State
from dialogs.wording import Wording
from storage.conversations.service import load_conversation, save_conversation
from storage.outbox.service import enqueue
from storage.residents.models import ResidentIdentity
from storage.tickets.models import Ticket

#: Channels the bot cannot message first: a Rasa assistant only answers its own action calls.
PULL_ONLY_CHANNELS = frozenset({"rasa"})


async def resident_chats(session: AsyncSession, resident_id: int) -> list[ResidentIdentity]:
    """Every chat identity through which the bot can reach the resident first."""
    query = select(ResidentIdentity).where(ResidentIdentity.resident_id == resident_id).order_by(ResidentIdentity.id)
    return [chat for chat in await session.scalars(query) if chat.channel not in PULL_ONLY_CHANNELS]


def resolution_request(ticket: Ticket, *, wording: Wording) -> Outgoing:
    """Staff marked the work done: 确认完成 / 还没解决 (the buttons carry the ticket id)."""
    return Outgoing(
        text=wording("feedback.please_confirm", number=ticket.number),
        buttons=buttons(
            [
                (wording("buttons.confirm_done"), f"confirm:{ticket.id}:yes"),
                (wording("buttons.not_solved"), f"confirm:{ticket.id}:no"),
            ]
        ),
    )


async def tell_resident(
    session: AsyncSession, ticket: Ticket, message: Outgoing, *, kind: str, key: str, now: datetime
) -> int:
    """Queue `message` about `ticket` to every chat of its resident, once per `key`; returns how many chats.

    The dedupe key of each row is `<key>:<channel>:<chat id>`, so a repeated call queues nothing new.
    """
    if ticket.resident_id is None:
        return 0
    chats = await resident_chats(session, ticket.resident_id)
    payload = message.to_dict() | {"ticket_id": ticket.id}
    for chat in chats:
        await enqueue(
            session,
            channel=chat.channel,
            recipient=chat.external_id,
            kind=kind,
            payload=payload,
            ticket_id=ticket.id,
            dedupe_key=f"{key}:{chat.channel}:{chat.external_id}",
            now=now,
        )
    return len(chats)


async def ask_to_confirm(session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime) -> int:
    """Queue the confirmation request to every chat of the ticket's resident; returns how many."""
    message = resolution_request(ticket, wording=wording)
    key = f"confirm:{ticket.id}:{ticket.reopen_count}"
    return await tell_resident(session, ticket, message, kind="confirm_request", key=key, now=now)


async def start_questionnaire(
    session: AsyncSession, ticket: Ticket, *, channel: str, external_id: str, wording: Wording, now: datetime
) -> Outgoing | None:
    """Begin the callback questionnaire in this chat and return its first question.

    Returns None (try later) when the resident is in the middle of something else or already answering
    a questionnaire: a resident never gets two at once, and a form is never interrupted by a survey. An
    answered questionnaire's optional last question (paid services wanted) does not hold the next one up.
    """
    conversation = await load_conversation(session, channel=channel, external_id=external_id)
    state = State.from_dict(conversation.state if conversation else None)
    if state.active and not feedback.only_optional_left(state):
        return None
    state.start(feedback.CALLBACK_FLOW, feedback.Step.ATTITUDE, ticket_id=ticket.id, number=ticket.number, scores={})
    first = Outgoing(
        text=wording("callback.intro", number=ticket.number) + "\n" + wording("callback.ask_attitude"),
        buttons=buttons(
            [(wording(f"callback.score_{n}"), f"callback:{ticket.id}:attitude:{n}") for n in (5, 4, 3)],
            [(wording(f"callback.score_{n}"), f"callback:{ticket.id}:attitude:{n}") for n in (2, 1)],
        ),
    )
    state.last_seen = now.isoformat()
    await save_conversation(
        session,
        conversation,
        channel=channel,
        external_id=external_id,
        community_id=ticket.community_id,
        resident_id=ticket.resident_id,
        state=state.to_dict(),
        now=now,
    )
    return first
