"""Tell staff about a new ticket, through the outbox in the same transaction as the ticket.

- the department's group chat on every channel gets a card with 接单 / 转派 buttons (phone masked);
- a complaint also goes privately to the owners of its tier (service agent, supervisor, project manager);
- a critical ticket alerts the on-duty managers and security privately, at once.
The channel adapters render these payloads; nothing here knows Telegram or WeCom.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.messages import Button, Outgoing, buttons
from dialogs.wording import Wording
from nlu.phone import mask_phone, mask_phones_in
from storage.communities.service import policy_for
from storage.groups.service import groups_for_department
from storage.outbox.service import enqueue
from storage.rooms.models import Room
from storage.staff.models import Staff, StaffIdentity
from storage.staff.service import list_staff, staff_chats
from storage.tickets.lifecycle import Status
from storage.tickets.models import Ticket
from storage.vocabulary import StaffRole, TicketType, Urgency

#: Roles alerted at once for a critical ticket (service-policy §2: on-duty manager and security).
CRITICAL_ROLES: Final = (StaffRole.SUPERVISOR, StaffRole.PROJECT_MANAGER, StaffRole.SECURITY)


async def notify_new_ticket(
    session: AsyncSession, ticket: Ticket, *, wording: Wording, now: datetime, room_code: str | None = None
) -> int:
    """Queue every staff notice a new ticket needs; returns how many messages were queued.

    `room_code` is the ticket's registered room when the caller has it at hand (saves a query).
    """
    card = await ticket_card(session, ticket, wording=wording, room_code=room_code)
    queued = 0
    for group in await groups_for_department(session, community_id=ticket.community_id, department=ticket.department):
        await enqueue(
            session,
            channel=group.channel,
            recipient=group.chat_id,
            kind="ticket_card",
            payload=card.to_dict() | {"ticket_id": ticket.id},
            ticket_id=ticket.id,
            dedupe_key=card_dedupe_key(ticket.id, group.channel, group.chat_id),
            now=now,
        )
        queued += 1
    private: list[Staff] = []
    if ticket.type == TicketType.COMPLAINT and ticket.complaint_tier:
        policy = await policy_for(session, ticket.community_id)
        role = policy.complaint_owner(ticket.complaint_tier)
        private += await list_staff(session, community_id=ticket.community_id, role=role.value)
    if ticket.urgency == Urgency.CRITICAL:
        for role in CRITICAL_ROLES:
            private += await list_staff(session, community_id=ticket.community_id, role=role.value, on_duty=True)
    kind = "critical_alert" if ticket.urgency == Urgency.CRITICAL else "complaint_owner"
    seen: set[int] = set()
    for staff in private:
        if staff.id in seen:
            continue
        seen.add(staff.id)
        for identity in await session.scalars(select(StaffIdentity).where(StaffIdentity.staff_id == staff.id)):
            await enqueue(
                session,
                channel=identity.channel,
                recipient=identity.external_id,
                kind=kind,
                payload=card.to_dict() | {"ticket_id": ticket.id, "staff_id": staff.id},
                ticket_id=ticket.id,
                dedupe_key=f"{kind}:{ticket.id}:{identity.channel}:{identity.external_id}",
                now=now,
            )
            queued += 1
    return queued


async def ticket_card(
    session: AsyncSession, ticket: Ticket, *, wording: Wording, room_code: str | None = None
) -> Outgoing:
    """The staff card of a ticket: number, urgency, room, description, deadline; the phone masked."""
    policy = await policy_for(session, ticket.community_id)
    if room_code is None and ticket.room_id:
        room = await session.get(Room, ticket.room_id)
        room_code = room.code if room else None
    due = ticket.arrive_due_at or ticket.resolve_due_at or ticket.respond_due_at
    text = wording(
        "staff.card",
        number=ticket.number,
        kind=wording(f"labels.type.{ticket.type}"),
        urgency=wording(f"labels.urgency.{ticket.urgency}"),
        category=wording(f"labels.category.{ticket.category}"),
        room=room_code or wording("staff.unknown_room"),
        phone=mask_phone(ticket.contact_phone) if ticket.contact_phone else wording("staff.no_phone"),
        description=mask_phones_in(ticket.description),
        due=due.astimezone(policy.timezone).strftime("%m-%d %H:%M") if due else "-",
    )
    if ticket.type == TicketType.COMPLAINT:
        text += "\n" + wording(
            "staff.card_complaint",
            tier=policy.complaints.tiers[ticket.complaint_tier or 1].name,
            target=mask_phones_in(ticket.complaint_target or "-"),
            demand=mask_phones_in(ticket.complaint_demand or "-"),
        )
    if ticket.status != Status.NEW:
        text += "\n" + await _status_line(session, ticket, wording=wording, timezone=policy.timezone)
    return Outgoing(text=text, buttons=card_buttons(ticket, wording=wording))


def card_dedupe_key(ticket_id: int, channel: str, chat_id: str) -> str:
    """The outbox dedupe key of a ticket's first card in a group chat (what a later edit points at)."""
    return f"card:{ticket_id}:{channel}:{chat_id}"


