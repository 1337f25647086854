"""Charts, CSV and the group-chat text of a seeded month's report — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import warnings

import pytest
from PIL import Image

from bot.reports import (
    category_bar,
    charts,
    deadline_bar,
    feedback_pie,
    quarterly_csv,
    quarterly_text,
    render_all,
    report_csv,
    row_label,
    satisfaction_trend,
    summary_text,
)
from storage.reports import monthly_report, quarterly_complaints, report_rows
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401
from tests.storage.conftest import SQLITE_ONLY
from tests.storage.reports.seed import REPORT_NOW, seed_month

#: Drawing and formatting a report; its figures are proven on both backends in tests/storage/reports.
pytestmark = SQLITE_ONLY

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHARTS = (feedback_pie, satisfaction_trend, category_bar, deadline_bar)


@pytest.fixture
async def report(db):  # noqa: F811
    async with db.sessions() as session:
        month = await seed_month(session)
        return await monthly_report(session, community_id=month.community.id, month="2026-10", now=REPORT_NOW)


def _check_png(data: bytes) -> Image.Image:
    assert data.startswith(PNG_MAGIC) and len(data) > 8_000
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.width >= 500 and image.height >= 400
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 20  # more than a blank canvas
    return image


async def test_charts_are_valid_pngs_drawn_with_a_chinese_font(report) -> None:
    assert charts.cjk_font() is not None, "install fonts-wqy-microhei (see .ci/run)"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning from matplotlib
        images = [_check_png(draw(report)) for draw in CHARTS]
    assert len({image.tobytes() for image in images}) == 4


async def test_charts_fall_back_to_english_without_a_cjk_font(report, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files = render_all(report, tmp_path / "charts")
        assert sorted(p.name for p in files) == ["categories.png", "deadlines.png", "feedback.png", "satisfaction.png"]
        for path in files:
            _check_png(path.read_bytes())


async def test_an_empty_month_still_draws(db) -> None:  # noqa: F811
    async with db.sessions() as session:
        month = await seed_month(session)
        empty = await monthly_report(session, community_id=month.community.id, month="2026-07", now=REPORT_NOW)
    for draw in CHARTS:
        data = draw(empty)
        assert data.startswith(PNG_MAGIC) and Image.open(io.BytesIO(data)).size[0] > 0


async def test_csv_opens_in_excel_and_parses_back(report) -> None:
    data = report_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["key", "指标", "value"]
    assert [(key, value) for key, _, value in rows[1:]] == report_rows(report)
    labels = {key: label for key, label, _ in rows[1:]}
    assert labels["rate.satisfaction"] == "满意度"
    assert labels["by_category.engineering"] == "类别·工程维修"
    assert labels["deadline.urgent.respond"] == "时限达标·紧急·响应"
    assert labels["feedback.attitude"] == "回访反馈·服务态度"
    assert labels["complaints.tier.2"] == "投诉等级·2级"
    assert row_label("something.new") == "something.new"


async def test_summary_text_for_the_managers_group(report) -> None:
    text = summary_text(report)
    assert text.startswith(f"📊 {report.community_name} 2026-10 月度服务报告（截至 2026-11-05 10:00）")
    assert f"满意度 {report.satisfaction_rate * 100:.1f}%（目标 90.0%）" in text
    assert f"受理 {report.counts.created} 件" in text
    assert "特急：响应" in text and "回访反馈：服务态度" in text
    for tech in report.flagged_technicians:
        assert tech.name in text
    assert "返工率超过 5.0% 需复训" in text


async def test_quarterly_csv_and_text(db) -> None:  # noqa: F811
    async with db.sessions() as session:
        month = await seed_month(session)
        quarter = await quarterly_complaints(
            session, community_id=month.community.id, quarter="2026-Q4", now=REPORT_NOW
        )
    rows = list(csv.reader(io.StringIO(quarterly_csv(quarter).decode("utf-8-sig"))))
    assert ["complaints.month.2026-10", "投诉月份·2026-10", str(quarter.complaints.total)] in rows
    text = quarterly_text(quarter, "绿湖花园")
    assert text.startswith(f"绿湖花园 2026-Q4 投诉统计：共 {quarter.complaints.total} 件")
    assert "1级" in text
