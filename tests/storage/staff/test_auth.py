"""Console sign-in storage: argon2 hashes, token-hash sessions, attempts, failure counts (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.errors import Conflict, InvalidInput, NotFound
from storage.staff.auth import (
    create_session,
    hash_token,
    open_sessions,
    recent_failures,
    record_attempt,
    resolve_session,
    revoke_session,
    set_password,
    verify,
)
from storage.staff.models import StaffSession
from storage.staff.service import deactivate_staff
from tests.factories import make_community, make_staff

HOURS = timedelta(hours=8)


async def test_password_is_stored_as_argon2_and_verified(session, clock) -> None:
    community = await make_community(session, clock.now())
    staff = await make_staff(session, community, clock.now())
    await set_password(session, staff_id=staff.id, login=" Zhang.SF ", password="correct horse", now=clock.now())
    assert staff.login == "zhang.sf"
    assert staff.password_hash.startswith("$argon2id$")
    assert "correct horse" not in staff.password_hash
    assert (await verify(session, login="ZHANG.sf", password="correct horse")).id == staff.id
    assert await verify(session, login="zhang.sf", password="wrong horse") is None
    assert await verify(session, login="nobody", password="correct horse") is None


async def test_set_password_refuses_bad_input_and_taken_logins(session, clock) -> None:
    community = await make_community(session, clock.now())
    first = await make_staff(session, community, clock.now())
    second = await make_staff(session, community, clock.now())
    with pytest.raises(InvalidInput, match="login"):
        await set_password(session, staff_id=first.id, login="a b", password="long enough", now=clock.now())
    with pytest.raises(InvalidInput, match="password"):
        await set_password(session, staff_id=first.id, login="first", password="short", now=clock.now())
    with pytest.raises(NotFound):
        await set_password(session, staff_id=9999, login="ghost", password="long enough", now=clock.now())
    await set_password(session, staff_id=first.id, login="first", password="long enough", now=clock.now())
    with pytest.raises(Conflict):
        await set_password(session, staff_id=second.id, login="FIRST", password="long enough", now=clock.now())
    assert second.login is None and second.password_hash is None


async def test_session_token_is_stored_only_as_its_hash_and_slides(session, clock) -> None:
    community = await make_community(session, clock.now())
    staff = await make_staff(session, community, clock.now())
    await set_password(session, staff_id=staff.id, login="tech", password="long enough", now=clock.now())
    token = await create_session(session, staff_id=staff.id, now=clock.now(), lifetime=HOURS)
    rows = list(await session.scalars(select(StaffSession)))
    assert [row.token_hash for row in rows] == [hash_token(token)]
    assert token not in rows[0].token_hash

    clock.advance(minutes=7 * 60)
    found, row = await resolve_session(session, token, now=clock.now(), lifetime=HOURS)
    assert found.id == staff.id
    assert row.last_seen_at == clock.now() and row.expires_at == clock.now() + HOURS
    clock.advance(minutes=7 * 60)  # 14 h after sign-in, but only 7 h after the last request
    assert await resolve_session(session, token, now=clock.now(), lifetime=HOURS) is not None
    clock.advance(minutes=8 * 60 + 1)
    assert await resolve_session(session, token, now=clock.now(), lifetime=HOURS) is None
    assert await resolve_session(session, "forged-" + token, now=clock.now(), lifetime=HOURS) is None


async def test_revoked_sessions_and_deactivated_staff_are_refused(session, clock) -> None:
    community = await make_community(session, clock.now())
    staff = await make_staff(session, community, clock.now())
    await set_password(session, staff_id=staff.id, login="tech", password="long enough", now=clock.now())
    first = await create_session(session, staff_id=staff.id, now=clock.now(), lifetime=HOURS)
    second = await create_session(session, staff_id=staff.id, now=clock.now(), lifetime=HOURS)
    assert await open_sessions(session, staff_id=staff.id, now=clock.now()) == 2
    assert await revoke_session(session, first, now=clock.now()) is True
    assert await revoke_session(session, first, now=clock.now()) is False
    assert await resolve_session(session, first, now=clock.now(), lifetime=HOURS) is None
    assert await resolve_session(session, second, now=clock.now(), lifetime=HOURS) is not None
    await deactivate_staff(session, staff_id=staff.id, now=clock.now())
    assert await resolve_session(session, second, now=clock.now(), lifetime=HOURS) is None
    assert await verify(session, login="tech", password="long enough") is None


async def test_new_password_ends_existing_sessions(session, clock) -> None:
    community = await make_community(session, clock.now())
    staff = await make_staff(session, community, clock.now())
    await set_password(session, staff_id=staff.id, login="tech", password="long enough", now=clock.now())
    token = await create_session(session, staff_id=staff.id, now=clock.now(), lifetime=HOURS)
    await set_password(session, staff_id=staff.id, login="tech", password="another one", now=clock.now())
    assert await resolve_session(session, token, now=clock.now(), lifetime=HOURS) is None
    assert await verify(session, login="tech", password="long enough") is None


async def test_recent_failures_count_per_login_and_per_address(session, clock) -> None:
    start = clock.now()
    for _ in range(3):
        await record_attempt(session, login="alice", remote="10.0.0.1", succeeded=False, now=clock.now())
    await record_attempt(session, login="bob", remote="10.0.0.1", succeeded=False, now=clock.now())
    await record_attempt(session, login="alice", remote="10.0.0.2", succeeded=False, now=clock.now())
    await record_attempt(session, login="alice", remote="10.0.0.2", succeeded=True, now=clock.now())
    assert await recent_failures(session, login="alice", remote="10.0.0.9", since=start) == 4
    assert await recent_failures(session, login="carol", remote="10.0.0.1", since=start) == 4
    assert await recent_failures(session, login="bob", remote="10.0.0.3", since=start) == 1
    assert await recent_failures(session, login="ALICE", remote=None, since=start) == 4
    clock.advance(minutes=16)
    assert (
        await recent_failures(session, login="alice", remote="10.0.0.1", since=clock.now() - timedelta(minutes=15)) == 0
    )
