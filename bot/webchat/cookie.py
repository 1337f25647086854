"""The web chat session cookie: a random id per browser, which is the resident's sender id on the webchat channel."""

from __future__ import annotations

import re
import secrets
from typing import Final

from aiohttp import web

__all__ = ["COOKIE_NAME", "MAX_AGE_SECONDS", "new_session_id", "session_id_of", "set_session_cookie"]

#: Name of the cookie holding the session id.
COOKIE_NAME: Final = "wuye_chat"
#: How long a browser keeps its session (and so its conversation and tickets): 180 days.
MAX_AGE_SECONDS: Final = 180 * 24 * 3600
#: What `new_session_id` makes: 32 URL-safe characters; anything else in the cookie is ignored.
_SESSION_ID: Final = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_session_id() -> str:
    """A fresh, unguessable session id (192 random bits)."""
    return secrets.token_urlsafe(24)


def session_id_of(request: web.Request) -> str | None:
    """The session id from the request's cookie, or None when there is none or it is malformed."""
    value = request.cookies.get(COOKIE_NAME, "")
    return value if _SESSION_ID.match(value) else None


def set_session_cookie(response: web.StreamResponse, session_id: str, *, secure: bool) -> None:
    """Give the browser its session: HttpOnly (no script reads it), SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(
        COOKIE_NAME,
        session_id,
        max_age=MAX_AGE_SECONDS,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure,
    )
