"""Ticket detail and actions over real HTTP: a web chat repair worked from the console, and every bad input refused
with nothing changed (another community's ticket, missing CSRF token, oversize or non-image photo, forbidden action)."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from storage.attachments.models import Attachment
from storage.outbox.models import OutboxMessage
from storage.tickets.models import Ticket, TicketEvent
from tests.bot.console.test_queue import _open, _other_community_ticket
from tests.bot.webchat.conftest import PNG, Resident
from tests.storage.conftest import SQLITE_ONLY

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


async def _state(site, ticket_id: int) -> tuple[str, int, int, int]:
    """(status, version, events, attachments) of a ticket: what must not change on a refusal."""
    async with site.sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        events = await session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket_id))
        files = await session.scalar(select(func.count()).where(Attachment.ticket_id == ticket_id))
        return ticket.status, ticket.version, int(events), int(files)


async def test_a_web_chat_repair_is_accepted_and_completed_from_the_console(site, server, browser) -> None:
    resident = Resident(await (await browser()).http.__aenter__())
    await resident.say("厨房水管漏水 1栋1单元502")
    await _until(resident, "手机")
    await resident.say("13812345678")
    await _until(resident, "照片")
    assert (await resident.upload(PNG)).status == 202
    await _until(resident, "第1张")
    await resident.press("照片发完了")
    await _until(resident, "确认提交")
    await resident.press("确认提交")
    await _until(resident, "已受理")
    async with site.sessions() as session:
        [ticket] = (await session.scalars(select(Ticket))).all()

    plumber = await (await browser()).signed_in("plumber")
    _, page = await plumber.get("/console/")
    assert ticket.number in page
    response, page = await plumber.get(f"/console/tickets/{ticket.id}")
    assert response.status == 200
    assert "厨房水管漏水" in page and "1-1-502" in page
    assert 'id="form-accept"' in page and 'id="form-override"' not in page and 'id="form-cancel"' not in page
    assert "13812345678" not in page  # not yet the assignee: masked
    async with site.sessions() as session:
        [photo] = (await session.scalars(select(Attachment).where(Attachment.ticket_id == ticket.id))).all()
    assert f'src="/console/files/{photo.id}"' in page
    async with plumber.http.get(f"/console/files/{photo.id}") as response:
        assert response.status == 200 and response.content_type == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert await response.read() == PNG
    conversation = page[page.index('id="conversation"') :]
    assert "厨房水管漏水 1栋1单元502" in conversation and "已受理" in conversation

    response, _ = await plumber.post(f"/console/tickets/{ticket.id}/accept", {"csrf_token": plumber.csrf})
    assert response.status == 303
    response, page = await plumber.get(f"/console/tickets/{ticket.id}")
    assert "已接单" in page and "13812345678" in page  # the assignee reads the full number
    assert 'id="form-arrive"' in page and 'id="form-accept"' not in page
    response, _ = await plumber.post(f"/console/tickets/{ticket.id}/arrive", {"csrf_token": plumber.csrf})
    assert response.status == 303
    await plumber.get(f"/console/tickets/{ticket.id}")
    form = {"csrf_token": plumber.csrf, "work_done": "更换了水龙头阀芯", "materials": "阀芯 x1\n生料带"}
    async with plumber.http.post(
        f"/console/tickets/{ticket.id}/resolve",
        data=_multipart(form, JPEG, "after.jpg", "image/jpeg"),
        allow_redirects=False,
    ) as response:
        assert response.status == 303
    _, page = await plumber.get(f"/console/tickets/{ticket.id}")
    assert "待住户确认" in page and "更换了水龙头阀芯" in page and "阀芯 x1、生料带" in page
    events = page[page.index('id="events"') :]
    for step in ("登记", "接单", "到场", "完工"):
        assert step in events
    assert "演示-张师傅" in events
    async with site.sessions() as session:
        after = (await session.scalars(select(Attachment).where(Attachment.label == "after"))).all()
        assert [(a.mime, a.uploaded_by_staff_id) for a in after] == [("image/jpeg", site.staff["plumber"])]
        asked = await session.scalar(select(func.count()).where(OutboxMessage.kind == "confirm_request"))
    # The resident is asked to confirm in the web chat (through the outbox worker).
    assert asked == 1
    await _until(resident, "确认")
    await resident.http.close()


async def _until(resident: Resident, words: str) -> str:
    """Long-poll the resident's replies until one contains `words` (the outbox worker delivers them)."""
    said = ""
    for _ in range(20):
        said += "\n".join(m["text"] for m in await resident.poll(wait=1))
        if words in said:
            return said
    raise AssertionError(f"{words!r} never came; got {said!r}")


def _multipart(fields: dict[str, str], data: bytes | None, filename: str, content_type: str):
    from aiohttp import FormData

    form = FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    if data is not None:
        form.add_field("photo", data, filename=filename, content_type=content_type)
    return form


