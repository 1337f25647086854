"""`wuye staff add|list|set-duty|link|deactivate`."""

from __future__ import annotations

from storage.staff import find_staff_by_identity, get_staff
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401
from tests.bot.test_cli_db import wuye
from tests.factories import make_community


async def test_staff_commands(db, clock, capsys) -> None:  # noqa: F811
    async with db.sessions() as session:
        community = await make_community(session, clock.now())
        await session.commit()
    url = ("--url", db.url)
    assert (
        await wuye(
            "staff",
            *url,
            "add",
            "--name",
            "张师傅",
            "--role",
            "technician",
            "--department",
            "engineering",
            "--trade",
            "plumbing",
            "--community",
            str(community.id),
            "--phone",
            "13900139000",
        )
        == 0
    )
    assert "added staff 1" in capsys.readouterr().out
    assert (
        await wuye("staff", *url, "add", "--name", "李师傅", "--role", "technician", "--department", "engineering") == 1
    )
    assert "needs a trade" in capsys.readouterr().err
    assert await wuye("staff", *url, "set-duty", "1", "on") == 0
    assert await wuye("staff", *url, "link", "1", "--channel", "telegram", "--external-id", "777") == 0
    assert await wuye("staff", *url, "list", "--on-duty") == 0
    assert "张师傅  technician/plumbing" in capsys.readouterr().out
    assert await wuye("staff", *url, "deactivate", "1") == 0
    async with db.sessions() as session:
        staff = await get_staff(session, 1)
        assert not staff.active and not staff.on_duty
        assert await find_staff_by_identity(session, channel="telegram", external_id="777") is None
