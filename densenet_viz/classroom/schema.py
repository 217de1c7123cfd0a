"""The class room tables (SQLAlchemy Core, same on SQLite and PostgreSQL), their version and migrations.

Times are integer epoch seconds. Every row belongs to one room (``room_id``), so a room is deleted with
one ``DELETE ... WHERE room_id = ?`` per table; the foreign keys also cascade, as a second line of defence.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from .db import writer

metadata = sa.MetaData()

schema_version = sa.Table(
    "classroom_schema", metadata,
    sa.Column("id", sa.Integer, primary_key=True),  # always 1: the table holds one row
    sa.Column("version", sa.Integer, nullable=False),
)

rooms = sa.Table(
    "classroom_rooms", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("teacher_hash", sa.String(64), nullable=False),  # sha256 of the teacher key, never the key
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False, index=True),
    sa.Column("auto_approve", sa.Boolean, nullable=False, default=False),
    sa.Column("revision", sa.BigInteger, nullable=False, default=0),  # bumped on every change in the room
)



def _room_fk() -> sa.ForeignKey:
    return sa.ForeignKey("classroom_rooms.id", ondelete="CASCADE")


members = sa.Table(
    "classroom_members", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("room_id", sa.Integer, _room_fk(), nullable=False),
    sa.Column("client_hash", sa.String(64), nullable=False),  # sha256 of room and client id
    sa.Column("nickname", sa.String, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, default=True),  # False once the student left
    sa.Column("joined_at", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("room_id", "client_hash", name="uq_classroom_members_client"),
)

shares = sa.Table(
    "classroom_shares", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("room_id", sa.Integer, _room_fk(), nullable=False, index=True),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("classroom_members.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("thumbnail", sa.LargeBinary, nullable=False),
    sa.Column("cam", sa.LargeBinary, nullable=False),
    sa.Column("predicted", sa.String, nullable=False),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("none_of_these", sa.Boolean, nullable=False),
    sa.Column("label", sa.String, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # pending | approved | hidden
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

answers = sa.Table(
    "classroom_answers", metadata,
    sa.Column("member_id", sa.Integer, sa.ForeignKey("classroom_members.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("question_id", sa.String, primary_key=True),  # one answer per student and question
    sa.Column("room_id", sa.Integer, _room_fk(), nullable=False, index=True),
    sa.Column("answer", sa.String, nullable=False),
    sa.Column("correct", sa.Boolean, nullable=False),
    sa.Column("answered_at", sa.BigInteger, nullable=False),
)

ROOM_TABLES = (answers, shares, members, rooms)  # children first: the order a room is deleted in

# MIGRATIONS[i] takes a database from version i + 1 to i + 2 (adds a column, a table, ...). A fresh
# database is created at SCHEMA_VERSION directly from the tables above, which must match the migrated result.
MIGRATIONS: tuple[Callable[[sa.Connection], None], ...] = ()
SCHEMA_VERSION = 1 + len(MIGRATIONS)
_PG_LOCK_KEY = 0x64656E73  # pg_advisory_xact_lock id: one process at a time creates or migrates


class SchemaError(RuntimeError):
    """The database was made by a newer version of the app: this code must not touch it."""


def ensure_schema(engine: sa.Engine) -> int:
    """Create the tables if missing, or migrate them to SCHEMA_VERSION; returns the version.

    Idempotent, and safe when several processes start at once: everything runs in one write transaction,
    after PostgreSQL's advisory lock or SQLite's write lock (both keep DDL inside the transaction).
    A database with a newer version raises ``SchemaError`` and is left untouched.
    """
    migrations = MIGRATIONS  # read at call time, so a test can patch the module's list and version
    target = SCHEMA_VERSION
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        version = None
        if sa.inspect(conn).has_table(schema_version.name):
            version = conn.scalar(sa.select(sa.func.max(schema_version.c.version)))
        if version is None:  # a fresh database
            metadata.create_all(conn)
            conn.execute(sa.delete(schema_version))
            conn.execute(sa.insert(schema_version).values(id=1, version=target))
            return target
        if version > target:
            raise SchemaError(
                f"The class room database has schema version {version}, but this code knows versions up to "
                f"{target}: run a newer version of the app, or point DENSENET_VIZ_CLASS_DB_URL at another database."
            )
        for step in range(version, target):
            migrations[step - 1](conn)
            conn.execute(sa.update(schema_version).values(version=step + 1))
        metadata.create_all(conn)  # checkfirst: recreates a table someone dropped, touches nothing else
        return target
