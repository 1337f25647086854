"""`wuye db backup`: an online SQLite backup, or pg_dump for PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import is_sqlite, sqlite_path


class BackupError(RuntimeError):
    """The backup could not be made (missing pg_dump, unreachable server, bad path)."""


def backup(url: str, destination: str | Path) -> Path:
    """Copy the database at `url` to `destination` while it is in use; returns the file written.

    SQLite: the online backup API (a consistent snapshot even with writers), then an integrity check of
    the copy. PostgreSQL: `pg_dump --format=custom`, restorable with pg_restore.
    """
    target = Path(destination)
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite(url):
        _backup_sqlite(url, target)
    else:
        _backup_postgres(url, target)
    return target


def _backup_sqlite(url: str, target: Path) -> None:
    source_path = sqlite_path(url)
    if source_path is None or not source_path.exists():
        raise BackupError(f"no SQLite database file at {source_path}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the backup copy fails its integrity check: {result}")
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()
    os.replace(partial, target)


def _backup_postgres(url: str, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (apt-get install postgresql-client)")
    parsed = make_url(url)
    command = [pg_dump, "--format=custom", "--no-owner", f"--file={target}", f"--dbname={parsed.database}"]
    if parsed.host:
        command.append(f"--host={parsed.host}")
    if parsed.port:
        command.append(f"--port={parsed.port}")
    if parsed.username:
        command.append(f"--username={parsed.username}")
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
