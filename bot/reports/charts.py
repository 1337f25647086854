"""PNG charts of a monthly report (matplotlib, Agg, no display): feedback pie, satisfaction trend,
tickets by category, deadline compliance.

Chinese labels need a CJK font (Debian: fonts-wqy-microhei or fonts-noto-cjk). Without one the charts
are still drawn, with English labels, rather than as rows of empty boxes.
"""

from __future__ import annotations

import io
import logging
from functools import cache
from pathlib import Path
from typing import Any

from dialogs.wording import Wording, default_wording
from storage.reports import MonthlyReport

log = logging.getLogger(__name__)

#: Font families that cover Simplified Chinese, best first.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
#: File-name hints of CJK fonts, for fonts installed after matplotlib built its cache.
_CJK_FILES = ("wqy", "notosanscjk", "notoserifcjk", "sourcehansans", "simhei", "msyh", "droidsansfallback", "uming")
_STEPS = ("respond", "arrive", "resolve")
_ENGLISH = {
    "reports.chart_feedback": "Feedback categories",
    "reports.chart_trend": "Daily satisfaction",
    "reports.chart_categories": "Tickets by category",
    "reports.chart_deadlines": "Deadline compliance",
    "reports.axis_day": "Day",
    "reports.axis_rate": "Rate (%)",
    "reports.axis_tickets": "Tickets",
    "reports.step_respond": "respond",
    "reports.step_arrive": "arrive",
    "reports.step_resolve": "resolve",
    "reports.no_data": "no data",
}


@cache
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None."""
    try:
        from matplotlib import font_manager

        installed = {font.name for font in font_manager.fontManager.ttflist}
        for family in CJK_FAMILIES:
            if family in installed:
                return family
        for path in font_manager.findSystemFonts():
            if any(hint in Path(path).name.lower().replace("-", "").replace("_", "") for hint in _CJK_FILES):
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
    except Exception as error:  # a broken font cache must not stop a report
        log.warning("no CJK font for charts: %s", error)
    return None


class _Text:
    """Chart words: Chinese from the wording file with a CJK font, else English keys."""

    def __init__(self, wording: Wording | None, chinese: bool) -> None:
        self.w = wording or default_wording()
        self.chinese = chinese

    def __call__(self, key: str) -> str:
        return self.w(key) if self.chinese else _ENGLISH[key]

    def label(self, key: str, english: str) -> str:
        return self.w(key) if self.chinese and key in self.w else english


def _figure(width: float = 7.0, height: float = 4.5) -> tuple[Any, Any, bool]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.add_subplot(), cjk_font() is not None


def _png(figure: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _font(chinese: bool) -> dict[str, Any]:
    return {"fontfamily": cjk_font()} if chinese else {}


def _no_data(axes: Any, text: _Text, chinese: bool) -> None:
    axes.text(0.5, 0.5, text("reports.no_data"), ha="center", va="center", transform=axes.transAxes, **_font(chinese))
    axes.set_axis_off()


def feedback_pie(report: MonthlyReport, wording: Wording | None = None) -> bytes:
    """Pie of the feedback categories (服务态度 / 响应速度 / 解决效果 / 增值服务需求), §5."""
    figure, axes, chinese = _figure(6.0, 4.5)
    text = _Text(wording, chinese)
    axes.set_title(f"{text('reports.chart_feedback')} {report.month}", **_font(chinese))
    shown = {key: count for key, count in report.feedback.items() if count}
    if not shown:
        _no_data(axes, text, chinese)
        return _png(figure)
    names = [report.feedback_labels.get(key, key) if chinese else key for key in shown]
    _, labels, _ = axes.pie(list(shown.values()), labels=names, autopct="%1.0f%%", startangle=90, counterclock=False)
    for label in labels:
        label.set(**_font(chinese))
    axes.axis("equal")
    return _png(figure)


def satisfaction_trend(report: MonthlyReport, wording: Wording | None = None) -> bytes:
    """Daily satisfaction (line, days without answers skipped) against the policy target."""
    figure, axes, chinese = _figure()
    text = _Text(wording, chinese)
    axes.set_title(f"{text('reports.chart_trend')} {report.month}", **_font(chinese))
    points = [(d.day.day, d.satisfaction_rate * 100) for d in report.daily if d.satisfaction_rate is not None]
    if not points:
        _no_data(axes, text, chinese)
        return _png(figure)
    axes.plot([p[0] for p in points], [p[1] for p in points], marker="o")
    axes.axhline(report.satisfaction_target * 100, linestyle="--", color="tab:red")
    axes.set_xlim(0.5, len(report.daily) + 0.5)
    axes.set_ylim(0, 105)
    axes.set_xlabel(text("reports.axis_day"), **_font(chinese))
    axes.set_ylabel(text("reports.axis_rate"), **_font(chinese))
    return _png(figure)


def category_bar(report: MonthlyReport, wording: Wording | None = None) -> bytes:
    """Tickets opened per category."""
    from matplotlib.ticker import MaxNLocator

    figure, axes, chinese = _figure()
    text = _Text(wording, chinese)
    axes.set_title(f"{text('reports.chart_categories')} {report.month}", **_font(chinese))
    categories = list(report.counts.by_category)
    if not any(report.counts.by_category.values()):
        _no_data(axes, text, chinese)
        return _png(figure)
    names = [text.label(f"labels.category.{c}", c) for c in categories]
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # ticket counts are whole numbers
    axes.bar(range(len(categories)), [report.counts.by_category[c] for c in categories])
    axes.set_xticks(range(len(categories)), names, rotation=30, ha="right", **_font(chinese))
    axes.set_ylabel(text("reports.axis_tickets"), **_font(chinese))
    return _png(figure)


def deadline_bar(report: MonthlyReport, wording: Wording | None = None) -> bytes:
    """Respond / arrive / resolve compliance per urgency (grouped bars; no bar where nothing was due)."""
    figure, axes, chinese = _figure()
    text = _Text(wording, chinese)
    axes.set_title(f"{text('reports.chart_deadlines')} {report.month}", **_font(chinese))
    if all(getattr(u, step).rate is None for u in report.deadlines for step in _STEPS):
        _no_data(axes, text, chinese)
        return _png(figure)
    width = 0.8 / len(_STEPS)
    for index, step in enumerate(_STEPS):
        rates = [getattr(u, step).rate for u in report.deadlines]
        xs = [n + (index - 1) * width for n, rate in enumerate(rates) if rate is not None]
        axes.bar(xs, [rate * 100 for rate in rates if rate is not None], width, label=text(f"reports.step_{step}"))
    names = [text.label(f"labels.urgency.{u.urgency}", u.urgency) for u in report.deadlines]
    axes.set_xticks(range(len(names)), names, **_font(chinese))
    axes.set_ylim(0, 105)
    axes.set_ylabel(text("reports.axis_rate"), **_font(chinese))
    axes.legend(prop={"family": cjk_font()} if chinese else None)
    return _png(figure)


#: The charts `render_all` writes, by file name.
CHARTS = {
    "feedback.png": feedback_pie,
    "satisfaction.png": satisfaction_trend,
    "categories.png": category_bar,
    "deadlines.png": deadline_bar,
}


def render_all(report: MonthlyReport, directory: Path, wording: Wording | None = None) -> list[Path]:
    """Write every chart as PNG into `directory` (created if missing); returns the files."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in CHARTS.items():
        path = directory / name
        path.write_bytes(draw(report, wording))
        written.append(path)
    return written
