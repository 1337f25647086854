"""Signing in and out of the staff console, with the wrong-password rate limit."""

from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta
from typing import Final

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.auth import (
    COOKIE_NAME,
    CSRF_FIELD,
    LOGIN_COOKIE_NAME,
    csrf_ok,
    current_staff,
    is_secure,
    new_login_nonce,
    redirect,
    session_lifetime,
    session_token,
    set_session_cookie,
    staff_required,
)
from bot.console.pages import render
from bot.http import keys
from bot.http.proxy import client_address
from storage.staff.auth import create_session, normalize_login, record_attempt, revoke_session, verify
from storage.staff.models import LoginAttempt

__all__ = ["failure_counts", "login_form", "login_submit", "logout"]

#: Longest login name or password looked at (anything longer is simply wrong).
MAX_FIELD_CHARS: Final = 256
#: The width of LoginAttempt's login and remote columns (storage.staff.auth keeps what fits).
_ATTEMPT_FIELD_CHARS: Final = 64
#: How long the sign-in form stays valid (its double-submit cookie), in seconds.
LOGIN_FORM_SECONDS: Final = 3600

_log = logging.getLogger(__name__)

WRONG_PASSWORD: Final = "登录名或密码不正确，请重新输入。"
TOO_MANY: Final = "密码错误次数过多，请 {minutes} 分钟后再试，或联系管理员重置密码。"
FORM_EXPIRED: Final = "页面已过期，请重新打开登录页面后再试。"


async def login_form(request: web.Request) -> web.StreamResponse:
    """GET /console/login: the sign-in form (already signed in → the queue)."""
    if await current_staff(request) is not None:
        return redirect(_next(request.query.get("next")))
    return await _form(request, status=200, error=None, login="", target=request.query.get("next"))


async def login_submit(request: web.Request) -> web.StreamResponse:
    """POST /console/login: check the form token and the rate limit, then the password; a session on success."""
    form = await request.post()
    login = str(form.get("login", ""))[:MAX_FIELD_CHARS].strip()
    password = str(form.get("password", ""))[:MAX_FIELD_CHARS]
    nonce = request.cookies.get(LOGIN_COOKIE_NAME, "")
    submitted = form.get(CSRF_FIELD)
    if not nonce or not isinstance(submitted, str) or not hmac.compare_digest(nonce, submitted):
        return await _form(request, status=403, error=FORM_EXPIRED, login=login, target=str(form.get("next", "")))
    target = str(form.get("next", ""))
    settings = request.app[keys.SETTINGS]
    window = timedelta(minutes=settings.console_failure_window_minutes)
    now = request.app[keys.CLOCK].now()
    remote = client_address(request)
    async with request.app[keys.SESSIONMAKER]() as session, session.begin():
        by_login, by_address = await failure_counts(session, login=login, remote=remote, since=now - window)
        blocked = by_login >= settings.console_max_failures or by_address >= settings.console_max_address_failures
        staff, token = None, None
        if not blocked:  # a refused attempt checks no password and is not counted: it cannot extend a lock
            staff = await verify(session, login=login, password=password) if login and password else None
            if staff is not None:
                token = await create_session(session, staff_id=staff.id, now=now, lifetime=session_lifetime(request))
            await record_attempt(session, login=login, remote=remote, succeeded=staff is not None, now=now)
    if blocked:
        rule = "login" if by_login >= settings.console_max_failures else "address"
        _log.warning("console sign-in refused (too many failures for the %s): login %r from %s", rule, login, remote)
        minutes = settings.console_failure_window_minutes
        return await _form(request, status=429, error=TOO_MANY.format(minutes=minutes), login=login, target=target)
    if staff is None or token is None:
        return await _form(request, status=401, error=WRONG_PASSWORD, login=login, target=target)
    response = redirect(_next(target))
    set_session_cookie(request, response, token)
    response.del_cookie(LOGIN_COOKIE_NAME, path="/console")
    return response


async def failure_counts(session: AsyncSession, *, login: str, remote: str | None, since: datetime) -> tuple[int, int]:
    """Failed sign-ins since `since`: (for this login from anywhere, from this address for any login).

    The two are limited separately (console_max_failures, console_max_address_failures): a guessed-at login is
    locked quickly, while an office whose staff share one public address is locked only by real abuse.
    """
    failed = (LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since)
    by_login = await session.scalar(
        select(func.count()).where(*failed, LoginAttempt.login == normalize_login(login)[:_ATTEMPT_FIELD_CHARS])
    )
    by_address = 0
    if remote:
        by_address = await session.scalar(
            select(func.count()).where(*failed, LoginAttempt.remote == remote[:_ATTEMPT_FIELD_CHARS])
        )
    return int(by_login or 0), int(by_address or 0)


@staff_required
async def logout(request: web.Request) -> web.StreamResponse:
    """POST /console/logout (with the CSRF token): end the session and go back to the sign-in page."""
    form = await request.post()
    if not csrf_ok(request, form.get(CSRF_FIELD)):
        raise web.HTTPForbidden(text="缺少安全校验，请刷新页面后再试。")
    token = session_token(request)
    if token is not None:
        async with request.app[keys.SESSIONMAKER]() as session, session.begin():
            await revoke_session(session, token, now=request.app[keys.CLOCK].now())
    response = redirect("/console/login")
    response.del_cookie(COOKIE_NAME, path="/console")
    return response


async def _form(
    request: web.Request, *, status: int, error: str | None, login: str, target: str | None
) -> web.Response:
    nonce = new_login_nonce()
    context = {"error": error, "login": login, "login_nonce": nonce, "next": _next(target)}
    response = await render(request, "login.html", context, status=status)
    response.set_cookie(
        LOGIN_COOKIE_NAME,
        nonce,
        path="/console",
        httponly=True,
        samesite="Strict",
        secure=is_secure(request),
        max_age=LOGIN_FORM_SECONDS,
    )
    return response


def _next(target: str | None) -> str:
    """Only console paths of this site are followed after signing in (no open redirect)."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console/"