@SQLITE_ONLY  # refusals in request handling; the whole repair above runs on both
async def test_another_communitys_ticket_is_not_found_like_a_missing_one(site, browser) -> None:
    other = await _other_community_ticket(site)
    before = await _state(site, other.id)
    supervisor = await (await browser()).signed_in("supervisor")
    missing, missing_page = await supervisor.get("/console/tickets/999999")
    response, page = await supervisor.get(f"/console/tickets/{other.id}")
    assert response.status == missing.status == 404 and page == missing_page
    assert "别的小区" not in page
    # A Chinese page in the console's layout, not aiohttp's plain text; scripts get JSON.
    assert response.content_type == "text/html" and 'id="error" data-status="404"' in page
    assert "没有找到这张工单" in page and "console.css" in page and "返回工单队列" in page
    response, body = await supervisor.get(f"/console/tickets/{other.id}", headers={"Accept": "application/json"})
    assert response.status == 404 and json.loads(body) == {"error": "没有找到这张工单。"}
    response, page = await supervisor.get("/console/no-such-page")
    assert response.status == 404 and "没有找到这个页面" in page and "演示-赵主管" in page  # signed-in layout
    async with supervisor.http.get(f"/console/files/{999999}", allow_redirects=False) as file_response:
        assert file_response.status == 404 and file_response.content_type == "text/html"
    response, page = await supervisor.post("/console/logout", {})  # no CSRF token
    assert response.status == 403 and "缺少安全校验" in page and 'data-status="403"' in page
    response, page = await supervisor.get("/console/tickets/1/accept")  # a form's address opened as a page
    assert response.status == 405 and "不支持这种操作方式" in page and "POST" in response.headers["Allow"]
    response, _ = await supervisor.post(
        f"/console/tickets/{other.id}/cancel", {"csrf_token": supervisor.csrf, "reason": "试试"}
    )
    assert response.status == 404
    assert await _state(site, other.id) == before


@SQLITE_ONLY  # refusals in request handling; the whole repair above runs on both
async def test_a_form_without_the_csrf_token_changes_nothing(site, browser) -> None:
    ticket = await _open(site)
    before = await _state(site, ticket.id)
    plumber = await (await browser()).signed_in("plumber")
    response, page = await plumber.post(f"/console/tickets/{ticket.id}/accept", {})
    assert response.status == 403 and "安全校验失败" in page
    response, _ = await plumber.post(f"/console/tickets/{ticket.id}/accept", {"csrf_token": "0" * 64})
    assert response.status == 403
    assert await _state(site, ticket.id) == before


@SQLITE_ONLY  # refusals in request handling; the whole repair above runs on both
async def test_oversize_and_non_image_after_photos_are_refused_and_nothing_is_stored(site, browser) -> None:
    ticket = await _open(site)
    plumber = await (await browser()).signed_in("plumber")
    await plumber.post(f"/console/tickets/{ticket.id}/accept", {"csrf_token": plumber.csrf})
    await plumber.post(f"/console/tickets/{ticket.id}/arrive", {"csrf_token": plumber.csrf})
    before = await _state(site, ticket.id)
    assert before[0] == "on_site"
    fields = {"csrf_token": plumber.csrf, "work_done": "修好了"}
    async with plumber.http.post(
        f"/console/tickets/{ticket.id}/resolve",
        data=_multipart(fields, b"%PDF-1.4 not a photo" * 10, "bill.pdf", "application/pdf"),
    ) as response:
        assert response.status == 415 and "只能上传照片" in await response.text()
    huge = b"\xff\xd8\xff\xe0" + bytes(10 * 1024 * 1024 + 10)
    async with plumber.http.post(
        f"/console/tickets/{ticket.id}/resolve", data=_multipart(fields, huge, "big.jpg", "image/jpeg")
    ) as response:
        assert response.status == 413 and "照片太大了" in await response.text()
    assert await _state(site, ticket.id) == before
    files = site.settings.data_dir / "files"
    assert not files.exists() or not any(p.is_file() for p in files.rglob("*"))


@SQLITE_ONLY  # refusals in request handling; the whole repair above runs on both
async def test_actions_the_role_may_not_take_are_not_offered_and_refused_when_forged(site, browser) -> None:
    ticket = await _open(site)
    before = await _state(site, ticket.id)
    plumber = await (await browser()).signed_in("plumber")
    _, page = await plumber.get(f"/console/tickets/{ticket.id}")
    assert 'id="form-override"' not in page and 'id="form-cancel"' not in page
    response, page = await plumber.post(
        f"/console/tickets/{ticket.id}/override",
        {"csrf_token": plumber.csrf, "to_status": "closed", "reason": "我想关掉"},
    )
    assert response.status == 409 and 'role="alert"' in page and response.content_type == "text/html"
    response, _ = await plumber.post(f"/console/tickets/{ticket.id}/arrive", {"csrf_token": plumber.csrf})
    assert response.status == 409  # not accepted yet
    response, _ = await plumber.post(f"/console/tickets/{ticket.id}/dance", {"csrf_token": plumber.csrf})
    assert response.status == 404
    assert await _state(site, ticket.id) == before

    supervisor = await (await browser()).signed_in("supervisor")
    _, page = await supervisor.get(f"/console/tickets/{ticket.id}")
    assert 'id="form-override"' in page and 'id="form-cancel"' in page and 'id="form-assign"' in page
    response, page = await supervisor.post(f"/console/tickets/{ticket.id}/cancel", {"csrf_token": supervisor.csrf})
    assert response.status == 409  # a staff cancellation needs a reason
    response, _ = await supervisor.post(
        f"/console/tickets/{ticket.id}/override", {"csrf_token": supervisor.csrf, "to_status": "bogus", "reason": "x"}
    )
    assert response.status == 400
    assert await _state(site, ticket.id) == before
    response, _ = await supervisor.post(
        f"/console/tickets/{ticket.id}/assign",
        {"csrf_token": supervisor.csrf, "assignee_id": str(site.staff["electrician"]), "reason": "电工更合适"},
    )
    assert response.status == 303
    response, _ = await supervisor.post(
        f"/console/tickets/{ticket.id}/override",
        {"csrf_token": supervisor.csrf, "to_status": "closed", "reason": "住户电话确认已修好"},
    )
    assert response.status == 303
    _, page = await supervisor.get(f"/console/tickets/{ticket.id}")
    assert "住户电话确认已修好" in page and "电工更合适" in page and "强制改状态" in page
    assert (await _state(site, ticket.id))[0] == "closed"
