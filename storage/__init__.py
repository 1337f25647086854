"""The system of record: SQLAlchemy models, migrations, ticket lifecycle, outbox and jobs."""

from storage.clock import Clock, FrozenClock, SystemClock
from storage.db import Database, create_engine, create_sessionmaker, database_url, open_database
from storage.migrations import upgrade, upgrade_engine

__all__ = [
    "Clock",
    "Database",
    "FrozenClock",
    "SystemClock",
    "create_engine",
    "create_sessionmaker",
    "database_url",
    "open_database",
    "upgrade",
    "upgrade_engine",
]
