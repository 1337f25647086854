"""Signing in and out over real HTTP: argon2 passwords, the session cookie, the rate limit, CSRF on the form."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.console import COOKIE_NAME
from storage.staff.models import LoginAttempt, StaffSession
from tests.bot.console.conftest import PASSWORD


async def _count(site, model, *where) -> int:
    async with site.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)))


async def test_sign_in_sets_a_strict_http_only_cookie_and_stores_only_the_token_hash(site, browser) -> None:
    b = await browser()
    response, page = await b.get("/console/login")
    assert response.status == 200 and "员工登录" in page
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    response, _ = await b.login("Supervisor")  # login names are case-insensitive
    assert response.status == 303 and response.headers["Location"] == "/console/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/console"
    assert not cookie["secure"]  # public_url is http here
    async with site.sessions() as session:
        rows = list(await session.scalars(select(StaffSession)))
    assert len(rows) == 1 and rows[0].staff_id == site.staff["supervisor"]
    assert rows[0].token_hash != cookie.value and len(rows[0].token_hash) == 64
    response, _ = await b.get("/console/login")
    assert response.status == 303  # already signed in
    assert await _count(site, LoginAttempt, LoginAttempt.succeeded.is_(True)) == 1


async def test_wrong_password_is_refused_and_opens_no_session(site, browser) -> None:
    b = await browser()
    response, page = await b.login("supervisor", "not-the-password")
    assert response.status == 401
    assert "登录名或密码不正确" in page
    assert b.cookie(COOKIE_NAME) is None
    response, page = await b.login("no-such-person", PASSWORD)
    assert response.status == 401 and "登录名或密码不正确" in page
    assert await _count(site, StaffSession) == 0
    assert await _count(site, LoginAttempt, LoginAttempt.succeeded.is_(False)) == 2


async def test_too_many_wrong_passwords_are_rate_limited_then_allowed_again(site, browser) -> None:
    limit = site.settings.console_max_failures
    b = await browser()
    for _ in range(limit):
        response, _ = await b.login("plumber", "wrong-password")
        assert response.status == 401
    response, page = await b.login("plumber", PASSWORD)  # even the right password now
    assert response.status == 429
    assert "密码错误次数过多" in page and f"{site.settings.console_failure_window_minutes} 分钟" in page
    assert await _count(site, StaffSession) == 0
    # Another login from the same address is refused too (the address is counted as well as the login).
    response, _ = await b.login("supervisor", PASSWORD)
    assert response.status == 429
    site.clock.advance(minutes=site.settings.console_failure_window_minutes + 1)
    response, _ = await b.login("plumber", PASSWORD)
    assert response.status == 303
    assert await _count(site, StaffSession) == 1


async def test_sign_in_form_without_its_token_is_refused(site, browser) -> None:
    b = await browser()
    response, page = await b.post("/console/login", {"login": "supervisor", "password": PASSWORD})
    assert response.status == 403 and "页面已过期" in page
    await b.get("/console/login")
    response, _ = await b.post("/console/login", {"login": "supervisor", "password": PASSWORD, "csrf_token": "x" * 32})
    assert response.status == 403
    assert await _count(site, StaffSession) == 0
    assert await _count(site, LoginAttempt) == 0
