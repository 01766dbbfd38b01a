"""Wegwijs' own tables: one SQLAlchemy metadata, one engine per database URL.

SQLite (the embedded default, `var/wegwijs.db`, shared with Rasa's tracker
store) and PostgreSQL (production) are both first-class. Each feature module
(`bot.offer`, `bot.referral`, ...) declares its tables on `METADATA`;
`create_schema` creates whatever is missing, so start-up and tests share one
path. No SQL is ever built by string formatting: use SQLAlchemy Core.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine

METADATA = MetaData()


def make_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite: WAL, foreign keys, a wait on locks."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, future=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # pragma: no cover - trivial
            # pysqlite's own transaction handling defers BEGIN, which breaks
            # "BEGIN IMMEDIATE" locking; we issue BEGIN ourselves (see below).
            connection.isolation_level = None
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:  # pragma: no cover - trivial
            # Take the write lock at the start of every transaction, so two
            # writers never both read "free" and then both write (atomic booking).
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, future=True)


def create_schema(engine: Engine) -> None:
    """Creates every Wegwijs table that does not exist yet."""
    # Importing the feature modules registers their tables on METADATA.
    import bot.schema  # noqa: F401

    METADATA.create_all(engine)
