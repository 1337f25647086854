"""`wuye db upgrade|backup|check` and `wuye communities` against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.cli import main
from storage.communities import Community
from tests.bot._storage_fixtures import clock, db, postgres_server, sqlite_template  # noqa: F401


async def wuye(*argv: str) -> int:
    """Run the CLI in a thread (it calls asyncio.run itself)."""
    return await asyncio.to_thread(main, list(argv))


async def test_upgrade_creates_a_fresh_sqlite_file(tmp_path, capsys) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'new.db'}"
    assert await wuye("db", "--url", url, "upgrade") == 0
    assert (tmp_path / "var" / "new.db").exists()
    assert "newest schema" in capsys.readouterr().out
    assert await wuye("db", "--url", url, "upgrade") == 0  # idempotent


async def test_communities_backup_and_check(db, tmp_path, capsys) -> None:  # noqa: F811
    assert await wuye("communities", "--url", db.url, "add", "lh", "绿湖花园") == 0
    async with db.sessions() as session:
        assert (await session.scalars(select(Community.code))).all() == ["lh"]
    assert await wuye("communities", "--url", db.url, "add", "lh", "重复") == 1
    assert "already exists" in capsys.readouterr().err
    assert await wuye("db", "--url", db.url, "check") == 0
    assert await wuye("db", "--url", db.url, "backup", str(tmp_path / "b.bak")) == 0
    assert (tmp_path / "b.bak").stat().st_size > 0


async def test_policy_files_are_checked(tmp_path, capsys) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[deadlines.urgent]\narrive_minutes = 20\n", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[complaints.tiers.2]\nowner_role = "boss"\n', encoding="utf-8")
    assert await wuye("communities", "check-policy", str(good)) == 0
    assert await wuye("communities", "check-policy", str(bad)) == 1
    assert "complaints.tiers.2.owner_role" in capsys.readouterr().err
