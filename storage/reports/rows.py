"""Flatten a report into (key, value) rows for CSV and text: stable English keys, formatted values."""

from __future__ import annotations

from storage.reports.models import ComplaintBreakdown, MonthlyReport, QuarterlyComplaints

#: How a missing figure (a rate without a denominator) is written.
NONE = "-"


def percent(value: float | None) -> str:
    """0.9231 -> "92.3%"; None -> "-"."""
    return NONE if value is None else f"{value * 100:.1f}%"


def number(value: float | None, digits: int = 1) -> str:
    """A figure with `digits` decimals; None -> "-"."""
    return NONE if value is None else f"{value:.{digits}f}"


def report_rows(report: MonthlyReport) -> list[tuple[str, str]]:
    """Every figure of the monthly report as (dotted key, value), in reading order."""
    c = report.counts
    rows = [
        ("community", f"{report.community_code} {report.community_name}"),
        ("month", report.month),
        ("as_of", report.as_of.isoformat(timespec="minutes")),
        ("tickets.created", str(c.created)),
        ("tickets.completed", str(c.completed)),
        ("tickets.closed", str(c.closed)),
        ("tickets.confirmed", str(c.confirmed)),
        ("tickets.cancelled", str(c.cancelled)),
        ("tickets.merged", str(c.merged)),
        ("tickets.open", str(c.open)),
        ("rate.satisfaction", percent(report.satisfaction_rate)),
        ("rate.satisfaction_target", percent(report.satisfaction_target)),
        ("survey.answers", str(report.survey_answers)),
        ("rate.complaint", percent(report.complaint_rate)),
        ("rate.completion", percent(report.completion_rate)),
        ("rate.confirmation", percent(report.confirmation_rate)),
        ("rate.rework", percent(report.rework_rate)),
        ("rate.callback", percent(report.callback_rate)),
        ("rate.response_compliance", percent(report.response_compliance)),
        ("minutes.avg_response", number(report.avg_response_minutes)),
        ("minutes.avg_resolution", number(report.avg_resolution_minutes)),
        ("tickets_per_technician_per_day", number(report.tickets_per_technician_per_day, 2)),
    ]
    rows += [(f"by_type.{k}", str(v)) for k, v in c.by_type.items()]
    rows += [(f"by_category.{k}", str(v)) for k, v in c.by_category.items()]
    rows += [(f"by_urgency.{k}", str(v)) for k, v in c.by_urgency.items()]
    for urgency in report.deadlines:
        for step in ("respond", "arrive", "resolve"):
            figures = getattr(urgency, step)
            if figures.met + figures.missed + figures.pending:
                key = f"deadline.{urgency.urgency}.{step}"
                rows.append((key, f"{percent(figures.rate)} ({figures.met}/{figures.met + figures.missed})"))
    for callback in report.callbacks:
        rows.append((f"callback.{callback.kind}", f"{percent(callback.rate)} ({callback.done}/{callback.required})"))
    for tech in report.technicians:
        flag = " !" if tech.flagged else ""
        value = f"{tech.completed} / {percent(tech.rework_rate)} / {number(tech.tickets_per_day, 2)}{flag}"
        rows.append((f"technician.{tech.staff_id}.{tech.name}", value))
    rows += complaint_rows(report.complaints)
    rows += [(f"feedback.{name}", str(count)) for name, count in report.feedback.items()]
    rows += [(f"day.{d.day.isoformat()}", f"{d.created} / {percent(d.satisfaction_rate)}") for d in report.daily]
    return rows


def complaint_rows(complaints: ComplaintBreakdown) -> list[tuple[str, str]]:
    """Complaints total, by category and by tier."""
    rows = [("complaints.total", str(complaints.total))]
    rows += [(f"complaints.category.{k}", str(v)) for k, v in complaints.by_category.items()]
    rows += [(f"complaints.tier.{k}", str(v)) for k, v in complaints.by_tier.items()]
    return rows


def quarterly_rows(report: QuarterlyComplaints) -> list[tuple[str, str]]:
    """The quarter's complaint statistics as (key, value)."""
    rows = [("quarter", report.quarter), *complaint_rows(report.complaints)]
    rows += [(f"complaints.month.{month}", str(count)) for month, count in report.by_month.items()]
    return rows
