"""The report as a plain Chinese message for the managers' group chat (also printed by `wuye report`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dialogs.wording import Wording, default_wording
from storage.reports import MonthlyReport, QuarterlyComplaints
from storage.reports.rows import number, percent


def summary_text(report: MonthlyReport, wording: Wording | None = None) -> str:
    """A few lines: the headline rates, deadlines per urgency, feedback, complaints, flagged staff."""
    w = wording or default_wording()
    c = report.counts
    lines = [
        w(
            "reports.summary",
            community=report.community_name,
            month=report.month,
            as_of=report.as_of.astimezone(ZoneInfo(report.timezone)).strftime("%Y-%m-%d %H:%M"),
            created=c.created,
            completed=c.completed,
            closed=c.closed,
            satisfaction=percent(report.satisfaction_rate),
            target=percent(report.satisfaction_target),
            complaint=percent(report.complaint_rate),
            completion=percent(report.completion_rate),
            confirmation=percent(report.confirmation_rate),
            rework=percent(report.rework_rate),
            callback=percent(report.callback_rate),
            response=percent(report.response_compliance),
            avg_response=number(report.avg_response_minutes, 0),
            avg_resolution=number(report.avg_resolution_minutes, 0),
            per_day=number(report.tickets_per_technician_per_day, 2),
        )
    ]
    for urgency in report.deadlines:
        if urgency.tickets:
            lines.append(
                w(
                    "reports.summary_deadline",
                    urgency=w(f"labels.urgency.{urgency.urgency}"),
                    respond=percent(urgency.respond.rate),
                    arrive=percent(urgency.arrive.rate),
                    resolve=percent(urgency.resolve.rate),
                )
            )
    items = [
        w("reports.item", name=report.feedback_labels.get(key, key), count=count)
        for key, count in report.feedback.items()
    ]
    lines.append(w("reports.summary_feedback", items="、".join(items)))
    lines.append(_complaints(w, report.complaints.total, report.complaints.by_category))
    flagged = report.flagged_technicians
    if flagged:
        names = "、".join(f"{t.name}（{percent(t.rework_rate)}）" for t in flagged)
        lines.append(w("reports.summary_flagged", limit=percent(report.rework_alert_rate), names=names))
    else:
        lines.append(w("reports.summary_none_flagged"))
    return "\n".join(lines)


def quarterly_text(report: QuarterlyComplaints, community: str, wording: Wording | None = None) -> str:
    """The quarter's complaints: total, by category and by tier."""
    w = wording or default_wording()
    tiers = "、".join(
        w("reports.item", name=w("reports.tier", level=level), count=count)
        for level, count in report.complaints.by_tier.items()
    )
    return "\n".join(
        [
            w("reports.quarter", community=community, quarter=report.quarter, total=report.complaints.total),
            _complaints(w, report.complaints.total, report.complaints.by_category),
            tiers,
        ]
    )


def _complaints(w: Wording, total: int, by_category: dict[str, int]) -> str:
    items = "、".join(
        w("reports.item", name=w(f"labels.category.{key}"), count=count) for key, count in by_category.items() if count
    )
    return w("reports.summary_complaints", total=total, items=items or "-")
