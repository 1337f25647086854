"""The resident's word after the work: confirm or "not solved", and the callback questionnaire (§3, §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.notices import notify_reopened
from dialogs.messages import Outgoing
from dialogs.wording import Wording
from nlu import mask_phones_in, parse
from storage.communities.service import policy_for
from storage.errors import NotFound
from storage.groups.service import groups_for_department
from storage.outbox.service import enqueue
from storage.policy import Policy
from storage.rooms.models import Room
from storage.surveys.models import SurveyAnswer
from storage.surveys.service import REASONS, record_callback
from storage.tickets.actor import Actor
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket
from storage.tickets.service import confirm_ticket, reopen_ticket
from storage.vocabulary import Category

#: The three questions of the callback, in the order they are asked.
QUESTIONS: Final = ("attitude", "speed", "result")
#: The survey reason of a resident's wish for a paid service (the pie slice 增值服务需求, §5).
SERVICE_NEED: Final = "value_added"


async def confirm_resolution(
    session: AsyncSession,
    *,
    ticket_id: int,
    resident_id: int,
    solved: bool,
    now: datetime,
    wording: Wording,
    reason: str | None = None,
) -> Ticket:
    """确认完成 closes the ticket; 还没解决 reopens it with the resident's reason and tells its owner (§3)."""
    if solved:
        return await confirm_ticket(session, ticket_id=ticket_id, resident_id=resident_id, now=now)
    reason = reason or "住户反馈问题未解决"
    ticket = await reopen_ticket(
        session, ticket_id=ticket_id, actor=Actor.resident(resident_id), now=now, reason=reason
    )
    await notify_reopened(session, ticket, reason=reason, wording=wording, now=now)
    return ticket


def low_score(policy: Policy) -> int:
    """The policy's `reports.low_score`: a score at or below it counts as dissatisfied and asks why."""
    if policy.reports is None:
        raise ValueError("the policy has no [reports] table")
    return policy.reports.low_score


def is_satisfied(scores: dict[str, int], *, low: int) -> bool:
    """Satisfied unless any of attitude, speed or result scored `low` (policy reports.low_score) or less."""
    return all(score > low for score in scores.values())


def low_scored(scores: dict[str, int], *, low: int) -> list[str]:
    """The questions scored `low` or less, as survey reasons (attitude / speed / result)."""
    return [name for name in QUESTIONS if scores.get(name, 5) <= low]


def asks_for_service(text: str | None, policy: Policy) -> bool:
    """True when the resident's words ask for a value-added (paid) service: a published service named, or the
    request parser reading the words as the value_added category (代收快递 alone is not, 请个钟点工 is)."""
    if not text or not text.strip():
        return False
    if any(item.name in text for item in policy.prices):
        return True
    return parse(text).category == Category.VALUE_ADDED


async def record_questionnaire(
    session: AsyncSession,
    *,
    ticket_id: int,
    resident_id: int,
    scores: dict[str, int],
    now: datetime,
    channel: str,
    wording: Wording,
    comment: str | None = None,
    service_need: str | None = None,
) -> SurveyAnswer:
    """Store the resident's answers; a dissatisfied one reopens the ticket with the reasons (§5).

    A wish for a paid service (`service_need`, the questionnaire's last answer, or a comment that asks for
    one) is recorded as the reason 增值服务需求 whether or not the resident is satisfied, kept in the answer
    and passed to the value-added department's groups. Raises InvalidInput for a score outside 1-5,
    NotFound when the ticket is not the resident's.
    """
    ticket = await get_ticket(session, ticket_id)
    if ticket.resident_id != resident_id:
        raise NotFound("ticket", ticket_id)
    policy = await policy_for(session, ticket.community_id)
    low = low_score(policy)
    satisfied = is_satisfied(scores, low=low)
    if service_need is None and asks_for_service(comment, policy):
        service_need = comment
    reopen_count = ticket.reopen_count
    answer = await record_callback(
        session,
        ticket_id=ticket_id,
        staff_id=None,
        satisfied=satisfied,
        now=now,
        channel=channel,
        scores=scores,
        reasons=None if satisfied else low_scored(scores, low=low),
        comment=comment,
    )
    if service_need:  # added after recording: a need is no reason for the reopening record_callback makes
        await _add_need(session, answer, ticket, service_need, policy=policy, wording=wording, now=now)
    ticket = await get_ticket(session, ticket_id)
    if ticket.reopen_count > reopen_count:
        reason = (
            "回访不满意："
            + "、".join(REASONS[r] for r in low_scored(scores, low=low))
            + (f"（{comment}）" if comment else "")
        )
        await notify_reopened(session, ticket, reason=reason, wording=wording, now=now)
    return answer


async def add_service_need(
    session: AsyncSession, *, answer_id: int, resident_id: int, need: str, now: datetime, wording: Wording
) -> SurveyAnswer:
    """The questionnaire's last answer, after the scores were stored: the resident wants `need` (a paid service).

    Recorded on the answer as the reason 增值服务需求 and passed to the value-added department's groups; a
    second call for the same answer changes nothing. Raises NotFound when the answer is not the resident's.
    """
    answer = await session.get(SurveyAnswer, answer_id)
    if answer is None or answer.resident_id != resident_id or answer.ticket_id is None:
        raise NotFound("survey answer", answer_id)
    if SERVICE_NEED in (answer.reasons or []):
        return answer
    ticket = await get_ticket(session, answer.ticket_id)
    policy = await policy_for(session, ticket.community_id)
    await _add_need(session, answer, ticket, need, policy=policy, wording=wording, now=now)
    return answer


async def _add_need(
    session: AsyncSession,
    answer: SurveyAnswer,
    ticket: Ticket,
    need: str,
    *,
    policy: Policy,
    wording: Wording,
    now: datetime,
) -> int:
    """Record the need on the answer; the value-added department's groups hear of it (a lead), room but no phone."""
    answer.reasons = [*(answer.reasons or []), SERVICE_NEED]
    answer.answers = {**(answer.answers or {}), "service_need": need}
    await session.flush()
    department = policy.department_for(Category.VALUE_ADDED)
    room = await session.get(Room, ticket.room_id) if ticket.room_id else None
    text = wording(
        "callback.service_need_staff",
        number=ticket.number,
        room=room.code if room else wording("staff.unknown_room"),
        need=mask_phones_in(need),
    )
    groups = await groups_for_department(session, community_id=ticket.community_id, department=department)
    for group in groups:
        await enqueue(
            session,
            channel=group.channel,
            recipient=group.chat_id,
            kind="service_need",
            payload=Outgoing(text=text).to_dict() | {"ticket_id": ticket.id},
            ticket_id=ticket.id,
            dedupe_key=f"service_need:{ticket.id}:{int(now.timestamp())}:{group.channel}:{group.chat_id}",
            now=now,
        )
    return len(groups)
