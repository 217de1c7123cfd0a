"""Engines for the class room store: where the database is, and SQLite set up for several writers.

SQLite gets WAL (readers never wait for the writer), a busy timeout (a writer waits for the lock instead
of failing at once) and foreign keys on every connection. Its driver's own transaction handling is
switched off so that SQLAlchemy emits BEGIN itself: ``BEGIN IMMEDIATE`` on the writer engine
(``writer(engine)``), which takes the write lock at the start. A deferred transaction that read first
could otherwise fail on its first write under concurrency ("database is locked") instead of waiting.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

URL_ENV = "DENSENET_VIZ_CLASS_DB_URL"
ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE = ROOT / ".data" / "classroom.sqlite3"
BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "classroom_write"  # execution option: this connection's transactions will write


def sqlite_url(path: str | Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return "sqlite:///" + str(Path(path).resolve())


def default_database_url() -> str:
    """``$DENSENET_VIZ_CLASS_DB_URL``, else a SQLite file under ``.data/`` in the repository."""
    return os.environ.get(URL_ENV, "").strip() or sqlite_url(DEFAULT_SQLITE)


def make_engine(url: str | sa.URL | None = None, **kwargs) -> sa.Engine:
    """An engine for ``url`` (default ``default_database_url()``), prepared by ``prepare_engine``.
    A SQLite file's folder is created if missing."""
    url = url or default_database_url()
    make_sqlite_folder(url)
    return prepare_engine(sa.create_engine(url, pool_pre_ping=True, **kwargs))


def make_sqlite_folder(url: str | sa.URL) -> None:
    """Create the folder of a SQLite file URL (SQLite creates the file, not its folder); other URLs: nothing."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def prepare_engine(engine: sa.Engine) -> sa.Engine:
    """Install the SQLite connection settings on ``engine`` (once; nothing to do for other databases)."""
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _sqlite_connect):
        return engine
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    engine.dispose()  # connections opened before the listeners existed would lack the settings
    return engine


def writer(engine: sa.Engine) -> sa.Engine:
    """The same engine (same pool) whose transactions are write transactions (``BEGIN IMMEDIATE`` on SQLite)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own; _sqlite_begin does
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash may lose the last commit, never corrupt
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")
