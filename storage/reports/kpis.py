"""Compute the monthly KPI report and the quarterly complaint statistics from tickets, events and surveys.

Definitions (every threshold comes from the community's policy):
- The month's tickets are those opened in it (local calendar month of the policy time zone); where each
  stands is read from its event log as of `now`, so a report for a past `now` is reproducible.
- Completed = resolved or closed; confirmed = closed by the resident's own confirmation; reworked =
  reopened at least once (by the resident, a dissatisfied callback or a supervisor).
- Deadlines are those of the first cycle (a reopened ticket's restarted deadlines are shifted back to
  its creation); a step counts as done when the ticket leaves the statuses that owe it (as in sla.py).
  Cancelled and merged tickets are left out of completion and deadline figures.
- Satisfaction rate: share of satisfied answers among the month's survey answers that say (§5).
- Feedback categories: per answer, its recorded reasons plus every score at or below reports.low_score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from storage.clock import ensure_utc
from storage.communities.models import Community
from storage.communities.service import policy_for
from storage.errors import NotFound
from storage.policy import Policy, ReportRules
from storage.reports import queries
from storage.reports.models import (
    CallbackStats,
    ComplaintBreakdown,
    Counts,
    DayFigures,
    MonthlyReport,
    QuarterlyComplaints,
    StepCompliance,
    TechnicianStats,
    UrgencyCompliance,
)
from storage.reports.periods import Period, local_midnight, month_period, quarter_period
from storage.tickets.lifecycle import Action, Status
from storage.vocabulary import Category, TicketType, Urgency

_RESPONDED = frozenset({Status.ACCEPTED, Status.ON_SITE, Status.RESOLVED, Status.CLOSED})
_ARRIVED = frozenset({Status.ON_SITE, Status.RESOLVED, Status.CLOSED})
_DONE = frozenset({Status.RESOLVED, Status.CLOSED})
_STEPS = {"respond": _RESPONDED, "arrive": _ARRIVED, "resolve": _DONE}
_NO_STATUS_CHANGE = frozenset({Action.NOTE, Action.MERGE})
_TIERS = (1, 2, 3)
_URGENCIES = (Urgency.CRITICAL, Urgency.URGENT, Urgency.NORMAL)


@dataclass
class _Story:
    """One ticket's life as of the report's `now`."""

    row: queries.TicketRow
    status: str
    merged: bool
    reworked: bool
    confirmed: bool
    first_resolver: int | None
    completed_at: datetime | None
    reached: dict[str, datetime] = field(default_factory=dict)  # step -> first time it was done
    due: dict[str, datetime | None] = field(default_factory=dict)  # step -> first-cycle deadline

    @property
    def completed(self) -> bool:
        return self.status in _DONE

    @property
    def counted(self) -> bool:
        """In completion and deadline figures (not cancelled, not a merged duplicate)."""
        return self.status != Status.CANCELLED and not self.merged


def _story(row: queries.TicketRow, now: datetime) -> _Story:
    changes = [e for e in row.events if e.action not in _NO_STATUS_CHANGE]
    restarts = [e.at for e in changes if e.to_status == Status.REOPENED]
    shift = (max(restarts) if restarts else row.created_at) - row.created_at
    seen = [e for e in changes if e.at <= now]
    story = _Story(
        row=row,
        status=seen[-1].to_status if seen else Status.NEW,
        merged=any(e.action == Action.MERGE and e.at <= now for e in row.events),
        reworked=any(e.to_status == Status.REOPENED for e in seen),
        confirmed=bool(seen) and seen[-1].action == Action.CONFIRM,
        first_resolver=next((e.actor_staff_id for e in seen if e.action == Action.RESOLVE), None),
        completed_at=None,
        due={
            "respond": row.respond_due_at - shift if row.respond_due_at else None,
            "arrive": row.arrive_due_at - shift if row.arrive_due_at else None,
            "resolve": row.resolve_due_at - shift if row.resolve_due_at else None,
        },
    )
    previous = None
    for event in seen:
        for step, statuses in _STEPS.items():
            if event.to_status in statuses:
                story.reached.setdefault(step, event.at)
        if event.to_status in _DONE and previous not in _DONE:
            story.completed_at = event.at
        previous = event.to_status
    if not story.completed:
        story.completed_at = None
    return story


async def monthly_report(session: AsyncSession, *, community_id: int, month: str, now: datetime) -> MonthlyReport:
    """The KPI report of `month` ("2026-10") for one community, as of `now`. Raises NotFound, InvalidInput."""
    now = ensure_utc(now)
    community = await session.get(Community, community_id)
    if community is None:
        raise NotFound("community", community_id)
    policy = await policy_for(session, community_id)
    period = month_period(month, policy.timezone)
    start, end = period.start, period.end
    rows = await queries.tickets_opened(session, community_id=community_id, start=start, end=min(end, now))
    stories = [_story(row, now) for row in rows]
    answers = await queries.answers_given(session, community_id=community_id, start=start, end=min(end, now))
    answers = [a for a in answers if a.at <= now]
    counted = [s for s in stories if s.counted]
    completed = [s for s in counted if s.completed]
    days = sum(1 for day in period.days() if local_midnight(day, policy.timezone) < now)
    technicians = await _technicians(session, policy, community_id, completed, days)
    tech_roles = {r.value for r in _reports(policy).technician_roles}
    team = [t for t in technicians if t.role in tech_roles]
    opened_by_type = _tally(TicketType, (s.row.type for s in stories))
    callbacks = await _callbacks(session, policy, community_id, period, completed, now)
    required = sum(c.required for c in callbacks)
    judged = [a for a in answers if a.satisfied is not None]
    return MonthlyReport(
        community_id=community.id,
        community_code=community.code,
        community_name=community.name,
        month=period.label,
        timezone=policy.timezone.key,
        start=start,
        end=end,
        as_of=now,
        days=days,
        counts=_counts(stories, opened_by_type),
        satisfaction_rate=_ratio(sum(1 for a in judged if a.satisfied), len(judged)),
        satisfaction_target=policy.quality.satisfaction_target,
        survey_answers=len(judged),
        complaint_rate=_ratio(opened_by_type[TicketType.COMPLAINT], len(stories)),
        completion_rate=_ratio(len(completed), len(counted)),
        confirmation_rate=_ratio(sum(1 for s in completed if s.confirmed), len(completed)),
        rework_rate=_ratio(sum(1 for s in completed if s.reworked), len(completed)),
        rework_alert_rate=policy.quality.rework_alert_rate,
        callback_rate=_ratio(sum(min(c.done, c.required) for c in callbacks), required),
        callbacks=callbacks,
        deadlines=tuple(_compliance(u, [s for s in counted if s.row.urgency == u], now) for u in _URGENCIES),
        avg_response_minutes=_mean_minutes(counted, "respond"),
        avg_resolution_minutes=_mean_minutes(counted, "resolve"),
        tickets_per_technician_per_day=_per_day(team, await _team_size(session, policy, community_id, team), days),
        technicians=tuple(technicians),
        complaints=_complaints([s.row for s in stories]),
        feedback=_feedback(policy, answers),
        feedback_labels=dict(_reports(policy).feedback_categories),
        daily=tuple(_daily(period, stories, judged)),
    )


async def quarterly_complaints(
    session: AsyncSession, *, community_id: int, quarter: str, now: datetime
) -> QuarterlyComplaints:
    """Complaints opened in `quarter` ("2026-Q4") by category, tier and month, as of `now`."""
    now = ensure_utc(now)
    if await session.get(Community, community_id) is None:
        raise NotFound("community", community_id)
    policy = await policy_for(session, community_id)
    period = quarter_period(quarter, policy.timezone)
    rows = await queries.tickets_opened(
        session,
        community_id=community_id,
        start=period.start,
        end=min(period.end, now),
        types=(TicketType.COMPLAINT.value,),
    )
    months = {f"{day.year:04d}-{day.month:02d}": 0 for day in period.days()}
    for row in rows:
        local = period.local_day(row.created_at)
        months[f"{local.year:04d}-{local.month:02d}"] += 1
    return QuarterlyComplaints(
        community_id=community_id,
        quarter=period.label,
        start=period.start,
        end=period.end,
        as_of=now,
        complaints=_complaints(rows),
        by_month=months,
    )


def _reports(policy: Policy) -> ReportRules:
    if policy.reports is None:
        raise ValueError("the policy has no [reports] section")
    return policy.reports


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _tally(kind: type, values) -> dict:  # type: ignore[no-untyped-def]
    counts = {member.value: 0 for member in kind}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _counts(stories: list[_Story], by_type: dict[str, int]) -> Counts:
    complaints = [s.row for s in stories if s.row.type == TicketType.COMPLAINT]
    cancelled = sum(1 for s in stories if s.status == Status.CANCELLED)
    completed = sum(1 for s in stories if s.completed)
    return Counts(
        created=len(stories),
        completed=completed,
        closed=sum(1 for s in stories if s.status == Status.CLOSED),
        confirmed=sum(1 for s in stories if s.confirmed),
        cancelled=cancelled,
        merged=sum(1 for s in stories if s.merged and s.status != Status.CANCELLED),
        open=len(stories) - completed - cancelled,
        by_type=by_type,
        by_category=_tally(Category, (s.row.category for s in stories)),
        by_urgency=_tally(Urgency, (s.row.urgency for s in stories)),
        by_tier=_tier_tally(complaints),
    )


def _tier_tally(rows: list[queries.TicketRow]) -> dict[int, int]:
    tiers = dict.fromkeys(_TIERS, 0)
    for row in rows:
        if row.complaint_tier is not None:
            tiers[row.complaint_tier] = tiers.get(row.complaint_tier, 0) + 1
    return tiers


def _complaints(rows: list[queries.TicketRow]) -> ComplaintBreakdown:
    complaints = [r for r in rows if r.type == TicketType.COMPLAINT]
    matrix = {(c.value, tier): 0 for c in Category for tier in _TIERS}
    for row in complaints:
        key = (row.category, row.complaint_tier or 1)
        matrix[key] = matrix.get(key, 0) + 1
    return ComplaintBreakdown(
        total=len(complaints),
        by_category=_tally(Category, (r.category for r in complaints)),
        by_tier=_tier_tally(complaints),
        by_category_tier=matrix,
    )


def _step(story: _Story, step: str, now: datetime) -> str | None:
    """met / missed / pending for one deadline of one ticket; None when there is no deadline."""
    due = story.due[step]
    if due is None:
        return None
    done = story.reached.get(step)
    if done is not None:
        return "met" if done <= due else "missed"
    return "missed" if now > due else "pending"


def _compliance(urgency: str, stories: list[_Story], now: datetime) -> UrgencyCompliance:
    steps = {}
    for step in _STEPS:
        outcomes = [_step(s, step, now) for s in stories]
        met, missed = outcomes.count("met"), outcomes.count("missed")
        steps[step] = StepCompliance(
            met=met, missed=missed, pending=outcomes.count("pending"), rate=_ratio(met, met + missed)
        )
    return UrgencyCompliance(urgency=urgency, tickets=len(stories), **steps)


def _mean_minutes(stories: list[_Story], step: str) -> float | None:
    spans = [(s.reached[step] - s.row.created_at) / timedelta(minutes=1) for s in stories if step in s.reached]
    return sum(spans) / len(spans) if spans else None


async def _technicians(
    session: AsyncSession, policy: Policy, community_id: int, completed: list[_Story], days: int
) -> list[TechnicianStats]:
    done: dict[int, list[_Story]] = {}
    for story in completed:
        if story.first_resolver is not None:
            done.setdefault(story.first_resolver, []).append(story)
    staff = await queries.staff_by_id(session, set(done))
    alert = policy.quality.rework_alert_rate
    result = []
    for staff_id, stories in sorted(done.items()):
        reworked = sum(1 for s in stories if s.reworked)
        rate = reworked / len(stories)
        member = staff.get(staff_id)
        result.append(
            TechnicianStats(
                staff_id=staff_id,
                name=member.name if member else f"#{staff_id}",
                role=member.role if member else "",
                completed=len(stories),
                reworked=reworked,
                rework_rate=rate,
                flagged=rate > alert,
                tickets_per_day=len(stories) / days if days else None,
            )
        )
    return result


async def _team_size(session: AsyncSession, policy: Policy, community_id: int, team: list[TechnicianStats]) -> int:
    roles = tuple(r.value for r in _reports(policy).technician_roles)
    active = await queries.active_staff_ids(session, community_id=community_id, roles=roles)
    return len(active | {t.staff_id for t in team})


def _per_day(team: list[TechnicianStats], size: int, days: int) -> float | None:
    if not size or not days:
        return None
    return sum(t.completed for t in team) / size / days


async def _callbacks(
    session: AsyncSession, policy: Policy, community_id: int, period: Period, completed: list[_Story], now: datetime
) -> tuple[CallbackStats, ...]:
    rules = _reports(policy)
    answered = await queries.called_back(
        session, community_id=community_id, start=period.start, end=min(period.end, now), until=now
    )
    result = []
    for kind, target in policy.callbacks.rate.items():
        if target <= 0:
            continue
        mine = [s for s in completed if rules.callback_kind(s.row.type, s.row.category) == kind]
        latest = timedelta(days=policy.callbacks.delay_days.get(kind, (0, 0))[1])
        due = [s for s in mine if s.row.id in answered or (s.completed_at and s.completed_at + latest <= now)]
        done = sum(1 for s in due if s.row.id in answered)
        required = math.ceil(target * len(due) - 1e-9)
        result.append(
            CallbackStats(
                kind=kind,
                target=target,
                completed=len(mine),
                due=len(due),
                required=required,
                done=done,
                rate=_ratio(min(done, required), required),
            )
        )
    return tuple(result)


def _feedback(policy: Policy, answers: list[queries.AnswerRow]) -> dict[str, int]:
    rules = _reports(policy)
    counts = dict.fromkeys(rules.feedback_categories, 0)
    for answer in answers:
        named = set(answer.reasons)
        named |= {name for name, score in answer.scores.items() if score is not None and score <= rules.low_score}
        for name in named & counts.keys():
            counts[name] += 1
    return counts


def _daily(period: Period, stories: list[_Story], judged: list[queries.AnswerRow]) -> list[DayFigures]:
    created: dict[date, int] = {}
    for story in stories:
        day = period.local_day(story.row.created_at)
        created[day] = created.get(day, 0) + 1
    answers: dict[date, list[bool]] = {}
    for answer in judged:
        answers.setdefault(period.local_day(answer.at), []).append(bool(answer.satisfied))
    figures = []
    for day in period.days():
        said = answers.get(day, [])
        happy = sum(said)
        figures.append(DayFigures(day, created.get(day, 0), len(said), happy, _ratio(happy, len(said))))
    return figures
