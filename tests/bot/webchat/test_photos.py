"""Photos in the web chat over real HTTP: the resident's own photo comes back as a thumbnail URL, replies show theirs,
and every photo is served only to the browser session that may see it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import FormData, web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.webchat import WEBCHAT
from dialogs import Outgoing
from storage.attachments import add_attachment
from storage.clock import FrozenClock
from storage.outbox import enqueue
from storage.staff.models import Staff
from storage.tickets.models import Ticket
from tests.bot.webchat.conftest import PNG, Resident, all_sent

Browser = Callable[[], Awaitable[Resident]]
Sessions = async_sessionmaker[AsyncSession]

# A different tiny image (GIF), so its sha256 differs from PNG's.
GIF = bytes.fromhex("4749463839610100010080000000000000ffffff21f90401000000002c00000000010001000002024401003b")


async def _upload(resident: Resident, data: bytes, message_id: str) -> tuple[int, dict[str, Any]]:
    form = FormData()
    form.add_field("photo", data, filename="scene.png", content_type="image/png")
    async with resident.http.post(f"/webchat/photos?id={message_id}", data=form) as response:
        return response.status, await response.json()


async def _get(resident: Resident, url: str) -> tuple[int, bytes, dict[str, str]]:
    async with resident.http.get(url) as response:
        return response.status, await response.read(), dict(response.headers)


async def _staff_photo(
    sessions: Sessions, app: web.Application, clock: FrozenClock, *, data: bytes, ticket_id: int | None = None
) -> int:
    """A photo uploaded by a staff member (e.g. after the repair), optionally on a ticket; its attachment id."""
    async with sessions() as session, session.begin():
        staff_id = await session.scalar(select(Staff.id).limit(1))
        attachment = await add_attachment(
            session,
            app[WEBCHAT].files,
            data=data,
            now=clock.now(),
            ticket_id=ticket_id,
            expected_kind="photo",
            label="after",
            staff_id=staff_id,
        )
        return attachment.id


async def test_the_residents_own_photo_comes_back_as_a_url_only_that_browser_can_load(browser: Browser) -> None:
    resident, neighbour = await browser(), await browser()
    await resident.open_page()
    await neighbour.open_page()
    status, answer = await _upload(resident, PNG, "p-own")
    assert status == 202
    photo = answer["photo"]
    assert photo["url"] == f"/webchat/photos/{photo['id']}"
    status, body, headers = await _get(resident, photo["url"])
    assert status == 200 and body == PNG
    assert headers["Content-Type"] == "image/png" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"].startswith("private")
    assert (await _get(neighbour, photo["url"]))[0] == 404  # another session's photo by id
    assert (await _get(resident, f"/webchat/photos/{photo['id'] + 1000}"))[0] == 404


async def test_a_browser_without_a_session_gets_404(browser: Browser) -> None:
    resident, stranger = await browser(), await browser()
    url = (await _upload(resident, PNG, "p-1"))[1]["photo"]["url"]
    status, body, _ = await _get(stranger, url)  # no cookie at all
    assert status == 404 and "照片不存在" in body.decode()


async def test_a_refused_file_gives_no_photo(browser: Browser) -> None:
    resident = await browser()
    assert await _upload(resident, b"%PDF-1.4 nope", "p-pdf") == (202, {"status": "accepted", "photo": None})
    assert "无法作为照片接收" in await resident.text()


async def test_a_reply_with_attachment_ids_shows_its_photos_to_its_session_only(
    browser: Browser, app: web.Application, sessions: Sessions, clock: FrozenClock
) -> None:
    resident, neighbour = await browser(), await browser()
    await resident.open_page()
    await neighbour.open_page()
    photo_id = await _staff_photo(sessions, app, clock, data=GIF)
    assert (await _get(resident, f"/webchat/photos/{photo_id}"))[0] == 404  # not shown to anyone yet
    async with sessions() as session, session.begin():
        reply = Outgoing("维修完成，这是修好后的照片。", attachment_ids=(photo_id,))
        await enqueue(
            session,
            channel="webchat",
            recipient=resident.session_id or "",
            kind="reply",
            payload=reply.to_dict(),
            now=clock.now(),
        )
    await all_sent(sessions)
    [shown] = await resident.poll()
    assert shown["photos"] == [f"/webchat/photos/{photo_id}"]
    status, body, headers = await _get(resident, shown["photos"][0])
    assert status == 200 and body == GIF and headers["Content-Type"] == "image/gif"
    assert (await _get(neighbour, shown["photos"][0]))[0] == 404


async def test_photos_on_the_residents_ticket_are_theirs_to_see(
    browser: Browser, app: web.Application, sessions: Sessions, clock: FrozenClock
) -> None:
    resident, neighbour = await browser(), await browser()
    await resident.say("厨房水管漏水 3栋2单元502")
    await resident.say("13812345678")
    await resident.poll()
    await resident.press("跳过")
    await resident.poll()
    await resident.press("确认提交")
    await resident.poll()
    await neighbour.say("你好")
    async with sessions() as session:
        ticket_id = await session.scalar(select(Ticket.id))
    after = await _staff_photo(sessions, app, clock, data=GIF, ticket_id=ticket_id)
    assert (await _get(resident, f"/webchat/photos/{after}"))[0] == 200
    assert (await _get(neighbour, f"/webchat/photos/{after}"))[0] == 404
