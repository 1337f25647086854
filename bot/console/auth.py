"""Who is signed in to the staff console: the session cookie, `current_staff`, `staff_required` and CSRF tokens.

The cookie `wuye_console` holds a random token; the database keeps only its sha256 (storage.staff.auth).
Every POST form carries a CSRF token derived from that token (an HMAC), so it is bound to the session and
a page of another site cannot produce it. The dashboard and any other console page build on these helpers.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Final
from urllib.parse import quote

from aiohttp import web

from bot.console.access import may_see, scoped, sees_full_phone, ticket_scope, visible_communities
from bot.http import keys
from bot.http.proxy import cookie_secure
from storage.staff.auth import resolve_session
from storage.staff.models import Staff

__all__ = [
    "COOKIE_NAME",
    "CSRF_FIELD",
    "LOGIN_COOKIE_NAME",
    "csrf_ok",
    "csrf_token",
    "current_staff",
    "may_see",
    "redirect",
    "scoped",
    "sees_full_phone",
    "session_lifetime",
    "set_session_cookie",
    "staff_required",
    "ticket_scope",
    "visible_communities",
    "wants_json",
]

#: The session cookie.
COOKIE_NAME: Final = "wuye_console"
#: A short-lived cookie that binds the sign-in form's CSRF token before there is a session.
LOGIN_COOKIE_NAME: Final = "wuye_console_login"
#: The hidden form field (or `X-CSRF-Token` header) carrying the CSRF token.
CSRF_FIELD: Final = "csrf_token"
#: Where unauthenticated page requests are sent.
LOGIN_PATH: Final = "/console/login"
#: What `secrets.token_urlsafe(32)` makes; anything else in a cookie is not even looked up.
_TOKEN: Final = re.compile(r"^[A-Za-z0-9_-]{43}$")
_STAFF: Final = web.RequestKey("wuye_console_staff", Staff | None)
_TOKEN_KEY: Final = web.RequestKey("wuye_console_token", str)

#: What a request without a valid session gets when it asks for JSON.
NOT_SIGNED_IN: Final = "登录已过期，请重新登录。"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def session_lifetime(request: web.Request) -> timedelta:
    """How long a session lives after its last request (setting console_session_hours)."""
    return timedelta(hours=request.app[keys.SETTINGS].console_session_hours)


def is_secure(request: web.Request) -> bool:
    """Whether cookies get the Secure flag: the cookie_secure setting (auto honours a trusted proxy's https)."""
    return cookie_secure(request)


def session_token(request: web.Request) -> str | None:
    """The well-formed session token from the cookie, or None."""
    value = request.cookies.get(COOKIE_NAME, "")
    return value if _TOKEN.match(value) else None


async def current_staff(request: web.Request) -> Staff | None:
    """The signed-in staff member (session valid, not revoked or expired, staff active), else None.

    Looked up once per request; each lookup slides the session's expiry.
    """
    if _STAFF in request:
        return request[_STAFF]
    staff = None
    token = session_token(request)
    if token is not None:
        now = request.app[keys.CLOCK].now()
        async with request.app[keys.SESSIONMAKER]() as session, session.begin():
            found = await resolve_session(session, token, now=now, lifetime=session_lifetime(request))
        if found is not None:
            staff = found[0]
            request[_TOKEN_KEY] = token
    request[_STAFF] = staff
    return staff


def wants_json(request: web.Request) -> bool:
    """True for script requests (XHR/fetch asking for JSON) rather than page loads."""
    accept = request.headers.get("Accept", "")
    return request.headers.get("X-Requested-With") == "XMLHttpRequest" or (
        "application/json" in accept and "text/html" not in accept
    )


def staff_required(handler: Handler) -> Handler:
    """Decorator: run the handler only for a signed-in staff member; pages go to the sign-in, scripts get 401 JSON."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if await current_staff(request) is None:
            response: web.StreamResponse
            if wants_json(request):
                response = web.json_response({"error": NOT_SIGNED_IN, "login": LOGIN_PATH}, status=401)
            else:
                target = request.rel_url.path_qs if request.method == "GET" else "/console/"
                response = redirect(f"{LOGIN_PATH}?next={quote(target, safe='')}")
            if COOKIE_NAME in request.cookies:
                response.del_cookie(COOKIE_NAME, path="/console")
            return response
        return await handler(request)

    return guarded


def csrf_token(request: web.Request) -> str:
    """The CSRF token of this request's session (empty when nobody is signed in)."""
    token = request.get(_TOKEN_KEY)
    return _derive(token) if token else ""


def csrf_ok(request: web.Request, submitted: object) -> bool:
    """True when `submitted` (form field or header) is this session's CSRF token."""
    expected = csrf_token(request)
    return bool(expected) and isinstance(submitted, str) and hmac.compare_digest(expected, submitted)


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    """Give the browser its session: HttpOnly, SameSite=Strict, only under /console, Secure over https."""
    response.set_cookie(
        COOKIE_NAME,
        token,
        path="/console",
        httponly=True,
        samesite="Strict",
        secure=is_secure(request),
        max_age=int(session_lifetime(request).total_seconds()),
    )


def redirect(location: str) -> web.Response:
    """A 303 See Other to `location` (after a form POST the browser follows it with GET)."""
    return web.Response(status=303, headers={"Location": location})


def new_login_nonce() -> str:
    """A random value for the sign-in form's cookie and hidden field (double submit)."""
    return secrets.token_urlsafe(24)


def _derive(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"wuye-console-csrf", hashlib.sha256).hexdigest()
