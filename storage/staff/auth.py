"""Web console sign-in: argon2 password hashes, sessions stored as token hashes, attempts for the rate limit."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import Conflict, InvalidInput, NotFound
from storage.staff.models import LoginAttempt, Staff, StaffSession

__all__ = [
    "LOGIN_PATTERN",
    "MIN_PASSWORD_CHARS",
    "create_session",
    "hash_token",
    "normalize_login",
    "open_sessions",
    "recent_failures",
    "record_attempt",
    "resolve_session",
    "revoke_session",
    "revoke_staff_sessions",
    "set_password",
    "verify",
]

#: Login names: 3-64 letters, digits, dot, dash, underscore (lower-cased before storing).
LOGIN_PATTERN: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
#: The shortest password accepted.
MIN_PASSWORD_CHARS: Final = 8
#: The most characters of a login or remote address kept in an attempt row (the columns' width).
_ATTEMPT_FIELD_CHARS: Final = 64

_hasher = PasswordHasher()
#: Verified against when the login is unknown, so a wrong login costs as long as a wrong password.
_DUMMY_HASH: Final = _hasher.hash(secrets.token_urlsafe(16))


def normalize_login(login: str) -> str:
    """The stored form of a login name: stripped and lower-cased."""
    return login.strip().lower()


def hash_token(token: str) -> str:
    """The sha256 hex of a session token: the only form stored in the database."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def set_password(session: AsyncSession, *, staff_id: int, login: str, password: str, now: datetime) -> Staff:
    """Give a staff member a console login and password (argon2); their existing sessions end.

    Raises NotFound, InvalidInput (bad login or short password) or Conflict (login taken by someone else).
    """
    staff = await session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("staff", staff_id)
    login = normalize_login(login)
    if not LOGIN_PATTERN.match(login):
        raise InvalidInput("login", "3-64 characters: a-z 0-9 . _ - (starting with a letter or digit)")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput("password", f"at least {MIN_PASSWORD_CHARS} characters")
    holder = await session.scalar(select(Staff.id).where(Staff.login == login, Staff.id != staff_id))
    if holder is not None:
        raise Conflict(f"login {login!r} already belongs to staff {holder}")
    staff.login = login
    staff.password_hash = _hasher.hash(password)
    staff.updated_at = now
    await revoke_staff_sessions(session, staff_id=staff_id, now=now)
    await session.flush()
    return staff


async def verify(session: AsyncSession, *, login: str, password: str) -> Staff | None:
    """The active staff member with this login and password, else None (same work either way)."""
    staff = await session.scalar(select(Staff).where(Staff.login == normalize_login(login)))
    stored = staff.password_hash if staff is not None and staff.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if staff is None or not staff.password_hash or not staff.active:
        return None
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
        await session.flush()
    return staff


async def create_session(session: AsyncSession, *, staff_id: int, now: datetime, lifetime: timedelta) -> str:
    """Open a console session; returns the random token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=hash_token(token),
            staff_id=staff_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    await session.flush()
    return token


async def resolve_session(
    session: AsyncSession, token: str, *, now: datetime, lifetime: timedelta
) -> tuple[Staff, StaffSession] | None:
    """The staff member behind a cookie token, sliding the expiry to `now + lifetime`.

    None when the token is unknown, revoked or expired, or its staff member was deactivated.
    """
    row = await session.scalar(select(StaffSession).where(StaffSession.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    staff = await session.get(Staff, row.staff_id)
    if staff is None or not staff.active or not staff.password_hash:
        return None
    row.last_seen_at = now
    row.expires_at = now + lifetime
    await session.flush()
    return staff, row


async def revoke_session(session: AsyncSession, token: str, *, now: datetime) -> bool:
    """End the session of this token (sign-out); True when an open session was ended."""
    result = await session.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == hash_token(token), StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(result.rowcount)


async def revoke_staff_sessions(session: AsyncSession, *, staff_id: int, now: datetime) -> int:
    """End every open session of a staff member (new password, deactivation); returns how many."""
    result = await session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)


async def record_attempt(
    session: AsyncSession, *, login: str, remote: str | None, succeeded: bool, now: datetime
) -> LoginAttempt:
    """Log one sign-in attempt (audit trail and rate limit)."""
    attempt = LoginAttempt(
        login=normalize_login(login)[:_ATTEMPT_FIELD_CHARS],
        remote=remote[:_ATTEMPT_FIELD_CHARS] if remote else None,
        succeeded=succeeded,
        created_at=now,
    )
    session.add(attempt)
    await session.flush()
    return attempt


async def recent_failures(session: AsyncSession, *, login: str, remote: str | None, since: datetime) -> int:
    """Failed attempts since `since` for this login or from this address, whichever is more."""
    login = normalize_login(login)[:_ATTEMPT_FIELD_CHARS]
    failed = select(LoginAttempt.login, LoginAttempt.remote).where(
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.created_at >= since,
        or_(LoginAttempt.login == login, LoginAttempt.remote == remote) if remote else LoginAttempt.login == login,
    )
    rows = (await session.execute(failed)).all()
    by_login = sum(1 for row in rows if row.login == login)
    by_remote = sum(1 for row in rows if remote and row.remote == remote)
    return max(by_login, by_remote)


async def open_sessions(session: AsyncSession, *, staff_id: int, now: datetime) -> int:
    """How many unrevoked, unexpired sessions a staff member has."""
    query = select(func.count(StaffSession.id)).where(
        StaffSession.staff_id == staff_id, StaffSession.revoked_at.is_(None), StaffSession.expires_at > now
    )
    return int(await session.scalar(query) or 0)
