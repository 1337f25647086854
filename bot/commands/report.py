"""`wuye report --community ID-or-code --month 2026-10`: the monthly KPI report, CSV and charts."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

from bot.reports import feedback_pie, labelled_rows, quarterly_text, render_all, report_csv, summary_text
from storage.clock import SystemClock
from storage.communities import get_community
from storage.db import one_transaction
from storage.errors import StorageError
from storage.reports import monthly_report, quarterly_complaints, quarterly_rows, report_rows


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `report` to the CLI."""
    report = subparsers.add_parser("report", help="monthly KPI report (满意度、完成率、返工率…), CSV and charts")
    report.add_argument("--url", help="database URL (default: $WUYE_DATABASE_URL)")
    report.add_argument("--community", required=True, help="community id or code")
    report.add_argument("--month", help="month to report, e.g. 2026-10")
    report.add_argument("--quarter", help="also (or only) the quarter's complaints, e.g. 2026-Q4")
    report.add_argument(
        "--as-of", type=_aware, help="read the records as of this time (ISO, with offset; default: now)"
    )
    report.add_argument("--csv", type=Path, help="write the monthly figures as CSV (UTF-8 with BOM, for Excel)")
    report.add_argument("--pie", type=Path, help="write the feedback pie chart as PNG")
    report.add_argument("--charts", type=Path, help="write every chart as PNG into this directory")
    report.set_defaults(handler=_report)


def _aware(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError("give a time zone offset, e.g. 2026-11-01T09:00+08:00")
    return value


def _report(args: argparse.Namespace) -> int:
    if not args.month and not args.quarter:
        print("error: give --month (e.g. 2026-10) and/or --quarter (e.g. 2026-Q4)", file=sys.stderr)
        return 2
    if not args.month and (args.csv or args.pie or args.charts):
        print("error: --csv, --pie and --charts need --month", file=sys.stderr)
        return 2
    try:
        asyncio.run(_run(args))
    except (StorageError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


async def _run(args: argparse.Namespace) -> None:
    now = args.as_of or SystemClock().now()
    async with one_transaction(args.url) as session:
        community = await get_community(session, int(args.community) if args.community.isdigit() else args.community)
        monthly = (
            await monthly_report(session, community_id=community.id, month=args.month, now=now) if args.month else None
        )
        quarterly = (
            await quarterly_complaints(session, community_id=community.id, quarter=args.quarter, now=now)
            if args.quarter
            else None
        )
    if monthly is not None:
        print(summary_text(monthly))
        print()
        for key, label, value in labelled_rows(report_rows(monthly), feedback_labels=monthly.feedback_labels):
            print(f"{label} ({key}): {value}")
        if args.csv:
            args.csv.write_bytes(report_csv(monthly))
            print(f"CSV: {args.csv}")
        if args.pie:
            args.pie.write_bytes(feedback_pie(monthly))
            print(f"PNG: {args.pie}")
        if args.charts:
            for path in render_all(monthly, args.charts):
                print(f"PNG: {path}")
    if quarterly is not None:
        if monthly is not None:
            print()
        print(quarterly_text(quarterly, community.name))
        for key, label, value in labelled_rows(quarterly_rows(quarterly)):
            print(f"{label} ({key}): {value}")
