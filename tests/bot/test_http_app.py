"""The app factory on a real server: health, readiness, metrics, plugins, background tasks, owned database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.config import Settings
from bot.http import add_background_task, create_app, keys
from storage.clock import FrozenClock
from storage.db import Database, create_engine, create_sessionmaker
from storage.outbox import enqueue
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401
from tests.factories import make_community, make_room, make_ticket


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, demo=False)


async def serve(app: web.Application) -> TestClient:
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


@pytest.fixture
async def client(db: Database, clock: FrozenClock) -> AsyncIterator[TestClient]:  # noqa: F811
    client = await serve(create_app(settings_for(db.url), clock=clock, sessionmaker=db.sessions))
    yield client
    await client.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page by (name, sorted labels)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_healthz_says_alive(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_readyz_on_a_migrated_database(client: TestClient) -> None:
    response = await client.get("/readyz")
    assert (response.status, await response.json()) == (200, {"status": "ready"})


async def test_readyz_on_a_database_never_migrated(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    client = await serve(create_app(settings_for("sqlite://"), sessionmaker=create_sessionmaker(engine)))
    try:
        response = await client.get("/readyz")
        body = await response.json()
    finally:
        await client.close()
        await engine.dispose()
    assert response.status == 503
    assert body["status"] == "unavailable"
    assert "no schema" in body["reason"] and "wuye db upgrade" in body["reason"]


async def test_readyz_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a directory is not a database file
    client = await serve(create_app(settings_for("sqlite://"), sessionmaker=create_sessionmaker(engine)))
    try:
        response = await client.get("/readyz")
        body = await response.json()
    finally:
        await client.close()
        await engine.dispose()
    assert response.status == 503
    assert body["reason"].startswith("database unreachable")


async def test_metrics_counts_and_reads_the_database(client: TestClient, db: Database, clock: FrozenClock) -> None:  # noqa: F811
    metrics = client.app[keys.METRICS]
    metrics.messages_in.labels("telegram").inc(3)
    metrics.handler_seconds.labels("telegram").observe(0.2)
    metrics.deadline_breaches.labels("arrive").inc()
    async with db.sessions() as session, session.begin():
        community = await make_community(session, clock.now())
        await make_room(session, community, clock.now())
        await make_ticket(session, community, clock.now())
        await enqueue(session, channel="telegram", recipient="1", kind="reply", payload={}, now=clock.now())
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    found = samples(await response.text())
    assert found[("wuye_messages_in_total", (("channel", "telegram"),))] == 3
    assert found[("wuye_messages_in_total", (("channel", "wecom"),))] == 0
    assert found[("wuye_messages_out_total", (("channel", "webchat"),))] == 0
    assert found[("wuye_handler_seconds_count", (("channel", "telegram"),))] == 1
    assert found[("wuye_deadline_breaches_total", (("deadline", "arrive"),))] == 1
    assert found[("wuye_tickets", (("status", "new"),))] == 1
    assert found[("wuye_tickets", (("status", "closed"),))] == 0
    assert found[("wuye_outbox_backlog", ())] == 1
    assert found[("wuye_database_up", ())] == 1


async def test_two_apps_have_their_own_metrics(db: Database) -> None:  # noqa: F811
    one = create_app(settings_for(db.url), sessionmaker=db.sessions)
    two = create_app(settings_for(db.url), sessionmaker=db.sessions)
    one[keys.METRICS].messages_in.labels("wecom").inc()
    assert two[keys.METRICS].registry.get_sample_value("wuye_messages_in_total", {"channel": "wecom"}) == 0


async def test_index_is_a_placeholder_until_a_plugin_serves_it(db: Database, clock: FrozenClock) -> None:  # noqa: F811
    client = await serve(create_app(settings_for(db.url), sessionmaker=db.sessions))
    try:
        response = await client.get("/")
        assert response.status == 200
        assert "web chat" in await response.text()
    finally:
        await client.close()

    async def chat(request: web.Request) -> web.Response:
        now = request.app[keys.CLOCK].now()
        async with request.app[keys.SESSIONMAKER]() as session:
            assert session.bind is request.app[keys.ENGINE]
        return web.Response(text=f"chat at {now.isoformat()} for {request.app[keys.SETTINGS].database_url}")

    def web_chat(app: web.Application) -> None:
        app.router.add_get("/", chat)

    client = await serve(create_app(settings_for(db.url), clock=clock, sessionmaker=db.sessions, plugins=[web_chat]))
    try:
        response = await client.get("/")
        assert await response.text() == f"chat at {clock.now().isoformat()} for {db.url}"
    finally:
        await client.close()


async def test_background_tasks_stop_with_the_app(db: Database) -> None:  # noqa: F811
    events: list[str] = []

    async def polite(stop: asyncio.Event) -> None:
        events.append("polite started")
        await stop.wait()
        events.append("polite finished its work")

    async def stubborn(stop: asyncio.Event) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            events.append("stubborn cancelled")
            raise

    def plugin(app: web.Application) -> None:
        add_background_task(app, "polite", polite)
        add_background_task(app, "stubborn", stubborn, stop_timeout=0.05)

    client = await serve(create_app(settings_for(db.url), sessionmaker=db.sessions, plugins=[plugin]))
    assert (await client.get("/healthz")).status == 200
    assert events == ["polite started"]
    await client.close()
    assert events == ["polite started", "stubborn cancelled", "polite finished its work"]


async def test_an_app_without_a_sessionmaker_migrates_and_disposes_its_own_database(tmp_path: Path) -> None:
    path = tmp_path / "var" / "own.db"
    app = create_app(settings_for(f"sqlite+aiosqlite:///{path}"))
    client = await serve(app)
    try:
        assert (await client.get("/readyz")).status == 200
    finally:
        await client.close()
    assert path.exists()
    assert app[keys.ENGINE].pool.checkedout() == 0
