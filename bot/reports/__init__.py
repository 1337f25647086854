"""Render KPI reports for people: Chinese labels, CSV for Excel, PNG charts and a group-chat summary."""

from bot.reports.charts import (
    category_bar,
    cjk_font,
    deadline_bar,
    feedback_pie,
    render_all,
    satisfaction_trend,
)
from bot.reports.csv_export import quarterly_csv, report_csv
from bot.reports.labels import labelled_rows, row_label
from bot.reports.text import quarterly_text, summary_text

__all__ = [
    "category_bar",
    "cjk_font",
    "deadline_bar",
    "feedback_pie",
    "labelled_rows",
    "quarterly_csv",
    "quarterly_text",
    "render_all",
    "report_csv",
    "row_label",
    "satisfaction_trend",
    "summary_text",
]
