"""`wuye rooms import`: load a room registry from CSV, all or nothing, bad rows named by line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.communities.service import get_community
from storage.errors import InvalidInput, RoomImportError
from storage.rooms.models import Room
from storage.rooms.room_number import RoomNumber, make_room_number

#: Accepted header names for each column (English or Chinese).
HEADERS = {
    "building": {"building", "楼栋", "楼号", "栋"},
    "unit": {"unit", "单元"},
    "room": {"room", "房号", "房间", "室"},
}


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rooms added and rows already registered (left as they were)."""

    created: int
    existing: int


async def import_rooms_csv(
    session: AsyncSession, *, community_id: int, source: str | Path, now: datetime
) -> ImportResult:
    """Add every room in the CSV (a path or the text itself) or none of them.

    The file needs a header with building, room and optionally unit. Raises RoomImportError listing
    every bad row by line number; the caller's transaction then holds no partial import.
    """
    await get_community(session, community_id)
    text = Path(source).read_text(encoding="utf-8-sig") if isinstance(source, Path) else source
    numbers = parse_rooms_csv(text)
    existing = set(await session.scalars(select(Room.code).where(Room.community_id == community_id)))
    fresh = [n for n in numbers if n.code not in existing]
    if fresh:
        await session.execute(
            insert(Room),
            [
                {
                    "community_id": community_id,
                    "building": n.building,
                    "unit": n.unit,
                    "room": n.room,
                    "code": n.code,
                    "created_at": now,
                }
                for n in fresh
            ],
        )
    return ImportResult(created=len(fresh), existing=len(numbers) - len(fresh))


def parse_rooms_csv(text: str) -> list[RoomNumber]:
    """Validate the whole file; raises RoomImportError with (line, message) for every bad row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    if not rows:
        raise RoomImportError([(1, "empty file: expected a header building,unit,room")])
    columns = _columns(rows[0])
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    numbers = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            number = make_room_number(*(_cell(row, columns.get(name)) for name in ("building", "unit", "room")))
        except InvalidInput as error:
            problems.append((line, str(error)))
            continue
        if number.code in seen:
            problems.append((line, f"room {number.code} repeats line {seen[number.code]}"))
            continue
        seen[number.code] = line
        numbers.append(number)
    if problems:
        raise RoomImportError(problems)
    return numbers


def _columns(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, name in enumerate(header):
        for key, names in HEADERS.items():
            if name.strip().lower() in names:
                columns[key] = index
    missing = [key for key in ("building", "room") if key not in columns]
    if missing:
        raise RoomImportError([(1, f"header lacks column(s) {', '.join(missing)}: got {','.join(header)}")])
    return columns


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""
