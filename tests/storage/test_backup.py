"""Backups: a consistent copy taken while the database is open, restorable and complete."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from storage.backup import BackupError, backup
from storage.db import create_engine, create_sessionmaker
from storage.integrity import check_integrity
from storage.tickets import Ticket, TicketEvent
from tests.factories import make_ticket, make_world


async def test_backup_copies_every_ticket(db, clock, tmp_path) -> None:
    async with db.sessions() as session:
        world = await make_world(session, clock.now())
        for _ in range(3):
            await make_ticket(session, world.community, clock.now(), resident=world.resident)
        await session.commit()
    async with db.sessions() as open_session:  # a reader holds the database open during the backup
        await open_session.scalar(select(func.count()).select_from(Ticket))
        target = backup(db.url, tmp_path / "backups" / "wuye.bak")
    assert target.stat().st_size > 0
    if db.backend == "sqlite":
        copy = create_engine(f"sqlite+aiosqlite:///{target}")
        async with create_sessionmaker(copy)() as session:
            assert await session.scalar(select(func.count()).select_from(Ticket)) == 3
            assert await session.scalar(select(func.count()).select_from(TicketEvent)) == 3
            assert await check_integrity(session) == []
        await copy.dispose()
    else:
        if shutil.which("pg_restore") is None:
            pytest.skip("pg_restore not installed")
        listing = subprocess.run(["pg_restore", "--list", str(target)], capture_output=True, text=True, check=True)
        assert "TABLE DATA public tickets" in listing.stdout
        assert "TABLE DATA public ticket_events" in listing.stdout


async def test_backup_of_a_missing_sqlite_file_fails_clearly(tmp_path) -> None:
    with pytest.raises(BackupError, match="no SQLite database"):
        backup(f"sqlite+aiosqlite:///{tmp_path / 'absent.db'}", tmp_path / "out.db")
