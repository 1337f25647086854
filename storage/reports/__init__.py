"""KPI reports: the monthly report and quarterly complaint statistics of a community (service-policy §7)."""

from storage.reports.kpis import monthly_report, quarterly_complaints
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
from storage.reports.periods import Period, month_period, quarter_period
from storage.reports.rows import quarterly_rows, report_rows

__all__ = [
    "CallbackStats",
    "ComplaintBreakdown",
    "Counts",
    "DayFigures",
    "MonthlyReport",
    "Period",
    "QuarterlyComplaints",
    "StepCompliance",
    "TechnicianStats",
    "UrgencyCompliance",
    "month_period",
    "monthly_report",
    "quarter_period",
    "quarterly_complaints",
    "quarterly_rows",
    "report_rows",
]
