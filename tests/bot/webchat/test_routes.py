"""The web chat over real HTTP: the page and its cookie, a repair reported end to end, photos, sessions, idempotency."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from aiohttp import ClientSession, MultipartWriter, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.http import create_app, keys
from bot.webchat import COOKIE_NAME, MAX_PHOTO_BYTES, WEBCHAT, plugin
from storage.clock import FrozenClock
from storage.inbound.models import InboundMessage
from storage.tickets.models import Ticket
from tests.bot.webchat.conftest import PNG, Resident, all_sent, outbox

Browser = Callable[[], Awaitable[Resident]]
Sessions = async_sessionmaker[AsyncSession]


async def test_the_page_is_the_chat_and_sets_an_httponly_lax_cookie(browser: Browser) -> None:
    resident = await browser()
    response = await resident.open_page()
    assert response.status == 200 and response.content_type == "text/html"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    first = resident.session_id
    async with resident.http.get("/") as again:
        page = await again.text()
        assert "Set-Cookie" not in again.headers  # the same browser keeps its session
    assert resident.session_id == first
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    for element in ('id="messages"', 'id="input"', 'id="send"', 'id="photo"', "物业"):
        assert element in page
    async with resident.http.get("/webchat/static/chat.js") as script:
        assert script.status == 200 and "/webchat/messages" in await script.text()


async def test_a_resident_reports_a_repair_and_gets_a_ticket_number(browser: Browser, sessions: Sessions) -> None:
    resident = await browser()
    await resident.open_page()
    assert (await resident.say("厨房水管漏水 3栋2单元502")).status == 202
    assert "手机号" in await resident.text()
    await resident.say("13812345678")
    assert "照片" in await resident.text()
    assert (await resident.press("跳过")).status == 202
    summary = await resident.text()
    assert "3-2-502" in summary and "13812345678" in summary
    await resident.press("确认提交")
    done = await resident.text()
    assert "已受理" in done and re.search(r"单号 BX-\d{8}-\d{4}", done), done
    async with sessions() as session:
        [ticket] = (await session.scalars(select(Ticket))).all()
    assert ticket.number in done and ticket.contact_phone == "13812345678"
    rows = await all_sent(sessions)
    assert rows and {row.status for row in rows} == {"sent"}  # the outbox worker delivered every reply
    assert {row.recipient for row in rows} == {resident.session_id}


async def test_the_sender_hands_replies_to_the_mailbox(
    browser: Browser, app: web.Application, sessions: Sessions
) -> None:
    resident = await browser()
    await resident.say("你好")
    rows = await all_sent(sessions)
    delivered = app[WEBCHAT].mailbox.delivered(resident.session_id or "")
    assert [d.outbox_id for d in delivered] == [row.id for row in rows]
    registry = app[keys.METRICS].registry
    assert registry.get_sample_value("wuye_messages_in_total", {"channel": "webchat"}) == 1
    assert registry.get_sample_value("wuye_messages_out_total", {"channel": "webchat"}) == len(rows)


async def test_a_long_poll_returns_as_soon_as_a_reply_is_written(browser: Browser) -> None:
    resident = await browser()
    await resident.open_page()
    loop = asyncio.get_running_loop()
    started = loop.time()
    waiting = asyncio.create_task(resident.poll(wait=15))
    await asyncio.sleep(0.1)  # let the poll start waiting
    await resident.say("厨房水管漏水 3栋2单元502")
    messages = await asyncio.wait_for(waiting, 10)
    assert messages and loop.time() - started < 5
    assert await resident.poll(wait=0.2) == []  # nothing new: an empty answer after the wait


async def test_two_browsers_are_two_residents(browser: Browser, sessions: Sessions) -> None:
    first, second = await browser(), await browser()
    await first.say("厨房水管漏水 3栋2单元502")
    await second.say("物业费怎么交")
    assert first.session_id and second.session_id and first.session_id != second.session_id
    assert "手机号" in await first.text()
    second_text = await second.text()
    assert "手机号" not in second_text
    assert {m["id"] for m in first.seen}.isdisjoint(m["id"] for m in second.seen)
    rows = await outbox(sessions, channel="webchat")
    assert {row.recipient for row in rows} == {first.session_id, second.session_id}


async def test_no_cookie_means_a_new_session_never_someone_elses(browser: Browser, server: TestServer) -> None:
    owner = await browser()
    await owner.say("厨房水管漏水 3栋2单元502")
    stranger = await browser()
    # a sender id in the body, and a malformed cookie, are both ignored
    stranger.http.cookie_jar.update_cookies({COOKIE_NAME: "not-a-session"}, server.make_url("/"))
    response = await stranger.post({"id": "x1", "text": "13812345678", "sender_id": owner.session_id})
    assert response.status == 202 and COOKIE_NAME in response.cookies
    assert stranger.session_id not in (None, owner.session_id, "not-a-session")
    assert "手机号" in await owner.text()
    assert "13812345678" not in await stranger.text()
    async with (  # no cookie at all: nothing to read, and a session of its own
        ClientSession(base_url=server.make_url("/")) as bare,
        bare.get("/webchat/messages", params={"wait": 0}) as polled,
    ):
        assert (await polled.json())["messages"] == [] and COOKIE_NAME in polled.cookies


async def test_a_repeated_client_message_id_is_handled_once(browser: Browser, sessions: Sessions) -> None:
    resident = await browser()
    await resident.open_page()
    first = await resident.say("厨房水管漏水 3栋2单元502", message_id="same-1")
    again = await resident.say("厨房水管漏水 3栋2单元502", message_id="same-1")
    assert first.status == again.status == 202
    assert (await again.json())["status"] == "duplicate"
    assert len(await resident.poll()) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(InboundMessage)) == 1


async def test_photos_are_taken_and_a_non_image_is_refused_politely(browser: Browser, sessions: Sessions) -> None:
    resident = await browser()
    await resident.say("厨房水管漏水 3栋2单元502")
    await resident.say("13812345678")
    await resident.poll()
    assert (await resident.upload(PNG)).status == 202
    assert "第1张" in await resident.text()
    refused = await resident.upload(b"%PDF-1.4 not a photo", filename="bill.pdf", content_type="application/pdf")
    assert refused.status == 202
    assert "无法作为照片接收" in await resident.text()
    await resident.press("照片发完了")
    assert "照片：1张" in await resident.text()


async def test_an_oversize_photo_gets_413_with_a_clear_message(browser: Browser, sessions: Sessions) -> None:
    resident = await browser()
    await resident.open_page()
    response = await resident.upload(b"\x89PNG" + bytes(MAX_PHOTO_BYTES + 100 * 1024))
    assert response.status == 413
    assert "照片太大" in (await response.json())["error"]

    async def chunks() -> AsyncIterator[bytes]:
        yield b"\x89PNG"
        for _ in range(11):
            yield bytes(1024 * 1024)

    with MultipartWriter("form-data") as body:  # streamed, no Content-Length: stopped while reading
        part = body.append(chunks(), {"Content-Type": "image/png"})
        part.set_content_disposition("form-data", name="photo", filename="big.png")
    async with resident.http.post("/webchat/photos?id=big2", data=body) as streamed:
        assert streamed.status == 413 and "照片太大" in (await streamed.json())["error"]
    assert await outbox(sessions, channel="webchat") == []


async def test_bad_requests_get_400_and_change_nothing(browser: Browser, sessions: Sessions) -> None:
    resident = await browser()
    assert (await resident.post({"text": "没有编号"})).status == 400
    assert (await resident.post({"id": "a b", "text": "编号不对"})).status == 400
    assert (await resident.post({"id": "e1", "text": "   "})).status == 400
    assert (await resident.post({"id": "e2", "text": "长" * 2001})).status == 400
    async with resident.http.post("/webchat/messages", data="not json") as response:
        assert response.status == 400 and "error" in await response.json()
    async with resident.http.post("/webchat/photos?id=p1", data=b"x") as response:
        assert response.status == 400
    assert await outbox(sessions) == []


async def test_an_unknown_community_gets_503_in_chinese(tmp_path: Path, sessions: Sessions, clock: FrozenClock) -> None:
    settings = Settings(database_url="sqlite+aiosqlite:///unused.db", data_dir=tmp_path / "data")
    app = create_app(settings, clock=clock, sessionmaker=sessions, plugins=[plugin("nowhere")])
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/webchat/messages", json={"id": "m1", "text": "你好"})
        assert response.status == 503 and "小区" in (await response.json())["error"]


async def test_stopping_the_service_ends_waiting_polls_at_once(app: web.Application, browser: Browser) -> None:
    resident = await browser()
    await resident.open_page()
    waiting = asyncio.create_task(resident.poll(wait=20))
    await asyncio.sleep(0.1)  # let the poll start waiting
    loop = asyncio.get_running_loop()
    started = loop.time()
    await app.shutdown()  # what the runner does first on a stop signal
    assert await asyncio.wait_for(waiting, 5) == [] and loop.time() - started < 5
