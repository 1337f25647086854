"""Open a ticket from what a conversation (or a Rasa form) collected, and say plainly what we commit to."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.notices import notify_new_ticket
from dialogs.wording import Wording
from nlu import ParsedRequest, parse
from nlu.request import TimeRange
from storage.attachments.service import attach_to_ticket
from storage.communities.service import policy_for
from storage.policy.schema import Policy
from storage.residents.models import Resident
from storage.residents.service import ProfileUpdate, bind_room, rooms_of, update_profile
from storage.rooms.models import Room
from storage.tickets.actor import Actor
from storage.tickets.models import Ticket
from storage.tickets.service import create_ticket
from storage.vocabulary import TicketType, Urgency


@dataclass
class RequestForm:
    """Everything a resident told us about one request; flows fill it step by step."""

    kind: str
    category: str
    urgency: str
    description: str
    tier: int | None = None
    room: str | None = None
    phone: str | None = None
    name: str | None = None
    target: str | None = None
    when: str | None = None
    where: str | None = None
    demand: str | None = None
    visit: str | None = None  # when the resident asks staff to come (明天下午（11-23 13:00-18:00）)
    photo_ids: list[int] = field(default_factory=list)
    voice_ids: list[int] = field(default_factory=list)  # voice notes the request was told in

    def full_description(self) -> str:
        """The description staff read; a complaint's time and place, or the visit time asked for, are added to what
        happened."""
        parts = [self.description.strip()]
        if self.when:
            parts.append(f"时间：{self.when}")
        if self.where:
            parts.append(f"地点：{self.where}")
        if self.visit:
            parts.append(f"期望上门：{self.visit}")
        return "；".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Labels:
    """What a request is, as a ticket needs it."""

    kind: str
    category: str
    urgency: str
    tier: int | None = None


def request_labels(parsed: ParsedRequest) -> Labels:
    """A repair or other request: an inquiry or complaint reading still opens a repair form here."""
    kind = parsed.type if parsed.type in (TicketType.REPAIR, TicketType.OTHER) else TicketType.REPAIR
    return Labels(kind=kind, category=parsed.category, urgency=parsed.urgency)


def complaint_labels(parsed: ParsedRequest) -> Labels:
    """A complaint: category only when the words read as a complaint; tier 1 unless the NLU says more;
    never 特急 (a live danger goes through the emergency flow, so a complaint is at most 紧急)."""
    category = parsed.category if parsed.type == TicketType.COMPLAINT else "other"
    urgency = Urgency.URGENT.value if parsed.urgency == Urgency.CRITICAL else parsed.urgency
    return Labels(kind=TicketType.COMPLAINT.value, category=category, urgency=urgency, tier=int(parsed.tier or 1))


async def submit_request(
    session: AsyncSession,
    *,
    community_id: int,
    resident_id: int,
    channel: str,
    form: RequestForm,
    wording: Wording,
    now: datetime,
) -> Ticket:
    """Create the ticket, attach its photos, remember room and phone on the profile, and tell staff.

    Raises the storage errors of `create_ticket` (InvalidInput, NotFound) unchanged.
    """
    bound = await rooms_of(session, resident_id)
    if form.when or (form.visit is None and form.kind != TicketType.COMPLAINT):
        local_now = now.astimezone((await policy_for(session, community_id)).timezone)
        if form.when:  # a complaint's time as the resident said it, with the dates it means (Rasa's form fills words)
            form = replace(form, when=dated_when(form.when, local_now))
        else:  # the visit time asked for in the description
            form = replace(form, visit=visit_time(form.description, local_now))
    ticket = await create_ticket(
        session,
        community_id=community_id,
        type=form.kind,
        category=form.category,
        urgency=form.urgency,
        description=form.full_description(),
        channel=channel,
        now=now,
        actor=Actor.resident(resident_id),
        complaint_tier=form.tier if form.kind == TicketType.COMPLAINT else None,
        room_code=form.room,
        resident_id=resident_id,
        contact_name=form.name,
        contact_phone=form.phone,
        complaint_target=form.target,
        complaint_demand=form.demand,
    )
    if form.photo_ids or form.voice_ids:
        await attach_to_ticket(session, attachment_ids=[*form.photo_ids, *form.voice_ids], ticket_id=ticket.id)
    await remember_contact(session, resident_id=resident_id, room=form.room, phone=form.phone, now=now, bound=bound)
    room_code = next((room.code for room in bound if room.id == ticket.room_id), None)
    await notify_new_ticket(session, ticket, wording=wording, now=now, room_code=room_code)
    return ticket


async def remember_contact(
    session: AsyncSession,
    *,
    resident_id: int,
    room: str | None,
    phone: str | None,
    now: datetime,
    bound: list[Room] | None = None,
) -> None:
    """Bind the room and keep the phone on the profile, so the resident is not asked again.

    `bound` is the resident's rooms when the caller already read them (saves a query).
    """
    resident = await session.get(Resident, resident_id)
    if resident is None:
        return
    if phone and not resident.phone:
        await update_profile(session, resident_id=resident_id, update=ProfileUpdate(phone=phone), now=now)
    if bound is None and room:
        bound = await rooms_of(session, resident_id)
    if room and room not in {r.code for r in bound or []}:
        await bind_room(session, resident_id=resident_id, room_code=room, now=now)


async def commitment(session: AsyncSession, ticket: Ticket, *, wording: Wording) -> str:
    """What the resident is promised, in plain words with the local clock time and the ticket number.

    e.g. 紧急报修已受理，师傅将在30分钟内到场（14:35前）。单号 BX-20261122-0007。
    """
    policy = await policy_for(session, ticket.community_id)
    number = ticket.number
    if ticket.urgency == Urgency.CRITICAL:
        return wording("commit.critical", number=number)
    if ticket.type == TicketType.COMPLAINT:
        tier = policy.complaints.tiers[ticket.complaint_tier or 1]
        return wording(
            "commit.complaint",
            tier=tier.name,
            owner=wording(f"labels.role.{tier.owner_role.value}"),
            within=span(tier.resolve),
            by=clock_time(policy, ticket.resolve_due_at, ticket.created_at),
            number=number,
        )
    if ticket.arrive_due_at is not None:
        key = "commit.urgent_repair" if ticket.type == TicketType.REPAIR else "commit.urgent_other"
        return wording(
            key,
            within=span(ticket.arrive_due_at - ticket.created_at),
            by=clock_time(policy, ticket.arrive_due_at, ticket.created_at),
            number=number,
        )
    due = ticket.respond_due_at or ticket.resolve_due_at
    key = {TicketType.INQUIRY: "commit.inquiry", TicketType.REPAIR: "commit.repair"}.get(
        TicketType(ticket.type), "commit.other"
    )
    return wording(
        key,
        within=span(due - ticket.created_at) if due else "",
        by=clock_time(policy, due, ticket.created_at) if due else "",
        number=number,
    )


def span(delta: timedelta) -> str:
    """A duration as a resident says it: 30分钟, 2小时, 24小时, 7天."""
    minutes = round(delta.total_seconds() / 60)
    if minutes >= 72 * 60 and minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)}天"
    if minutes >= 60 and minutes % 60 == 0:
        return f"{minutes // 60}小时"
    return f"{minutes}分钟"


def clock_time(policy: Policy, when: datetime | None, now: datetime) -> str:
    """A deadline in the community's local time: 14:35 today, 明天 09:00, or 11月30日 14:00."""
    if when is None:
        return ""
    local, today = when.astimezone(policy.timezone), now.astimezone(policy.timezone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.date() == today + timedelta(days=1):
        return "明天" + local.strftime("%H:%M")
    return f"{local.month}月{local.day}日{local:%H:%M}"


def when_span(time: TimeRange) -> str:
    """The dates and hours a time means, for a record read days later: 11-22 15:00-16:00, 11-16至11-22. The range is
    in the time zone it was resolved in (the community's)."""
    start, end = time.start, time.end
    last = end - timedelta(minutes=1)
    if start.hour == start.minute == end.hour == end.minute == 0 and end - start >= timedelta(days=1):
        return f"{start:%m-%d}" if last.date() == start.date() else f"{start:%m-%d}至{last:%m-%d}"
    if last.date() == start.date():
        return f"{start:%m-%d %H:%M}-{end:%H:%M}"
    return f"{start:%m-%d %H:%M}至{end:%m-%d %H:%M}"


def when_label(time: TimeRange, words: str | None = None) -> str:
    """The words for a time (its own, or the resident's whole answer) with what they mean: 昨天下午3点（11-22
    15:00-16:00）."""
    return f"{words or time.text}（{when_span(time)}）"


def dated_when(words: str | None, local_now: datetime) -> str | None:
    """A time the resident gave in words (昨晚十点多), with the dates and hours it means counted from `local_now` (the
    community's time); words already dated (by the complaint flow, which read them in context), or naming no time
    (记不清了), are kept as they are."""
    if not words or "（" in words:
        return words
    times = parse(words, now=local_now).times
    return when_label(times[0], words) if times else words


def visit_time(description: str, local_now: datetime) -> str | None:
    """When the resident asks staff to come (明天下午能来修吗), with the dates it means counted from `local_now` (the
    community's time); None when they ask for no time (then as soon as the commitment says)."""
    for time in parse(description, now=local_now).times:
        if time.asked:
            return when_label(time)
    return None
