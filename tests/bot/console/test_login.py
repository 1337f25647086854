"""Signing in and out over real HTTP: argon2 passwords, the session cookie, the rate limit, CSRF on the form."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.console import COOKIE_NAME
from bot.console.auth import LOGIN_COOKIE_NAME
from bot.webchat import COOKIE_NAME as CHAT_COOKIE
from storage.staff.models import LoginAttempt, StaffSession
from tests.bot.console.conftest import PASSWORD, Browser, serving
from tests.bot.webchat.conftest import browsers
from tests.storage.conftest import SQLITE_ONLY

#: Request handling, cookies and CSRF: the hashes, sessions and failure counts they store and query are proven on both
#: backends by tests/storage/staff/test_auth.py.
pytestmark = SQLITE_ONLY


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


async def test_too_many_wrong_passwords_lock_that_login_only_then_it_is_allowed_again(site, browser) -> None:
    limit = site.settings.console_max_failures
    assert site.settings.console_max_address_failures > limit  # an office shares one address
    b = await browser()
    for _ in range(limit):
        response, _ = await b.login("plumber", "wrong-password")
        assert response.status == 401
    response, page = await b.login("plumber", PASSWORD)  # even the right password now
    assert response.status == 429
    assert "密码错误次数过多" in page and f"{site.settings.console_failure_window_minutes} 分钟" in page
    assert await _count(site, StaffSession) == 0
    # A colleague at the next desk (same address) signs in with the right password: the login rule locked
    # only `plumber`, and the office's address is far below its own threshold.
    colleague = await browser()
    response, _ = await colleague.login("supervisor", PASSWORD)
    assert response.status == 303
    # Refused attempts are not counted, so hammering the locked login does not lengthen its lock...
    for _ in range(3):
        assert (await b.login("plumber", PASSWORD))[0].status == 429
    assert await _count(site, LoginAttempt, LoginAttempt.succeeded.is_(False)) == limit
    site.clock.advance(minutes=site.settings.console_failure_window_minutes + 1)
    response, _ = await b.login("plumber", PASSWORD)
    assert response.status == 303
    assert await _count(site, StaffSession) == 2


async def test_an_abusive_address_is_locked_for_every_login_even_with_the_right_password(site) -> None:
    threshold = 8  # a small address threshold keeps the test short (each wrong password costs an argon2 check)
    async with serving(site, console_max_address_failures=threshold) as server, browsers(server, Browser) as browser:
        sprayer = await browser()
        # Guesses spread over many logins from one address: no login reaches its own limit of 5.
        for n in range(threshold - 1):
            assert (await sprayer.login(f"guess-{n}", "wrong-password"))[0].status == 401
        colleague = await browser()  # same address, one failure below the threshold: still let in
        assert (await colleague.login("agent", PASSWORD))[0].status == 303
        assert (await sprayer.login("guess-last", "wrong-password"))[0].status == 401
        # Now the address is at its threshold: a real, unlocked login with its right password is refused from
        # here, by the address rule alone.
        late = await browser()
        response, page = await late.login("supervisor", PASSWORD)
        assert response.status == 429 and "密码错误次数过多" in page
        assert await _count(site, StaffSession) == 1
        site.clock.advance(minutes=site.settings.console_failure_window_minutes + 1)
        assert (await late.login("supervisor", PASSWORD))[0].status == 303


async def test_behind_a_trusted_proxy_the_clients_own_address_is_counted(site) -> None:
    """Behind a reverse proxy every connection comes from the proxy; X-Forwarded-For from it names the client, and
    the same header from anyone else is ignored (a client cannot dodge the limit by inventing addresses)."""
    proxied = serving(site, console_max_address_failures=3, trusted_proxies=("127.0.0.0/8",))
    async with proxied as server, browsers(server, Browser) as browser:
        office, elsewhere = await browser(), await browser()
        office_ip = {"X-Forwarded-For": "198.51.100.7"}
        for n in range(3):
            await office.get("/console/login")
            response, _ = await office.post(
                "/console/login",
                {"login": f"guess-{n}", "password": "x", "csrf_token": office.csrf},
                headers={"X-Forwarded-For": "203.0.113.9, " + office_ip["X-Forwarded-For"]},
            )
            assert response.status == 401
        await elsewhere.get("/console/login")
        response, _ = await elsewhere.post(
            "/console/login",
            {"login": "agent", "password": PASSWORD, "csrf_token": elsewhere.csrf},
            headers={"X-Forwarded-For": "192.0.2.50"},
        )
        assert response.status == 303  # another client behind the same proxy is not locked
        await office.get("/console/login")
        response, _ = await office.post(
            "/console/login", {"login": "agent", "password": PASSWORD, "csrf_token": office.csrf}, headers=office_ip
        )
        assert response.status == 429  # while the office's own address is
    async with site.sessions() as session:
        remotes = set(await session.scalars(select(LoginAttempt.remote)))
    assert remotes == {"198.51.100.7", "192.0.2.50"}  # the nearest untrusted hop, not the forged first entry

    async with serving(site, console_max_address_failures=3) as server, browsers(server, Browser) as browser:
        stranger = await browser()  # no trusted proxy configured: the header is ignored
        await stranger.get("/console/login")
        await stranger.post(
            "/console/login",
            {"login": "guess-x", "password": "x", "csrf_token": stranger.csrf},
            headers={"X-Forwarded-For": "192.0.2.99"},
        )
    async with site.sessions() as session:
        assert "192.0.2.99" not in set(await session.scalars(select(LoginAttempt.remote)))


async def test_sign_in_form_without_its_token_is_refused(site, browser) -> None:
    b = await browser()
    response, page = await b.post("/console/login", {"login": "supervisor", "password": PASSWORD})
    assert response.status == 403 and "页面已过期" in page
    await b.get("/console/login")
    response, _ = await b.post("/console/login", {"login": "supervisor", "password": PASSWORD, "csrf_token": "x" * 32})
    assert response.status == 403
    assert await _count(site, StaffSession) == 0
    assert await _count(site, LoginAttempt) == 0


async def _cookie_flags(server, headers: dict[str, str]) -> dict[str, bool]:
    """Whether the console's sign-in form cookie, its session cookie and the web chat cookie came back Secure."""
    async with browsers(server, Browser) as browser:
        b = await browser()
        async with b.http.get("/console/login", headers=headers) as response:
            form_cookie = response.cookies[LOGIN_COOKIE_NAME]
            b.csrf = re.search(r'name="csrf_token" value="([^"]*)"', await response.text()).group(1)
        form = {"login": "agent", "password": PASSWORD, "csrf_token": b.csrf, "next": "/console/"}
        sent = {LOGIN_COOKIE_NAME: form_cookie.value}  # a Secure cookie is not sent back over plain http: by hand
        async with b.http.post(
            "/console/login", data=form, headers=headers, cookies=sent, allow_redirects=False
        ) as response:
            assert response.status == 303
            session_cookie = response.cookies[COOKIE_NAME]
        async with b.http.get("/", headers=headers) as response:
            chat_cookie = response.cookies[CHAT_COOKIE]
    return {
        "form": bool(form_cookie["secure"]),
        "session": bool(session_cookie["secure"]),
        "chat": bool(chat_cookie["secure"]),
    }


async def test_the_secure_flag_follows_the_setting_and_only_a_trusted_proxys_https(site) -> None:
    https = {"X-Forwarded-Proto": "https"}
    cases = [
        ({}, {}, False),  # auto, plain http
        ({}, https, False),  # auto: anyone can send X-Forwarded-Proto; no proxy is trusted
        ({"trusted_proxies": ("127.0.0.1/32",)}, https, True),  # auto behind the trusted TLS proxy
        ({"trusted_proxies": ("127.0.0.1/32",)}, {"X-Forwarded-Proto": "http"}, False),
        ({"trusted_proxies": ("10.0.0.0/8",)}, https, False),  # a proxy, but not this one
        ({"cookie_secure": "true"}, {}, True),  # forced on (TLS proxy that sends no header)
        ({"cookie_secure": "false", "trusted_proxies": ("127.0.0.1/32",)}, https, False),  # forced off
    ]
    for changes, headers, secure in cases:
        async with serving(site, **changes) as server:
            flags = await _cookie_flags(server, headers)
        assert flags == {"form": secure, "session": secure, "chat": secure}, (changes, headers)
