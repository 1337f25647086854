"""CSV import into the registry: all or nothing, bad rows by line — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from storage.errors import RoomImportError
from storage.rooms import count_rooms, find_room, import_rooms_csv, parse_rooms_csv
from tests.factories import make_community


async def test_import_then_reimport_is_idempotent(session, clock) -> None:
    community = await make_community(session, clock.now())
    text = "building,unit,room\n3,2,501\n3,2,502\nB,,1203\n\n"
    first = await import_rooms_csv(session, community_id=community.id, source=text, now=clock.now())
    again = await import_rooms_csv(session, community_id=community.id, source=text, now=clock.now())
    assert (first.created, first.existing, again.created, again.existing) == (3, 0, 0, 3)
    assert await count_rooms(session, community_id=community.id) == 3
    assert (await find_room(session, community_id=community.id, code="b-1203")).code == "B-1203"


async def test_a_bad_row_imports_nothing(db, clock) -> None:
    async with db.sessions() as session:
        community = await make_community(session, clock.now())
        await session.commit()
    with pytest.raises(RoomImportError) as caught:
        async with db.sessions() as session, session.begin():
            await import_rooms_csv(
                session,
                community_id=community.id,
                now=clock.now(),
                source="building,unit,room\n1,1,101\n1,1,10x1\n1,1,102\n",
            )
    assert [line for line, _ in caught.value.problems] == [3]
    async with db.sessions() as session:
        assert await count_rooms(session, community_id=community.id) == 0


def test_header_and_duplicates_are_reported() -> None:
    with pytest.raises(RoomImportError, match="line 1: header lacks column"):
        parse_rooms_csv("楼栋,单元\n1,1\n")
    with pytest.raises(RoomImportError) as caught:
        parse_rooms_csv("\ufeff楼栋,单元,房号\n1,1,101\n1栋,1单元,101室\n")
    assert caught.value.problems == [(3, "room 1-1-101 repeats line 2")]
