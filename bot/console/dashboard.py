"""The console dashboard: the monthly KPI report of one community the staff member may see, with its charts.

`/console/dashboard?community=<id>&month=YYYY-MM` shows the figures; the four charts are PNGs from
`/console/dashboard/charts/<name>.png` with the same query, drawn by `bot.reports.charts` on one worker thread
(matplotlib is CPU-bound and not thread-safe), never on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Final
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.auth import current_staff, staff_required, visible_communities
from bot.console.pages import render
from bot.http import keys
from bot.reports.charts import CHARTS
from bot.reports.labels import labelled_rows
from dialogs.wording import default_wording
from storage.communities.models import Community
from storage.communities.service import policy_for
from storage.errors import InvalidInput
from storage.reports import MonthlyReport, month_period, monthly_report, report_rows
from storage.staff.models import Staff

__all__ = ["CHART_NAMES", "DASHBOARD_PATH", "TILES", "install_dashboard"]

#: The dashboard page.
DASHBOARD_PATH: Final = "/console/dashboard"
#: The charts by URL name, with the wording key of their title (the PNG draws the same title).
CHART_NAMES: Final = {
    "satisfaction": "reports.chart_trend",
    "categories": "reports.chart_categories",
    "deadlines": "reports.chart_deadlines",
    "feedback": "reports.chart_feedback",
}
#: The report rows shown as big figures at the top, in order (the full table follows below).
TILES: Final = (
    "tickets.created",
    "tickets.completed",
    "tickets.open",
    "rate.completion",
    "rate.satisfaction",
    "rate.response_compliance",
    "rate.complaint",
    "rate.confirmation",
    "rate.rework",
    "rate.callback",
    "minutes.avg_response",
    "minutes.avg_resolution",
)
#: How many months (this one and the ones before) the month select box offers.
MONTHS_OFFERED: Final = 12
#: The thread that draws charts; one, so matplotlib never runs twice at once.
CHART_EXECUTOR: Final = web.AppKey("wuye_console_charts", ThreadPoolExecutor)

NO_SUCH_COMMUNITY: Final = "没有这个小区，或您没有查看它的权限。"
BAD_MONTH: Final = "月份格式不对，请从下拉框中选择月份。"
NO_COMMUNITY: Final = "您的账号还没有可以查看的小区，请联系管理员。"


def install_dashboard(app: web.Application) -> None:
    """Register the dashboard page and its chart images, and the chart-drawing thread for the app's lifetime."""
    app.router.add_get(DASHBOARD_PATH, dashboard, name="console_dashboard")
    app.router.add_get("/console/dashboard/charts/{name}.png", chart, name="console_dashboard_chart")

    async def chart_thread(app: web.Application):  # type: ignore[no-untyped-def]
        app[CHART_EXECUTOR] = executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wuye-charts")
        yield
        executor.shutdown(wait=True, cancel_futures=True)

    app.cleanup_ctx.append(chart_thread)


@dataclass(frozen=True)
class Choice:
    """What the dashboard shows: the community and month picked, and what the select boxes offer."""

    community: Community
    month: str
    communities: list[Community]
    months: list[str]


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@staff_required
async def dashboard(request: web.Request) -> web.StreamResponse:
    """The KPI page for `?community=&month=` (defaults: the first community the staff may see, its current month)."""
    staff = await current_staff(request)
    assert staff is not None  # staff_required
    async with request.app[keys.SESSIONMAKER]() as session:
        communities = await _communities(session, staff)
        try:
            choice = await _choose(session, request, communities)
            report = await monthly_report(
                session, community_id=choice.community.id, month=choice.month, now=request.app[keys.CLOCK].now()
            )
        except _Refused as refused:
            return await render(
                request, "dashboard.html", _context(communities, None, None, refused.message), status=refused.status
            )
    return await render(request, "dashboard.html", _context(communities, choice, report, None))


