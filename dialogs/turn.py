"""One turn of a conversation, in one transaction: log the message once, load the state, route, store the
state, and queue the replies in the outbox (so a crash loses neither the message nor the answer).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.context import Turn
from dialogs.messages import Incoming, Outgoing
from dialogs.router import route
from dialogs.state import State
from dialogs.wording import Wording, default_wording
from storage.attachments.store import FileStore
from storage.communities.models import Community
from storage.communities.service import policy_for
from storage.conversations.service import load_chat, save_conversation
from storage.inbound.service import record_inbound
from storage.outbox.service import enqueue
from storage.residents.service import get_or_create_resident

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnResult:
    """What one turn did: the replies (also queued in the outbox), and the ticket it created or touched."""

    replies: list[Outgoing]
    ticket_id: int | None = None
    duplicate: bool = False


async def handle_message(
    session: AsyncSession,
    incoming: Incoming,
    *,
    community_id: int,
    now: datetime,
    wording: Wording | None = None,
    files: FileStore | None = None,
    queue_replies: bool = True,
) -> TurnResult:
    """Handle one resident message inside the caller's transaction (the caller commits).

    A message seen before (same channel and message id) is ignored and returns `duplicate=True`.
    With `queue_replies` the replies are written to the outbox for the channel's sender to deliver.
    """
    inbound, is_new = await record_inbound(
        session,
        channel=incoming.channel,
        dedupe_key=_dedupe_key(incoming),
        payload=incoming.to_log(),
        sender_id=incoming.sender_id,
        now=now,
        processed=True,  # if the turn fails the transaction rolls back and run_turn logs it unprocessed
    )
    if not is_new:
        return TurnResult(replies=[], duplicate=True)
    conversation, resident, community = await load_chat(
        session, channel=incoming.channel, external_id=incoming.sender_id
    )
    if conversation is not None:
        community_id = conversation.community_id
    if resident is None:
        resident, _ = await get_or_create_resident(
            session, community_id=community_id, channel=incoming.channel, external_id=incoming.sender_id, now=now
        )
    if incoming.sender_name and not resident.name:
        resident.name = incoming.sender_name[:100]
    community = community or await session.get(Community, resident.community_id)  # held for the turn
    state = State.from_dict(conversation.state if conversation else None)
    turn = Turn(
        session=session,
        incoming=incoming,
        state=state,
        resident=resident,
        community_id=resident.community_id,
        policy=await policy_for(session, resident.community_id),
        wording=wording or default_wording(),
        now=now,
        files=files,
        community=community,
    )
    await route(turn)
    state.last_seen = now.isoformat()
    await save_conversation(
        session,
        conversation,
        channel=incoming.channel,
        external_id=incoming.sender_id,
        community_id=resident.community_id,
        resident_id=resident.id,
        state=state.to_dict(),
        now=now,
    )
    if queue_replies:
        for reply in turn.replies:  # the inbound log already makes this turn happen once
            await enqueue(
                session,
                channel=incoming.channel,
                recipient=incoming.sender_id,
                kind="reply",
                payload=reply.to_dict(),
                ticket_id=turn.ticket_id,
                now=now,
            )
    if turn.ticket_id is not None:
        inbound.ticket_id = turn.ticket_id
    return TurnResult(replies=turn.replies, ticket_id=turn.ticket_id)


async def run_turn(
    sessions: async_sessionmaker[AsyncSession],
    incoming: Incoming,
    *,
    community_id: int,
    now: datetime,
    wording: Wording | None = None,
    files: FileStore | None = None,
) -> TurnResult:
    """`handle_message` in its own transaction. If handling fails, the message is still logged (left
    unprocessed for staff to see) and the resident gets a polite holding reply: nothing is lost."""
    try:
        async with sessions.begin() as session:
            return await handle_message(
                session, incoming, community_id=community_id, now=now, wording=wording, files=files
            )
    except Exception:
        log.exception("turn failed: channel=%s message=%s", incoming.channel, incoming.message_id)
    words = wording or default_wording()
    reply = Outgoing(text=words("router.internal_error"))
    async with sessions.begin() as session:
        inbound, is_new = await record_inbound(
            session,
            channel=incoming.channel,
            dedupe_key=_dedupe_key(incoming),
            payload=incoming.to_log(),
            sender_id=incoming.sender_id,
            now=now,
        )
        if is_new:
            await enqueue(
                session,
                channel=incoming.channel,
                recipient=incoming.sender_id,
                kind="reply",
                payload=reply.to_dict(),
                dedupe_key=f"reply:{inbound.id}:error",
                now=now,
            )
    return TurnResult(replies=[reply] if is_new else [], duplicate=not is_new)


def _dedupe_key(incoming: Incoming) -> str:
    """Message ids are unique per chat on most channels (Telegram's are), so the sender is part of the key."""
    return f"{incoming.sender_id}:{incoming.message_id}"
