"""Record callback answers and surveys; a dissatisfied callback reopens the ticket (§5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import InvalidInput
from storage.surveys.models import SurveyAnswer
from storage.tickets.actor import Actor
from storage.tickets.lifecycle import Status
from storage.tickets.queries import get_ticket
from storage.tickets.service import reopen_ticket

#: Kinds of survey answers.
SURVEY_KINDS: Final = frozenset({"callback", "monthly", "incident", "service_rating"})
#: Reasons for dissatisfaction, the feedback categories of §5.
REASONS: Final = {"attitude": "服务态度", "speed": "响应速度", "result": "解决效果", "value_added": "增值服务需求"}


async def record_callback(
    session: AsyncSession,
    *,
    ticket_id: int,
    staff_id: int | None,
    satisfied: bool,
    now: datetime,
    channel: str = "phone",
    scores: dict[str, int] | None = None,
    reasons: list[str] | None = None,
    comment: str | None = None,
) -> SurveyAnswer:
    """The callback after a ticket: attitude / speed / result scores (1-5) and, if dissatisfied, why.

    A dissatisfied answer on a resolved or closed ticket reopens it with the reasons recorded.
    """
    scores = scores or {}
    for name in scores:
        if name not in {"attitude", "speed", "result"}:
            raise InvalidInput("scores", f"unknown score {name!r}")
    _check_scores(scores.values())
    reasons = reasons or []
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        raise InvalidInput("reasons", f"unknown reason(s) {unknown}; use {', '.join(REASONS)}")
    if not satisfied and not reasons:
        raise InvalidInput("reasons", "record why the resident is not satisfied")
    ticket = await get_ticket(session, ticket_id)
    answer = SurveyAnswer(
        community_id=ticket.community_id,
        kind="callback",
        ticket_id=ticket.id,
        resident_id=ticket.resident_id,
        staff_id=staff_id,
        channel=channel,
        satisfied=satisfied,
        score_attitude=scores.get("attitude"),
        score_speed=scores.get("speed"),
        score_result=scores.get("result"),
        reasons=reasons or None,
        comment=comment,
        created_at=now,
    )
    session.add(answer)
    await session.flush()
    if not satisfied and ticket.status in (Status.RESOLVED, Status.CLOSED):
        actor = Actor.staff(staff_id) if staff_id is not None else Actor.resident(ticket.resident_id or 0)
        reason = "回访不满意：" + "、".join(REASONS[r] for r in reasons) + (f"（{comment}）" if comment else "")
        await reopen_ticket(session, ticket_id=ticket.id, actor=actor, now=now, reason=reason)
    return answer


async def record_survey(
    session: AsyncSession,
    *,
    community_id: int,
    kind: str,
    now: datetime,
    channel: str,
    resident_id: int | None = None,
    ticket_id: int | None = None,
    satisfied: bool | None = None,
    rating: int | None = None,
    answers: dict[str, Any] | None = None,
    comment: str | None = None,
) -> SurveyAnswer:
    """A monthly or incident survey answer, or a 1-5 rating of a paid service."""
    if kind not in SURVEY_KINDS:
        raise InvalidInput("kind", f"{kind!r} is not one of {', '.join(sorted(SURVEY_KINDS))}")
    if rating is not None:
        _check_scores([rating])
    answer = SurveyAnswer(
        community_id=community_id,
        kind=kind,
        ticket_id=ticket_id,
        resident_id=resident_id,
        channel=channel,
        satisfied=satisfied,
        rating=rating,
        answers=answers,
        comment=comment,
        created_at=now,
    )
    session.add(answer)
    await session.flush()
    return answer


async def satisfaction_rate(
    session: AsyncSession, *, community_id: int, since: datetime, until: datetime
) -> float | None:
    """Share of satisfied answers in [since, until) (target ≥ 90 %, §5); None without answers."""
    window = (
        SurveyAnswer.community_id == community_id,
        SurveyAnswer.created_at >= since,
        SurveyAnswer.created_at < until,
        SurveyAnswer.satisfied.is_not(None),
    )
    total = await session.scalar(select(func.count()).where(*window))
    if not total:
        return None
    happy = await session.scalar(select(func.count()).where(*window, SurveyAnswer.satisfied.is_(True)))
    return float(happy or 0) / float(total)


def _check_scores(values: Any) -> None:
    for value in values:
        if type(value) is not int or not 1 <= value <= 5:
            raise InvalidInput("score", f"scores are whole numbers 1-5, got {value!r}")
