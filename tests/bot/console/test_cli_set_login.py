"""`wuye staff set-login STAFF_ID LOGIN`: the password comes from stdin (never argv) and only its hash is stored."""

from __future__ import annotations

import io

from storage.staff.auth import verify
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401
from tests.bot.test_cli_db import wuye
from tests.factories import make_community, make_staff


async def test_set_login_reads_the_password_from_stdin(db, clock, capsys, monkeypatch) -> None:  # noqa: F811
    async with db.sessions() as session:
        staff = await make_staff(session, await make_community(session, clock.now()), clock.now())
        await session.commit()
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-secret\n"))
    assert await wuye("staff", "--url", db.url, "set-login", str(staff.id), "Zhang.SF") == 0
    out = capsys.readouterr()
    assert "as zhang.sf" in out.out and "a-long-secret" not in out.out + out.err
    async with db.sessions() as session:
        assert (await verify(session, login="zhang.sf", password="a-long-secret")).id == staff.id

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert await wuye("staff", "--url", db.url, "set-login", str(staff.id), "zhang.sf") == 1
    assert "at least" in capsys.readouterr().err
    async with db.sessions() as session:
        assert await verify(session, login="zhang.sf", password="a-long-secret") is not None  # unchanged
