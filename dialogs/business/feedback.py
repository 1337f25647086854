"""The resident's word after the work: confirm or "not solved", and the callback questionnaire (§3, §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.business.notices import notify_reopened
from dialogs.wording import Wording
from storage.errors import NotFound
from storage.surveys.models import SurveyAnswer
from storage.surveys.service import REASONS, record_callback
from storage.tickets.actor import Actor
from storage.tickets.models import Ticket
from storage.tickets.queries import get_ticket
from storage.tickets.service import confirm_ticket, reopen_ticket

#: The three questions of the callback, in the order they are asked.
QUESTIONS: Final = ("attitude", "speed", "result")
#: A score at or below this counts as dissatisfied and asks why.
LOW_SCORE: Final = 2


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


def is_satisfied(scores: dict[str, int]) -> bool:
    """Satisfied unless any of attitude, speed or result scored LOW_SCORE or less."""
    return all(score > LOW_SCORE for score in scores.values())


def low_scored(scores: dict[str, int]) -> list[str]:
    """The questions scored low, as survey reasons (attitude / speed / result)."""
    return [name for name in QUESTIONS if scores.get(name, 5) <= LOW_SCORE]


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
) -> SurveyAnswer:
    """Store the resident's answers; a dissatisfied one reopens the ticket with the reasons (§5).

    Raises InvalidInput for a score outside 1-5, NotFound when the ticket is not the resident's.
    """
    ticket = await get_ticket(session, ticket_id)
    if ticket.resident_id != resident_id:
        raise NotFound("ticket", ticket_id)
    satisfied = is_satisfied(scores)
    reopen_count = ticket.reopen_count
    answer = await record_callback(
        session,
        ticket_id=ticket_id,
        staff_id=None,
        satisfied=satisfied,
        now=now,
        channel=channel,
        scores=scores,
        reasons=None if satisfied else low_scored(scores),
        comment=comment,
    )
    ticket = await get_ticket(session, ticket_id)
    if ticket.reopen_count > reopen_count:
        reason = (
            "回访不满意：" + "、".join(REASONS[r] for r in low_scored(scores)) + (f"（{comment}）" if comment else "")
        )
        await notify_reopened(session, ticket, reason=reason, wording=wording, now=now)
    return answer
