"""`wuye rooms import`: all rows or none, bad rows named by line number."""

from __future__ import annotations

from storage.rooms import count_rooms, find_room
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401
from tests.bot.test_cli_db import wuye
from tests.factories import make_community


async def test_import_good_file_then_bad_file(db, clock, tmp_path, capsys) -> None:  # noqa: F811
    async with db.sessions() as session:
        community = await make_community(session, clock.now(), code="lh")
        await session.commit()
    good = tmp_path / "rooms.csv"
    good.write_text("楼栋,单元,房号\n3栋,2单元,502室\n3,2,503\nB,,1203\n", encoding="utf-8")
    assert await wuye("rooms", "--url", db.url, "import", str(good), "--community", "lh") == 0
    assert "imported 3 room(s)" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text("building,unit,room\n5,1,101\n5,1,\n5,1,101\n", encoding="utf-8")
    assert await wuye("rooms", "--url", db.url, "import", str(bad), "--community", str(community.id)) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: room" in err and f"{bad}:4: room 5-1-101 repeats line 2" in err
    async with db.sessions() as session:
        assert await count_rooms(session, community_id=community.id) == 3
        assert await find_room(session, community_id=community.id, code="5-1-101") is None
        assert (await find_room(session, community_id=community.id, code="3-2-502")) is not None

    assert await wuye("rooms", "--url", db.url, "import", str(good), "--community", "nope") == 1
