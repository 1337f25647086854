"""The supervisors' daily spot-check (§3): a random share of yesterday's closed tickets and what each lacks."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.messages import Outgoing
from dialogs.wording import Wording
from storage.attachments.models import Attachment
from storage.communities.service import policy_for
from storage.outbox.service import enqueue
from storage.staff.models import Staff
from storage.staff.service import list_staff, staff_chats
from storage.tickets.lifecycle import Action, Status
from storage.tickets.models import Ticket, TicketEvent
from storage.vocabulary import StaffRole


@dataclass(frozen=True)
class SpotCheckItem:
    """One sampled ticket and what its record lacks."""

    ticket: Ticket
    has_photo: bool
    confirmed: bool


async def pick_spot_checks(session: AsyncSession, *, community_id: int, day: date) -> tuple[int, list[SpotCheckItem]]:
    """(closed that local day, the sample): `quality.spot_check_rate` of them, at least one, chosen at random
    (seeded by community and day, so a rerun picks the same tickets)."""
    policy = await policy_for(session, community_id)
    start = datetime.combine(day, time(0), policy.timezone)
    end = start + timedelta(days=1)
    closed = list(
        await session.scalars(
            select(Ticket)
            .where(
                Ticket.community_id == community_id,
                Ticket.status == Status.CLOSED,
                Ticket.closed_at >= start,
                Ticket.closed_at < end,
            )
            .order_by(Ticket.id)
        )
    )
    if not closed:
        return 0, []
    count = min(len(closed), max(1, math.ceil(len(closed) * policy.quality.spot_check_rate)))
    sample = sorted(random.Random(f"spot:{community_id}:{day.isoformat()}").sample(closed, count), key=lambda t: t.id)
    ids = [t.id for t in sample]
    photos = set(
        await session.scalars(
            select(Attachment.ticket_id).where(Attachment.ticket_id.in_(ids)).group_by(Attachment.ticket_id)
        )
    )
    confirmed = set(
        await session.scalars(
            select(TicketEvent.ticket_id)
            .where(TicketEvent.ticket_id.in_(ids), TicketEvent.action == Action.CONFIRM)
            .group_by(TicketEvent.ticket_id)
        )
    )
    return len(closed), [SpotCheckItem(t, t.id in photos, t.id in confirmed) for t in sample]


async def send_spot_checks(
    session: AsyncSession, *, community_id: int, day: date, wording: Wording, now: datetime
) -> int:
    """Queue the spot-check list of `day` to every supervisor of the community; returns how many messages."""
    total, items = await pick_spot_checks(session, community_id=community_id, day=day)
    label = day.strftime("%m-%d")
    if not items:
        text = wording("scheduler.spot_check_none", date=label)
    else:
        names = dict(
            (
                await session.execute(
                    select(Staff.id, Staff.name).where(
                        Staff.id.in_({i.ticket.assignee_staff_id for i in items if i.ticket.assignee_staff_id})
                    )
                )
            ).all()
        )
        lines = []
        for item in items:
            missing = [wording("scheduler.missing_photo")] if not item.has_photo else []
            missing += [wording("scheduler.missing_confirmation")] if not item.confirmed else []
            lines.append(
                wording(
                    "scheduler.spot_check_line",
                    number=item.ticket.number,
                    kind=wording(f"labels.type.{item.ticket.type}"),
                    assignee=names.get(item.ticket.assignee_staff_id, wording("scheduler.no_assignee")),
                    missing="、".join(missing) or wording("scheduler.nothing_missing"),
                )
            )
        text = wording("scheduler.spot_check", date=label, total=total, count=len(items), lines="\n".join(lines))
    supervisors = await list_staff(session, community_id=community_id, role=StaffRole.SUPERVISOR.value)
    recipients = await staff_chats(session, [s.id for s in supervisors if s.community_id == community_id])
    payload = Outgoing(text=text).to_dict()
    for channel, recipient in recipients:
        await enqueue(
            session,
            channel=channel,
            recipient=recipient,
            kind="spot_check",
            payload=payload,
            dedupe_key=f"spot:{community_id}:{day.isoformat()}:{channel}:{recipient}",
            now=now,
        )
    return len(recipients)
