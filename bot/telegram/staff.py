"""Staff on Telegram: card buttons, replies to a card (after-photos, materials), `/bind`, `/link`, new groups.

Each handler logs the update in the inbound log in the same transaction as its effect, so a repeated
update changes nothing twice; answers to the chat go through the outbox.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, ChatMemberUpdated, Message
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.telegram.context import TelegramContext, command_of, queue_text
from bot.telegram.linking import check_code
from bot.telegram.sender import CHANNEL
from dialogs import staff_button
from storage.attachments.service import add_attachment
from storage.communities.service import policy_for
from storage.errors import AttachmentRejected, Conflict, NotFound
from storage.groups.service import move_group_chat, register_group
from storage.inbound.service import record_inbound
from storage.outbox import OutboxMessage
from storage.staff.service import find_staff_by_identity, get_staff, link_staff_identity
from storage.tickets.actor import Actor
from storage.tickets.queries import get_ticket
from storage.tickets.service import add_note
from storage.vocabulary import Department, StaffRole

__all__ = ["bot_joined", "group_message", "link_account", "staff_press"]

#: Who may bind a group chat to a department with /bind.
BINDERS = frozenset({StaffRole.SUPERVISOR.value, StaffRole.PROJECT_MANAGER.value})
#: Telegram's limit on a callback answer's text, in characters.
MAX_ALERT_CHARS = 200

_log = logging.getLogger(__name__)


async def staff_press(context: TelegramContext, query: CallbackQuery) -> None:
    """A press of a staff button (`staff:...`) in a group or private chat: act, answer the presser."""
    presser = str(query.from_user.id)
    chat_id = str(query.message.chat.id) if query.message else presser
    async with context.sessions.begin() as session:
        if not await _first_time(session, context, f"cbq:{query.id}", presser, {"payload": query.data}):
            return
        outcome = await staff_button(
            session,
            channel=CHANNEL,
            external_id=presser,
            payload=query.data or "",
            now=context.clock.now(),
            wording=context.wording,
        )
        if outcome.choices is not None:  # the reassign picker, where the card was pressed
            await queue_text(
                session,
                context,
                chat_id=chat_id,
                text=outcome.choices.text,
                kind="staff_picker",
                key=f"picker:{query.id}",
                buttons=outcome.choices.to_dict()["buttons"],
            )
    context.wake()
    await answer(context, query, outcome.alert, alert=not outcome.ok)


async def answer(context: TelegramContext, query: CallbackQuery, text: str = "", *, alert: bool = False) -> None:
    """Answer a callback query (stops the button's spinner); a lost answer is only logged."""
    try:
        await context.bot.answer_callback_query(query.id, text=text[:MAX_ALERT_CHARS] or None, show_alert=alert)
    except TelegramError as error:
        _log.info("telegram: callback %s not answered: %s", query.id, error)


async def group_message(context: TelegramContext, message: Message) -> None:
    """A message in a group: `/bind <department>`, or a staff member's reply to a ticket card."""
    command, argument = command_of(message)
    if command == "/bind":
        return await _bind(context, message, argument)
    replied = message.reply_to_message
    if replied is None or message.from_user is None or not (message.photo or message.text or message.caption):
        return None
    chat_id, user_id = str(message.chat.id), str(message.from_user.id)
    photo = None
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        try:
            photo = await context.download(largest.file_id, largest.file_size)
        except TelegramError as error:
            _log.warning("telegram: after-photo %s not downloaded: %s", largest.file_id, error)
    async with context.sessions.begin() as session:
        ticket_id = await _card_ticket(session, f"{chat_id}:{replied.message_id}")
        staff = await find_staff_by_identity(session, channel=CHANNEL, external_id=user_id)
        if ticket_id is None or staff is None:
            return None  # ordinary group chatter
        key = f"{chat_id}:{message.message_id}"
        if not await _first_time(session, context, key, user_id, {"reply_to": replied.message_id}):
            return None
        ticket = await get_ticket(session, ticket_id)
        words, now = context.wording, context.clock.now()
        notes: list[str] = []
        if message.photo:
            notes.append(await _after_photo(session, context, ticket_id, staff.id, photo, ticket.number))
        text = (message.caption or message.text or "").strip()
        if text:
            await add_note(
                session, ticket_id=ticket_id, actor=Actor.staff(staff.id), text=text, now=now, data={"via": CHANNEL}
            )
            notes.append(words("telegram.work_note", number=ticket.number, text=text))
        await queue_text(session, context, chat_id=chat_id, text="\n".join(notes), kind="staff_ack", key=f"ack:{key}")
    context.wake()
    return None


async def _after_photo(
    session: AsyncSession, context: TelegramContext, ticket_id: int, staff_id: int, data: bytes | None, number: str
) -> str:
    if data is None:
        return context.wording("telegram.file_too_large")
    try:
        async with session.begin_nested():
            await add_attachment(
                session,
                context.files,
                data=data,
                now=context.clock.now(),
                ticket_id=ticket_id,
                expected_kind="photo",
                label="after",
                staff_id=staff_id,
            )
    except AttachmentRejected:
        return context.wording("telegram.photo_failed")
    return context.wording("telegram.after_photo", number=number, count=1)


async def _card_ticket(session: AsyncSession, ref: str) -> int | None:
    """The ticket whose card (or card update) is the Telegram message `ref`."""
    return await session.scalar(
        select(OutboxMessage.ticket_id)
        .where(
            OutboxMessage.channel == CHANNEL,
            OutboxMessage.external_ref == ref,
            OutboxMessage.ticket_id.is_not(None),
        )
        .limit(1)
    )


async def _bind(context: TelegramContext, message: Message, department: str) -> None:
    """`/bind engineering` by a supervisor: this group becomes the department's work group."""
    if message.from_user is None:
        return
    chat_id, user_id = str(message.chat.id), str(message.from_user.id)
    default_community = await context.community.community_id(context.sessions)
    words = context.wording
    async with context.sessions.begin() as session:
        key = f"{chat_id}:{message.message_id}"
        if not await _first_time(session, context, key, user_id, {"command": "/bind", "argument": department}):
            return
        staff = await find_staff_by_identity(session, channel=CHANNEL, external_id=user_id)
        community_id = (staff.community_id if staff else None) or default_community
        names = (await policy_for(session, community_id)).department_names
        listing = "、".join(f"{d.value}（{names.get(d, d.value)}）" for d in Department)
        if staff is None or staff.role not in BINDERS:
            text = words("telegram.bind_denied")
        elif department.strip().lower() not in {d.value for d in Department}:
            text = words("telegram.bind_usage", departments=listing)
        else:
            chosen = Department(department.strip().lower())
            try:
                async with session.begin_nested():
                    await register_group(
                        session,
                        community_id=community_id,
                        department=chosen.value,
                        channel=CHANNEL,
                        chat_id=chat_id,
                        now=context.clock.now(),
                        title=message.chat.title,
                    )
                text = words("telegram.bound", department=names.get(chosen, chosen.value))
            except Conflict:
                text = words("telegram.bind_taken")
        await queue_text(session, context, chat_id=chat_id, text=text, kind="group_setup", key=f"bind:{key}")
    context.wake()


async def bot_joined(context: TelegramContext, update_id: int, change: ChatMemberUpdated) -> None:
    """The bot was added to a group: say hello with the chat id and how to bind it."""
    joined = change.new_chat_member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
    was_out = change.old_chat_member.status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
    if not (joined and was_out and change.chat.type in ("group", "supergroup")):
        return
    chat_id = str(change.chat.id)
    text = context.wording("telegram.group_hello", chat_id=chat_id, departments=" ".join(d.value for d in Department))
    async with context.sessions.begin() as session:
        await queue_text(session, context, chat_id=chat_id, text=text, kind="group_setup", key=f"hello:{update_id}")
    context.wake()


async def group_migrated(context: TelegramContext, chat_id: str, to_chat_id: str) -> None:
    """Telegram upgraded a staff group to a supergroup (a notice in the old group, or a send refused with the new
    id): the department's group is registered under the new id, so its cards keep arriving."""
    async with context.sessions.begin() as session:
        moved = await move_group_chat(session, channel=CHANNEL, chat_id=chat_id, to_chat_id=to_chat_id)
    if moved is not None:
        _log.info("telegram: %s group %s is now %s", moved.department, chat_id, to_chat_id)


async def link_account(context: TelegramContext, message: Message, code: str) -> None:
    """`/link CODE` (or a `?start=CODE` deep link) in a private chat: this account becomes that staff member's."""
    if message.from_user is None:
        return
    chat_id, user_id = str(message.chat.id), str(message.from_user.id)
    words, now = context.wording, context.clock.now()
    staff_id = check_code(context.link_key, code, now=now)
    async with context.sessions.begin() as session:
        key = f"{chat_id}:{message.message_id}"
        if not await _first_time(session, context, key, user_id, {"command": "/link"}):
            return
        if staff_id is None:
            text = words("telegram.link_invalid")
        elif not await _first_time(session, context, f"link:{code.strip()}", user_id, {"staff_id": staff_id}):
            text = words("telegram.link_used")
        else:
            try:
                async with session.begin_nested():
                    staff = await get_staff(session, staff_id)
                    await link_staff_identity(session, staff_id=staff.id, channel=CHANNEL, external_id=user_id, now=now)
                text = words("telegram.linked", name=staff.name, role=words(f"labels.role.{staff.role}"))
            except Conflict:
                text = words("telegram.link_taken")
            except NotFound:  # the staff record was removed after the code was printed
                text = words("telegram.link_invalid")
        await queue_text(session, context, chat_id=chat_id, text=text, kind="staff_link", key=f"link:{key}")
    context.wake()


async def _first_time(
    session: AsyncSession, context: TelegramContext, key: str, sender: str, payload: dict[str, Any]
) -> bool:
    """Log the update in the inbound log; False when it was seen before (a repeated delivery)."""
    _, is_new = await record_inbound(
        session,
        channel=CHANNEL,
        dedupe_key=key,
        payload=payload,
        sender_id=sender,
        now=context.clock.now(),
        processed=True,
    )
    return is_new
