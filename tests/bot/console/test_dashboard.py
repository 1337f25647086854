"""The console dashboard over real HTTP on a real SQLite file: a seeded month's KPIs and charts for the staff of that
community only, the current month by default, an empty month drawn as 暂无数据, bad input refused."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Awaitable, Callable
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.console.dashboard import CHART_NAMES, TILES
from bot.reports.charts import CHARTS
from bot.reports.labels import row_label
from storage.communities.models import Community
from storage.reports import monthly_report, report_rows
from storage.staff.auth import set_password
from tests.bot.console.conftest import PASSWORD, Browser, Site
from tests.factories import make_community, make_staff
from tests.storage.conftest import SQLITE_ONLY
from tests.storage.reports.seed import seed_month

#: Pages and charts of a report whose figures tests/storage/reports proves on both backends.
pytestmark = SQLITE_ONLY

OpenBrowser = Callable[[], Awaitable[Browser]]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def seeded(site: Site) -> Community:
    """October 2026 of a second community, seeded through the ticket services; its supervisor signs in as `boss`."""
    async with site.sessions() as session:
        month = await seed_month(session)  # commits as it goes
        await set_password(session, staff_id=month.supervisor.id, login="boss", password=PASSWORD, now=site.clock.now())
        await session.commit()
        return month.community


@pytest.fixture
async def other(site: Site) -> Community:
    """A second community, without tickets, whose supervisor signs in as `boss`: enough for refusals and an empty
    month (seeding a month of work costs 2-4 s)."""
    async with site.sessions() as session, session.begin():
        community = await make_community(session, site.clock.now(), code="other")
        boss = await make_staff(session, community, site.clock.now(), role="supervisor", department="service_centre")
        await set_password(session, staff_id=boss.id, login="boss", password=PASSWORD, now=site.clock.now())
        return community


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _selected(html: str, name: str) -> str:
    block = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert block, html
    found = re.search(r'<option value="([^"]*)" selected', block.group(0))
    assert found, block.group(0)
    return found.group(1)


async def _png(browser: Browser, url: str) -> Image.Image:
    async with browser.http.get(url) as response:
        assert response.status == 200, (url, response.status, await response.text())
        assert response.content_type == "image/png"
        data = await response.read()
    assert data.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


async def test_the_months_figures_and_charts_for_the_communitys_supervisor(
    browser: OpenBrowser, site: Site, seeded: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    boss = await (await browser()).signed_in("boss")
    response, html = await boss.get(f"/console/dashboard?community={seeded.id}&month=2026-10")
    assert response.status == 200
    async with site.sessions() as session:
        report = await monthly_report(session, community_id=seeded.id, month="2026-10", now=site.clock.now())
    assert report.counts.created > 10  # the seed really made a month of work
    rows = dict(report_rows(report))
    page = _text(html)
    for key in TILES:  # every headline figure, with its Chinese name, as the report computed it
        assert re.search(rf'data-key="{re.escape(key)}"', html)
        shown = "暂无" if rows[key] == "-" else rows[key]
        assert f"{shown} {row_label(key)}" in page, (key, shown)
    assert f"{row_label('rate.complaint')} {rows['rate.complaint']}" in page  # the full table too
    assert "2026年10月" in page and _selected(html, "month") == "2026-10"
    assert _selected(html, "community") == str(seeded.id)
    assert "演示小区" not in html  # a community supervisor is offered only their own community

    threads: list[str] = []
    for name in CHART_NAMES:
        original = CHARTS[f"{name}.png"]

        def spy(report, *args, _draw=original):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            return _draw(report, *args)

        monkeypatch.setitem(CHARTS, f"{name}.png", spy)
    urls = re.findall(r'<img src="([^"]+)"', html)
    assert len(urls) == 4
    images = [await _png(boss, unescape(url)) for url in urls]
    assert all(image.width >= 500 and image.height >= 400 for image in images)
    assert len({image.tobytes() for image in images}) == 4
    assert threads and all(name.startswith("wuye-charts") for name in threads)  # drawn off the event loop


async def test_the_current_month_in_the_community_time_zone_is_the_default(browser: OpenBrowser, site: Site) -> None:
    agent = await (await browser()).signed_in("agent")
    response, html = await agent.get("/console/dashboard")
    assert response.status == 200
    local_month = site.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    assert _selected(html, "month") == local_month
    months = re.findall(r'<option value="(\d{4}-\d{2})"', html)
    assert len(months) == 12 and months[0] == local_month
    assert "演示小区" in html


async def test_an_empty_month_says_no_data_and_still_draws_every_chart(browser: OpenBrowser, other: Community) -> None:
    boss = await (await browser()).signed_in("boss")
    response, html = await boss.get(f"/console/dashboard?community={other.id}&month=2026-07")
    assert response.status == 200
    assert "暂无" in _text(html) and "2026年7月" in _text(html)
    assert _selected(html, "month") == "2026-07"  # a month outside the list is added to it
    assert re.findall(r'<img src="', html) == []  # no empty axes: each chart's place says 暂无数据
    assert _text(html).count("暂无数据") == len(CHART_NAMES)
    for name in CHART_NAMES:  # the images themselves still draw, for whoever opens one directly
        await _png(boss, f"/console/dashboard/charts/{name}.png?community={other.id}&month=2026-07")


async def test_another_communitys_figures_are_refused(browser: OpenBrowser, other: Community) -> None:
    agent = await (await browser()).signed_in("agent")  # the demo community's service agent
    response, html = await agent.get(f"/console/dashboard?community={other.id}&month=2026-10")
    assert response.status == 404 and "没有查看它的权限" in html
    async with agent.http.get(f"/console/dashboard/charts/feedback.png?community={other.id}&month=2026-10") as chart:
        assert chart.status == 404 and chart.content_type != "image/png"
    boss = await (await browser()).signed_in("boss")
    for path in (
        "/console/dashboard?community=99999&month=2026-10",
        "/console/dashboard?community=abc&month=2026-10",
    ):
        assert (await boss.get(path))[0].status == 404


async def test_bad_input_is_refused_plainly(browser: OpenBrowser, other: Community) -> None:
    boss = await (await browser()).signed_in("boss")
    response, html = await boss.get(f"/console/dashboard?community={other.id}&month=2026-13")
    assert response.status == 400 and "月份格式不对" in html
    async with boss.http.get(f"/console/dashboard/charts/secret.png?community={other.id}") as chart:
        assert chart.status == 404
    async with boss.http.get("/console/dashboard/charts/feedback.png?month=10-2026") as chart:
        assert chart.status == 400


async def test_signing_in_is_required(browser: OpenBrowser, other: Community) -> None:
    stranger = await browser()
    response, _ = await stranger.get("/console/dashboard")
    assert response.status in (302, 303) and response.headers["Location"].startswith("/console/login")
    async with stranger.http.get(
        f"/console/dashboard/charts/feedback.png?community={other.id}", allow_redirects=False
    ) as chart:
        assert chart.status in (302, 303, 401) and chart.content_type != "image/png"
