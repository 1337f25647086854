"""`wuye report` against a seeded month on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

from PIL import Image

from storage.reports import monthly_report
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401
from tests.bot.test_cli_db import wuye
from tests.storage.conftest import SQLITE_ONLY
from tests.storage.reports.seed import REPORT_NOW, seed_month

#: The command's output and files; the figures are proven on both backends in tests/storage/reports.
pytestmark = SQLITE_ONLY

AS_OF = "2026-11-05T10:00+08:00"


async def test_report_prints_writes_csv_and_charts(db, tmp_path, capsys) -> None:  # noqa: F811
    async with db.sessions() as session:
        month = await seed_month(session)
        expected = await monthly_report(session, community_id=month.community.id, month="2026-10", now=REPORT_NOW)
    code = month.community.code
    csv_path, pie_path, charts = tmp_path / "oct.csv", tmp_path / "pie.png", tmp_path / "charts"
    argv = ["report", "--url", db.url, "--community", code, "--month", "2026-10", "--as-of", AS_OF]
    argv += ["--csv", str(csv_path), "--pie", str(pie_path), "--charts", str(charts), "--quarter", "2026-Q4"]
    assert await wuye(*argv) == 0
    out = capsys.readouterr().out
    assert f"受理工单数 (tickets.created): {expected.counts.created}" in out
    assert f"满意度 (rate.satisfaction): {expected.satisfaction_rate * 100:.1f}%" in out
    assert "2026-Q4 投诉统计" in out and "月度服务报告" in out
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert ["tickets.created", "受理工单数", str(expected.counts.created)] in rows
    assert Image.open(pie_path).format == "PNG"
    assert sorted(p.name for p in charts.iterdir()) == [
        "categories.png",
        "deadlines.png",
        "feedback.png",
        "satisfaction.png",
    ]
    # By id as well as by code; the same figures.
    assert (
        await wuye(
            "report", "--url", db.url, "--community", str(month.community.id), "--month", "2026-10", "--as-of", AS_OF
        )
        == 0
    )
    assert f"受理工单数 (tickets.created): {expected.counts.created}" in capsys.readouterr().out


async def test_report_refuses_bad_input(db, capsys) -> None:  # noqa: F811
    assert await wuye("report", "--url", db.url, "--community", "nowhere", "--month", "2026-10") == 1
    assert "nowhere" in capsys.readouterr().err
    assert await wuye("report", "--url", db.url, "--community", "1") == 2
    assert "--month" in capsys.readouterr().err
    async with db.sessions() as session:
        month = await seed_month(session)
    assert await wuye("report", "--url", db.url, "--community", month.community.code, "--month", "2026-13") == 1
    assert "YYYY-MM" in capsys.readouterr().err
