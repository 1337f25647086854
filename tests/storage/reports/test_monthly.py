"""The monthly KPI report on a seeded October, checked against figures computed here in plain Python."""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta

import pytest

from storage.errors import InvalidInput, NotFound
from storage.policy import default_policy
from storage.reports import monthly_report, quarterly_complaints, quarterly_rows, report_rows
from storage.surveys import satisfaction_rate
from tests.storage.reports.seed import REPORT_NOW, SHANGHAI, Month, Seeded, local, seed_month

OCT_START, OCT_END = local(1, 0), local(1, 0, month=11)
LABELS = {"attitude": "服务态度", "speed": "响应速度", "result": "解决效果", "value_added": "增值服务需求"}
LATEST_CALLBACK_DAYS = {"repair": 7, "complaint": 3, "special_service": 1}


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _kind(t: Seeded) -> str:
    if t.type in ("repair", "complaint"):
        return t.type
    return "special_service" if t.category == "value_added" else "other"


def _outcome(t: Seeded, step: str) -> str | None:
    spec = default_policy().deadline_for(t.type, t.urgency, t.tier)
    limit = getattr(spec, step)
    if limit is None:
        return None
    due = t.created + limit
    done = {"respond": t.responded, "arrive": t.arrived, "resolve": t.resolved}[step]
    if done is not None:
        return "met" if done <= due else "missed"
    return "missed" if due < REPORT_NOW else "pending"


@pytest.fixture
async def month(db) -> Month:
    async with db.sessions() as session:
        return await seed_month(session)


async def test_monthly_figures_match_an_independent_count(db, month) -> None:
    async with db.sessions() as session:
        report = await monthly_report(session, community_id=month.community.id, month="2026-10", now=REPORT_NOW)
        stored_rate = await satisfaction_rate(session, community_id=month.community.id, since=OCT_START, until=OCT_END)
    opened = [t for t in month.tickets if OCT_START <= t.created < OCT_END]
    counted = [t for t in opened if t.status != "cancelled" and not t.merged]
    completed = [t for t in counted if t.status in ("resolved", "closed")]
    assert len(opened) == len(month.tickets) - 2  # the tickets at 23:59 on 30 Sep and 00:00 on 1 Nov are out
    assert report.month == "2026-10" and report.timezone == "Asia/Shanghai" and report.days == 31
    assert (report.start, report.end, report.as_of) == (OCT_START, OCT_END, REPORT_NOW)

    c = report.counts
    assert c.created == len(opened)
    assert c.completed == len(completed)
    assert c.closed == sum(t.status == "closed" for t in opened)
    assert c.confirmed == sum(t.confirmed for t in opened)
    assert c.cancelled == sum(t.status == "cancelled" for t in opened)
    assert c.merged == 1
    assert c.open == len(opened) - len(completed) - c.cancelled
    assert c.by_type == {k: sum(t.type == k for t in opened) for k in ("repair", "inquiry", "complaint", "other")}
    assert {k: v for k, v in c.by_category.items() if v} == dict(Counter(t.category for t in opened))
    assert c.by_urgency == {u: sum(t.urgency == u for t in opened) for u in ("normal", "urgent", "critical")}
    assert c.by_tier == {n: sum(t.tier == n for t in opened) for n in (1, 2, 3)}

    judged = [a for a in month.answers if OCT_START <= a.at < OCT_END and a.satisfied is not None]
    assert report.survey_answers == len(judged)
    assert report.satisfaction_rate == pytest.approx(sum(a.satisfied for a in judged) / len(judged))
    assert report.satisfaction_rate == pytest.approx(stored_rate)
    assert report.satisfaction_target == 0.90
    assert report.complaint_rate == pytest.approx(c.by_type["complaint"] / len(opened))
    assert report.completion_rate == pytest.approx(len(completed) / len(counted))
    assert report.confirmation_rate == pytest.approx(sum(t.confirmed for t in completed) / len(completed))
    assert report.rework_rate == pytest.approx(sum(t.reopened for t in completed) / len(completed))
    assert 0 < report.rework_rate < 1 and 0 < report.confirmation_rate < 1

    # Per staff member: first resolution counts; flagged above the 5 % of the policy.
    by_staff: dict[int, list[Seeded]] = {}
    for t in completed:
        by_staff.setdefault(t.first_resolver, []).append(t)
    assert {s.staff_id: (s.completed, s.reworked) for s in report.technicians} == {
        staff: (len(ts), sum(t.reopened for t in ts)) for staff, ts in by_staff.items()
    }
    for stats in report.technicians:
        assert stats.flagged == (stats.reworked / stats.completed > 0.05)
        assert stats.tickets_per_day == pytest.approx(stats.completed / 31)
    assert report.flagged_technicians and len(report.flagged_technicians) < len(report.technicians)
    tech_ids = {s.id for s in month.technicians}
    team_work = sum(len(ts) for staff, ts in by_staff.items() if staff in tech_ids)
    assert report.tickets_per_technician_per_day == pytest.approx(team_work / 4 / 31)  # 3 busy + 1 idle

    # Callbacks: due once the policy's latest day has passed (or already done); 100 % required.
    expected_callbacks = {}
    for kind, days in LATEST_CALLBACK_DAYS.items():
        mine = [t for t in completed if _kind(t) == kind]
        due = [t for t in mine if t.called_back or t.completed_at + timedelta(days=days) <= REPORT_NOW]
        expected_callbacks[kind] = (len(mine), len(due), len(due), sum(t.called_back for t in due))
    assert {cb.kind: (cb.completed, cb.due, cb.required, cb.done) for cb in report.callbacks} == expected_callbacks
    done = sum(v[3] for v in expected_callbacks.values())
    assert report.callback_rate == pytest.approx(done / sum(v[2] for v in expected_callbacks.values()))

    # Deadlines of the first cycle, per urgency.
    for urgency in report.deadlines:
        mine = [t for t in counted if t.urgency == urgency.urgency]
        assert urgency.tickets == len(mine)
        for step in ("respond", "arrive", "resolve"):
            outcomes = Counter(_outcome(t, step) for t in mine)
            figures = getattr(urgency, step)
            assert (figures.met, figures.missed, figures.pending) == (
                outcomes["met"],
                outcomes["missed"],
                outcomes["pending"],
            ), (urgency.urgency, step)
            assert figures.rate == _rate(outcomes["met"], outcomes["met"] + outcomes["missed"])
    respond = [r.respond for r in report.deadlines]
    assert any(s.met for s in respond) and any(s.missed for s in respond)

    responses = [(t.responded - t.created).total_seconds() / 60 for t in counted if t.responded]
    resolutions = [(t.resolved - t.created).total_seconds() / 60 for t in counted if t.resolved]
    assert report.avg_response_minutes == pytest.approx(sum(responses) / len(responses))
    assert report.avg_resolution_minutes == pytest.approx(sum(resolutions) / len(resolutions))

    complaints = [t for t in opened if t.type == "complaint"]
    assert report.complaints.total == len(complaints)
    assert {k: v for k, v in report.complaints.by_category.items() if v} == dict(
        Counter(t.category for t in complaints)
    )
    assert report.complaints.by_tier == {n: sum(t.tier == n for t in complaints) for n in (1, 2, 3)}
    assert {k: v for k, v in report.complaints.by_category_tier.items() if v} == dict(
        Counter((t.category, t.tier) for t in complaints)
    )

    feedback = Counter()
    for answer in month.answers:
        if OCT_START <= answer.at < OCT_END:
            feedback.update(set(answer.reasons) | {q for q, s in answer.scores.items() if s <= 2})
    assert report.feedback == {k: feedback[k] for k in LABELS}
    assert report.feedback_labels == LABELS
    assert sum(report.feedback.values()) > 0

    assert [d.day.day for d in report.daily] == list(range(1, 32))
    for day in report.daily:
        mine = [a for a in judged if a.at.astimezone(SHANGHAI).date() == day.day]
        assert day.created == sum(t.created.astimezone(SHANGHAI).date() == day.day for t in opened)
        assert (day.answers, day.satisfied) == (len(mine), sum(a.satisfied for a in mine))
        assert day.satisfaction_rate == _rate(day.satisfied, day.answers)
    assert report.daily[0].created >= 3  # 00:00 on 1 Oct belongs to October, 23:59 on 30 Sep does not
    assert report.daily[-1].created == sum(t.created.astimezone(SHANGHAI).date().day == 31 for t in opened)

    rows = dict(report_rows(report))
    assert rows["tickets.created"] == str(len(opened))
    assert rows["rate.satisfaction"] == f"{report.satisfaction_rate * 100:.1f}%"
    assert rows["feedback.attitude"] == str(feedback["attitude"])