@staff_required
async def chart(request: web.Request) -> web.StreamResponse:
    """One chart of the report as PNG; 404 for an unknown chart or a community the staff may not see."""
    draw = CHARTS.get(f"{request.match_info['name']}.png")
    if draw is None:
        raise web.HTTPNotFound(text="没有这个图表。")
    staff = await current_staff(request)
    assert staff is not None  # staff_required
    async with request.app[keys.SESSIONMAKER]() as session:
        try:
            choice = await _choose(session, request, await _communities(session, staff))
        except _Refused as refused:
            return web.Response(status=refused.status, text=refused.message, headers={"Cache-Control": "no-store"})
        report = await monthly_report(
            session, community_id=choice.community.id, month=choice.month, now=request.app[keys.CLOCK].now()
        )
    png = await _draw(request.app, draw, report)
    return web.Response(
        body=png,
        content_type="image/png",
        headers={"Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff"},
    )


async def _draw(app: web.Application, draw: Callable[[MonthlyReport], bytes], report: MonthlyReport) -> bytes:
    """Draw off the event loop, on the chart thread (or the default pool when the app has none)."""
    return await asyncio.get_running_loop().run_in_executor(app.get(CHART_EXECUTOR), draw, report)


async def _communities(session: AsyncSession, staff: Staff) -> list[Community]:
    """The communities whose figures `staff` may see, by name."""
    query = select(Community).order_by(Community.name, Community.id)
    allowed = visible_communities(staff)
    if allowed is not None:
        query = query.where(Community.id.in_(sorted(allowed)))
    return list(await session.scalars(query))


async def _choose(session: AsyncSession, request: web.Request, communities: list[Community]) -> Choice:
    """The community and month asked for, checked; raises _Refused (404 unseen community, 400 bad month)."""
    if not communities:
        raise _Refused(404, NO_COMMUNITY)
    wanted = request.query.get("community", "").strip()
    if wanted:
        community = next((c for c in communities if str(c.id) == wanted), None)
        if community is None:
            raise _Refused(404, NO_SUCH_COMMUNITY)
    else:
        community = communities[0]
    timezone = (await policy_for(session, community.id)).timezone
    today = request.app[keys.CLOCK].now().astimezone(timezone).date()
    months = _months_back(today, MONTHS_OFFERED)
    month = request.query.get("month", "").strip() or months[0]
    try:
        month = month_period(month, timezone).label
    except InvalidInput:
        raise _Refused(400, BAD_MONTH) from None
    if month not in months:
        months = sorted({*months, month}, reverse=True)
    return Choice(community, month, communities, months)


def _months_back(today: date, count: int) -> list[str]:
    """ "YYYY-MM" of the month of `today` and the `count - 1` before it, newest first."""
    year, month = today.year, today.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return labels


def _context(
    communities: list[Community], choice: Choice | None, report: MonthlyReport | None, error: str | None
) -> dict[str, object]:
    """The template's variables: select boxes, figures, chart URLs, the full table, or the error."""
    w = default_wording()
    context: dict[str, object] = {
        "error": error,
        "communities": communities,
        "choice": choice,
        "report": report,
        "tiles": [],
        "rows": [],
        "charts": [],
        "month_label": _month_label,
    }
    if choice is None or report is None:
        return context
    rows = labelled_rows(report_rows(report), w, report.feedback_labels)
    by_key = {key: (label, value) for key, label, value in rows}
    query = f"community={choice.community.id}&month={choice.month}"
    context.update(
        tiles=[(key, *by_key[key]) for key in TILES if key in by_key],
        rows=[row for row in rows if row[0] not in ("community", "month")],
        charts=[
            (name, w(title), f"{DASHBOARD_PATH}/charts/{name}.png?{query}" if _has_data(name, report) else None)
            for name, title in CHART_NAMES.items()
        ],
        target=by_key.get("rate.satisfaction_target", ("", ""))[1],
        as_of=report.as_of.astimezone(ZoneInfo(report.timezone)).strftime("%Y-%m-%d %H:%M"),
    )
    return context


def _has_data(chart: str, report: MonthlyReport) -> bool:
    """True when the chart would draw something; the page shows 暂无数据 in place of an empty chart."""
    if chart == "satisfaction":
        return any(day.satisfaction_rate is not None for day in report.daily)
    if chart == "categories":
        return report.counts.created > 0
    if chart == "deadlines":
        return any(
            getattr(u, step).rate is not None for u in report.deadlines for step in ("respond", "arrive", "resolve")
        )
    return any(report.feedback.values())


def _month_label(month: str) -> str:
    """ "2026-10" -> "2026年10月"."""
    year, number = month.split("-")
    return f"{year}年{int(number)}月"
