"""The report as CSV: UTF-8 with a byte-order mark so Excel in China opens it without garbling."""

from __future__ import annotations

import csv
import io

from bot.reports.labels import labelled_rows
from dialogs.wording import Wording
from storage.reports import MonthlyReport, QuarterlyComplaints, quarterly_rows, report_rows

#: Excel needs the BOM to read UTF-8.
BOM = "\ufeff"
HEADER = ("key", "指标", "value")


def _encode(rows: list[tuple[str, str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def report_csv(report: MonthlyReport, wording: Wording | None = None) -> bytes:
    """Every figure of the monthly report: one row per figure (key, Chinese label, value)."""
    return _encode(labelled_rows(report_rows(report), wording, report.feedback_labels))


def quarterly_csv(report: QuarterlyComplaints, wording: Wording | None = None) -> bytes:
    """The quarter's complaint statistics in the same three columns."""
    return _encode(labelled_rows(quarterly_rows(report), wording))