async def test_quarterly_complaints(db, month) -> None:
    async with db.sessions() as session:
        quarter = await quarterly_complaints(
            session, community_id=month.community.id, quarter="2026-q4", now=REPORT_NOW
        )
    complaints = [t for t in month.tickets if t.type == "complaint" and OCT_START <= t.created < REPORT_NOW]
    assert quarter.quarter == "2026-Q4"
    assert quarter.complaints.total == len(complaints)
    assert quarter.by_month == {"2026-10": len(complaints), "2026-11": 0, "2026-12": 0}
    assert quarter.complaints.by_tier == {n: sum(t.tier == n for t in complaints) for n in (1, 2, 3)}
    assert dict(quarterly_rows(quarter))["complaints.month.2026-10"] == str(len(complaints))


async def test_an_empty_month_has_no_rates_and_bad_input_is_refused(db, month) -> None:
    async with db.sessions() as session:
        report = await monthly_report(session, community_id=month.community.id, month="2026-08", now=REPORT_NOW)
        assert report.counts.created == 0 and report.days == 31
        for rate in (
            report.satisfaction_rate,
            report.complaint_rate,
            report.completion_rate,
            report.confirmation_rate,
            report.rework_rate,
            report.callback_rate,
            report.avg_response_minutes,
        ):
            assert rate is None
        assert report.tickets_per_technician_per_day == 0.0  # four technicians, none resolved anything
        assert all(u.respond.rate is None for u in report.deadlines)
        assert dict(report_rows(report))["rate.completion"] == "-"
        with pytest.raises(InvalidInput):
            await monthly_report(session, community_id=month.community.id, month="2026-13", now=REPORT_NOW)
        with pytest.raises(InvalidInput):
            await quarterly_complaints(session, community_id=month.community.id, quarter="2026-Q5", now=REPORT_NOW)
        with pytest.raises(NotFound):
            await monthly_report(session, community_id=999, month="2026-10", now=REPORT_NOW)
    assert math.isclose(0.05, default_policy().quality.rework_alert_rate)
