"""Sessions over real HTTP: sign-out revokes, forged and expired cookies are refused."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.console import COOKIE_NAME
from storage.staff.models import StaffSession
from tests.storage.conftest import SQLITE_ONLY

#: Cookies over HTTP; the session rows' expiry and revocation are proven on both backends in tests/storage/staff.
pytestmark = SQLITE_ONLY


async def _count(site, model, *where) -> int:
    async with site.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


async def test_sign_out_revokes_the_session_and_needs_the_csrf_token(site, browser) -> None:
    b = await (await browser()).signed_in("agent")
    token = b.cookie(COOKIE_NAME)
    response, _ = await b.post("/console/logout", {})
    assert response.status == 403
    assert await _count(site, StaffSession, StaffSession.revoked_at.is_(None)) == 1
    response, _ = await b.post("/console/logout", {"csrf_token": b.csrf})
    assert response.status == 303 and response.headers["Location"] == "/console/login"
    assert await _count(site, StaffSession, StaffSession.revoked_at.is_not(None)) == 1
    # The old cookie, replayed by someone who kept it, no longer works.
    thief = await browser()
    thief.http.cookie_jar.update_cookies({COOKIE_NAME: token})
    response, _ = await thief.get("/console/", headers={"Accept": "application/json"})
    assert response.status == 401


async def test_forged_and_expired_session_cookies_are_refused(site, browser) -> None:
    forged = await browser()
    forged.http.cookie_jar.update_cookies({COOKIE_NAME: "A" * 43})
    response, _ = await forged.get("/console/")
    assert response.status == 303 and response.headers["Location"].startswith("/console/login?next=")
    response, body = await forged.get("/console/tickets.json", headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status == 401 and "重新登录" in json.loads(body)["error"]

    b = await (await browser()).signed_in("agent")
    response, _ = await b.get("/console/")
    assert response.status == 200
    site.clock.advance(minutes=site.settings.console_session_hours * 60 + 1)
    response, _ = await b.get("/console/")
    assert response.status == 303