def card_buttons(ticket: Ticket, *, wording: Wording) -> tuple[tuple[Button, ...], ...]:
    """The card's buttons for where the ticket stands: 接单/转派, then 已到场/已完成/会晚到/退回, then none."""
    status = Status(ticket.status)
    if status in (Status.NEW, Status.ASSIGNED, Status.REOPENED):
        row = [("staff.accept", "accept"), ("staff.reassign", "reassign")]
    elif status is Status.ACCEPTED:
        return _rows(
            ticket,
            wording,
            [("staff.arrive", "arrive"), ("staff.complete", "resolve")],
            [("staff.late", "late"), ("staff.give_back", "return")],
        )
    elif status is Status.ON_SITE:
        row = [("staff.complete", "resolve"), ("staff.give_back", "return")]
    else:
        return ()
    return _rows(ticket, wording, row)


def _rows(ticket: Ticket, wording: Wording, *rows: list[tuple[str, str]]) -> tuple[tuple[Button, ...], ...]:
    return buttons(*[[(wording(key), f"staff:{verb}:{ticket.id}") for key, verb in row] for row in rows])


async def _status_line(session: AsyncSession, ticket: Ticket, *, wording: Wording, timezone: tzinfo) -> str:
    """状态：师傅已接单｜张伟 11-23 14:05 — who holds the ticket and since when."""
    holder = await session.get(Staff, ticket.assignee_staff_id) if ticket.assignee_staff_id else None
    return wording(
        "staff.card_status",
        status=wording(f"labels.status.{ticket.status}"),
        name=holder.name if holder else "",
        time=ticket.updated_at.astimezone(timezone).strftime("%m-%d %H:%M"),
    )


async def notify_reopened(
    session: AsyncSession, ticket: Ticket, *, reason: str, wording: Wording, now: datetime
) -> int:
    """The resident says it is not solved (or was dissatisfied): tell the assignee and the department group."""
    text = wording("staff.reopened", number=ticket.number, reason=reason)
    payload = Outgoing(text=text).to_dict() | {"ticket_id": ticket.id}
    recipients = [
        (group.channel, group.chat_id)
        for group in await groups_for_department(
            session, community_id=ticket.community_id, department=ticket.department
        )
    ]
    if ticket.assignee_staff_id is not None:
        recipients += await staff_chats(session, [ticket.assignee_staff_id])
    for channel, recipient in recipients:
        await enqueue(
            session,
            channel=channel,
            recipient=recipient,
            kind="ticket_reopened",
            payload=payload,
            ticket_id=ticket.id,
            dedupe_key=f"reopened:{ticket.id}:{ticket.reopen_count}:{channel}:{recipient}",
            now=now,
        )
    return len(recipients)
