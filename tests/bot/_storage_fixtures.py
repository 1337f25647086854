"""The storage fixtures (SQLite file and PostgreSQL database) for CLI tests."""

from tests.storage.conftest import clock, db, postgres_server, sqlite_template

__all__ = ["clock", "db", "postgres_server", "sqlite_template"]
