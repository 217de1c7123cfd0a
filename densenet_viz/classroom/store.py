"""The class room store: rooms, students, shared photos and lesson answers in a SQL database.

A teacher starts a room and gets a join code and a secret teacher key; students join with the code and
share explained photos and answers; the teacher's board sums them up. Everything of a room is deleted
when the teacher ends the class or when the room expires (``purge_expired``, run cheaply at the start of
``create_room``, ``join`` and ``board``, so no background thread is needed).

Concurrency: every write transaction first locks its room's row (``SELECT ... FOR UPDATE`` on
PostgreSQL; ``BEGIN IMMEDIATE`` serialises writers on SQLite), so caps are counted and enforced with
no race, and rooms are always locked before their rows (no deadlocks). Room creation locks the one
``classroom_schema`` row, which serialises it for the ``max_rooms`` check.
"""

from __future__ import annotations

import math
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from ..errors import UserError, shorten
from . import schema
from .codes import (
    digest,
    format_code,
    is_code,
    new_code,
    new_teacher_key,
    normalize_code,
    same_digest,
    sanitize_nickname,
)
from .db import prepare_engine, writer
from .limits import Limits
from .ratelimit import RateLimiter
from .schema import answers, members, rooms, shares

OTHER = "other"  # a student's label: another kind of flower, none of the five
UNKNOWN = "unknown"  # a student's label: "I don't know" (left out of accuracy and the confusion matrix)
NONE_OF_THESE = "none_of_these"  # the confusion matrix's column for photos the model flagged as none of its classes
PENDING, APPROVED, HIDDEN = "pending", "approved", "hidden"
DEFAULT_LIMITS = Limits()
PURGE_EVERY_S = 30  # expired rooms are invisible at once; deleting them may wait this long
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # JPEG, PNG: what make_thumbnail writes


@dataclass(frozen=True)
class RoomKeys:
    """What the teacher gets on starting a room. ``teacher_key`` is shown once and never stored."""

    room_id: int
    code: str
    teacher_key: str
    expires_at: int


@dataclass(frozen=True)
class Member:
    """A student in a room (kept in the student's session)."""

    member_id: int
    room_id: int
    code: str
    nickname: str | None


@dataclass(frozen=True)
class Room:
    """A room as its teacher sees it (``check_teacher``)."""

    room_id: int
    code: str
    created_at: int
    expires_at: int
    auto_approve: bool
    joined: int
    revision: int


@dataclass(frozen=True)
class ShareRow:
    """One shared photo. ``correct`` is None when the student's label is "unknown"."""

    id: int
    nickname: str | None
    predicted: str
    probability: float
    none_of_these: bool
    label: str
    status: str
    correct: bool | None
    thumbnail: bytes
    cam: bytes
    created_at: int


@dataclass(frozen=True)
class Board:
    """The teacher's view of a room. ``shares`` holds every status (wrong first, then newest), while
    ``accuracy``, ``confusion`` and the answer counts use approved shares only.

    ``confusion[i][j]`` counts approved photos whose student label is ``labels[i]`` (the classes and
    "other") and whose prediction is ``columns[j]`` (the classes and "none_of_these").
    ``answers[question][answer]`` counts answers; ``answers_correct[question]`` is (n_correct, n_answered).
    ``revision`` was read before everything else: the board is at least as new as it.
    """

    code: str
    expires_at: int
    auto_approve: bool
    joined: int
    shares: tuple[ShareRow, ...]
    accuracy: tuple[int, int]
    labels: tuple[str, ...]
    columns: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    answers: dict[str, dict[str, int]]
    answers_correct: dict[str, tuple[int, int]]
    revision: int


def is_correct(label: str, predicted: str, none_of_these: bool) -> bool | None:
    """Whether the model was right by the student's label: the same class and not flagged, or "other"
    and flagged as none of its classes. None when the student does not know."""
    if label == UNKNOWN:
        return None
    if label == OTHER:
        return bool(none_of_these)
    return label == predicted and not none_of_these


class ClassroomStore:
    """All class room reads and writes. Thread-safe; one per process is enough.

    ``class_names`` are the model's classes (labels and predictions are checked against them).
    ``clock`` returns epoch seconds (tests inject a fake one). Call ``ensure_schema()`` once at start-up.
    """

    def __init__(self, engine: sa.Engine, limits: Limits = DEFAULT_LIMITS, clock: Callable[[], float] = time.time, *,
                 class_names: Sequence[str]):
        names = tuple(class_names)
        if not names or len(set(names)) != len(names) or {OTHER, UNKNOWN} & set(names):
            raise ValueError(f"class_names must be distinct and not 'other' or 'unknown': {names!r}")
        self.engine = prepare_engine(engine)
        self._writer = writer(self.engine)
        self.limits, self.clock, self.class_names = limits, clock, names
        self.labels = (*names, OTHER)  # the confusion matrix's rows
        self.label_choices = (*names, OTHER, UNKNOWN)  # what a student may say a photo is
        self.columns = (*names, NONE_OF_THESE)
        self._join_rate = RateLimiter(limits.joins_per_minute, 60, clock, limits.max_rate_clients)
        self._share_rate = RateLimiter(limits.shares_per_minute, 60, clock, limits.max_rate_clients)
        self._next_purge = -math.inf
        self._purge_lock = threading.Lock()

    def ensure_schema(self) -> int:
        """Create or migrate the tables (see ``schema.ensure_schema``); returns the schema version."""
        return schema.ensure_schema(self.engine)

    # --- teacher ---------------------------------------------------------------------------------------

    def create_room(self) -> RoomKeys:
        """Start a room; refused beyond ``limits.max_rooms`` open rooms."""
        self._maybe_purge()
        now = self._now()
        key = new_teacher_key()
        with self._writer.begin() as conn:
            conn.execute(sa.select(schema.schema_version.c.id).with_for_update())  # one room creation at a time
            open_rooms = conn.scalar(sa.select(sa.func.count()).where(rooms.c.expires_at > now))
            if open_rooms >= self.limits.max_rooms:
                raise UserError("classroom.too_many_rooms", limit=self.limits.max_rooms)
            taken = True
            while taken:  # 1 in 2**40 per open room: practically never loops
                code = new_code()
                taken = conn.scalar(sa.select(rooms.c.id).where(rooms.c.code == code)) is not None
            expires_at = now + self.limits.ttl_s
            result = conn.execute(sa.insert(rooms).values(
                code=code, teacher_hash=digest("teacher", key), created_at=now, expires_at=expires_at,
                auto_approve=False, revision=0))
            room_id = result.inserted_primary_key[0]
        return RoomKeys(room_id=room_id, code=code, teacher_key=key, expires_at=expires_at)

    def check_teacher(self, code: str, teacher_key: str) -> Room:
        """The room, if ``teacher_key`` is its key (reopening the board from the teacher's private link)."""
        with self.engine.connect() as conn:
            room = self._teacher_room(conn, code, teacher_key)
            return Room(room_id=room.id, code=room.code, created_at=room.created_at, expires_at=room.expires_at,
                        auto_approve=room.auto_approve, joined=self._joined(conn, room.id), revision=room.revision)

    def set_auto_approve(self, code: str, teacher_key: str, on: bool) -> None:
        """Show new shares at once (``on``) or only after ``approve``; shares already pending stay pending."""
        with self._writer.begin() as conn:
            room = self._teacher_room(conn, code, teacher_key, lock=True)
            conn.execute(sa.update(rooms).where(rooms.c.id == room.id).values(auto_approve=bool(on)))
            self._bump(conn, room.id)

    def approve(self, code: str, teacher_key: str, share_id: int) -> None:
        """Show a share on the board (also one hidden before)."""
        self._set_status(code, teacher_key, share_id, APPROVED)

    def hide(self, code: str, teacher_key: str, share_id: int) -> None:
        """Take a share off the board (it stays listed for moderation, and counts for nothing)."""
        self._set_status(code, teacher_key, share_id, HIDDEN)

    def end_class(self, code: str, teacher_key: str) -> None:
        """Delete the room and every row of it, in one transaction."""
        with self._writer.begin() as conn:
            room = self._teacher_room(conn, code, teacher_key, lock=True)
            _delete_rooms(conn, [room.id])

    def board(self, code: str, teacher_key: str) -> Board:
        """Everything the teacher's board shows (see ``Board``)."""
        self._maybe_purge()
        with self.engine.connect() as conn:
            room = self._teacher_room(conn, code, teacher_key)  # first: its revision dates the board
            rows = conn.execute(
                sa.select(shares, members.c.nickname).join(members, members.c.id == shares.c.member_id)
                .where(shares.c.room_id == room.id)
            ).all()
            answer_rows = conn.execute(
                sa.select(answers.c.question_id, answers.c.answer, answers.c.correct, sa.func.count())
                .where(answers.c.room_id == room.id)
                .group_by(answers.c.question_id, answers.c.answer, answers.c.correct)
            ).all()
            joined = self._joined(conn, room.id)
        listed = sorted((_share_row(r, r.nickname) for r in rows),
                        key=lambda s: (s.correct is not False, -s.created_at, -s.id))
        approved = [s for s in listed if s.status == APPROVED]
        labelled = [s for s in approved if s.correct is not None]
        counts, correct = _answer_counts(answer_rows)
        return Board(
            code=room.code, expires_at=room.expires_at, auto_approve=room.auto_approve, joined=joined,
            shares=tuple(listed), accuracy=(sum(bool(s.correct) for s in labelled), len(labelled)),
            labels=self.labels, columns=self.columns, confusion=self._confusion(labelled),
            answers=counts, answers_correct=correct, revision=room.revision,
        )

    def revision(self, code: str) -> int:
        """The room's change counter: a board can skip re-reading everything while it stays the same."""
        with self.engine.connect() as conn:
            return self._room(conn, code).revision

    # --- students --------------------------------------------------------------------------------------

    def join(self, code: str, client_id: str, nickname: str | None = None) -> Member:
        """Join the room of ``code`` (as typed: see ``normalize_code``). The same ``client_id`` gets the
        same member back (its nickname updated; a student who left is let in again)."""
        self._join_rate.check(client_id)  # failed joins count too: guessing codes stays slow
        self._maybe_purge()
        if not isinstance(client_id, str) or not client_id:
            raise ValueError("client_id must be a non-empty string")
        nickname = sanitize_nickname(nickname, self.limits.nickname_chars)
        with self._writer.begin() as conn:
            room = self._room(conn, code, lock=True)
            client_hash = digest("client", room.id, client_id)
            row = conn.execute(sa.select(members).where(members.c.room_id == room.id,
                                                        members.c.client_hash == client_hash)).first()
            if (row is None or not row.active) and self._joined(conn, room.id) >= self.limits.max_members:
                raise UserError("classroom.room_full", limit=self.limits.max_members)
            if row is None:
                member_id = conn.execute(sa.insert(members).values(
                    room_id=room.id, client_hash=client_hash, nickname=nickname, active=True,
                    joined_at=self._now())).inserted_primary_key[0]
                self._bump(conn, room.id)
            else:
                member_id = row.id
                if not row.active or row.nickname != nickname:
                    conn.execute(sa.update(members).where(members.c.id == row.id).values(nickname=nickname,
                                                                                        active=True))
                    self._bump(conn, room.id)
        return Member(member_id=member_id, room_id=room.id, code=room.code, nickname=nickname)

    def leave(self, member: Member) -> None:
        """Leave the room: the member can no longer share or answer (what they shared stays)."""
        with self._writer.begin() as conn:
            room = conn.execute(sa.select(rooms.c.id).where(rooms.c.id == member.room_id).with_for_update()).first()
            if room is None:
                return  # the class has ended already
            result = conn.execute(sa.update(members).where(
                members.c.id == member.member_id, members.c.room_id == member.room_id, members.c.active
            ).values(active=False))
            if result.rowcount:
                self._bump(conn, member.room_id)

    def share(self, member: Member, *, thumbnail: bytes, cam: bytes, predicted: str, probability: float,
              none_of_these: bool, label: str) -> int:
        """Share an explained photo; returns its id. ``label`` is the student's own: a class name, "other"
        (another flower) or "unknown". Pending until the teacher approves, unless the room auto-approves."""
        self._share_rate.check(("share", member.member_id))
        if predicted not in self.class_names:
            raise UserError("classroom.bad_prediction", predicted=shorten(predicted, 40))
        if label not in self.label_choices:
            raise UserError("classroom.bad_label", label=shorten(label, 40),
                            choices=", ".join(self.label_choices))
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) \
                or not 0.0 <= probability <= 1.0:  # False for NaN too
            raise UserError("classroom.bad_probability", value=shorten(probability, 20))
        for data in (thumbnail, cam):
            self._check_image(data)
        with self._writer.begin() as conn:
            room = self._member_room(conn, member)
            mine = conn.scalar(sa.select(sa.func.count()).where(shares.c.member_id == member.member_id))
            if mine >= self.limits.max_shares_per_member:
                raise UserError("classroom.share_limit", limit=self.limits.max_shares_per_member)
            total = conn.scalar(sa.select(sa.func.count()).where(shares.c.room_id == room.id))
            if total >= self.limits.max_shares_per_room:
                raise UserError("classroom.room_share_limit", limit=self.limits.max_shares_per_room)
            share_id = conn.execute(sa.insert(shares).values(
                room_id=room.id, member_id=member.member_id, thumbnail=bytes(thumbnail), cam=bytes(cam),
                predicted=predicted, probability=float(probability), none_of_these=bool(none_of_these),
                label=label, status=APPROVED if room.auto_approve else PENDING, created_at=self._now(),
            )).inserted_primary_key[0]
            self._bump(conn, room.id)
        return share_id

    def record_answer(self, member: Member, question_id: str, answer: str, correct: bool) -> None:
        """Record the member's answer to a lesson question; answering again replaces it."""
        question_id = _bounded_text(question_id, "classroom.question_too_long", self.limits.question_chars)
        answer = _bounded_text(answer, "classroom.answer_too_long", self.limits.answer_chars)
        if not question_id:
            raise ValueError("question_id must not be empty")
        with self._writer.begin() as conn:
            room = self._member_room(conn, member)
            now = self._now()
            mine = answers.c.member_id == member.member_id
            result = conn.execute(sa.update(answers).where(mine, answers.c.question_id == question_id)
                                  .values(answer=answer, correct=bool(correct), answered_at=now))
            if not result.rowcount:
                if conn.scalar(sa.select(sa.func.count()).where(mine)) >= self.limits.max_answers_per_member:
                    raise UserError("classroom.answer_limit", limit=self.limits.max_answers_per_member)
                conn.execute(sa.insert(answers).values(member_id=member.member_id, question_id=question_id,
                                                       room_id=room.id, answer=answer, correct=bool(correct),
                                                       answered_at=now))
            self._bump(conn, room.id)

    def my_shares(self, member: Member) -> tuple[ShareRow, ...]:
        """The member's own shares with their status, newest first (never anyone else's)."""
        with self.engine.connect() as conn:
            self._member_room(conn, member, lock=False)
            rows = conn.execute(sa.select(shares).where(shares.c.member_id == member.member_id,
                                                        shares.c.room_id == member.room_id)
                                .order_by(shares.c.created_at.desc(), shares.c.id.desc())).all()
        return tuple(_share_row(r, member.nickname) for r in rows)

    # --- expiry ----------------------------------------------------------------------------------------

    def purge_expired(self) -> int:
        """Delete expired rooms with all their rows; returns how many rooms. Cheap when there are none."""
        now = self._now()
        expired = rooms.c.expires_at <= now
        with self.engine.connect() as conn:  # a read first: no write lock while nothing has expired
            if conn.scalar(sa.select(rooms.c.id).where(expired).limit(1)) is None:
                return 0
        with self._writer.begin() as conn:
            ids = conn.scalars(sa.select(rooms.c.id).where(expired).order_by(rooms.c.id).with_for_update()).all()
            _delete_rooms(conn, ids)
        return len(ids)

    # --- helpers ---------------------------------------------------------------------------------------

    def _now(self) -> int:
        return int(self.clock())

    def _maybe_purge(self) -> None:
        now = self.clock()
        with self._purge_lock:
            due = now >= self._next_purge
            if due:
                self._next_purge = now + PURGE_EVERY_S
        if due:
            self.purge_expired()

    def _room(self, conn: sa.Connection, code: str, lock: bool = False) -> sa.Row:
        """The open room of ``code`` (locked for writing if ``lock``), or a UserError for the user."""
        typed = code
        code = normalize_code(code)
        if not is_code(code):
            raise UserError("classroom.code_format", class_code=shorten(typed, 20))
        query = sa.select(rooms).where(rooms.c.code == code, rooms.c.expires_at > self._now())
        row = conn.execute(query.with_for_update() if lock else query).first()
        if row is None:
            raise UserError("classroom.unknown_code", class_code=format_code(code))
        return row

    def _teacher_room(self, conn: sa.Connection, code: str, teacher_key: str, lock: bool = False) -> sa.Row:
        room = self._room(conn, code, lock)
        # A key of absurd length is not hashed at all: it cannot be right.
        if not (isinstance(teacher_key, str) and len(teacher_key) <= 200
                and same_digest(room.teacher_hash, "teacher", teacher_key)):
            raise UserError("classroom.wrong_key")
        return room

    def _member_room(self, conn: sa.Connection, member: Member, lock: bool = True) -> sa.Row:
        """The member's open room (locked for writing if ``lock``); refused if the member left."""
        query = sa.select(rooms).where(rooms.c.id == member.room_id, rooms.c.expires_at > self._now())
        room = conn.execute(query.with_for_update() if lock else query).first()
        if room is None:
            raise UserError("classroom.unknown_code", class_code=format_code(member.code))
        active = conn.scalar(sa.select(members.c.active).where(members.c.id == member.member_id,
                                                               members.c.room_id == room.id))
        if not active:
            raise UserError("classroom.not_member")
        return room

    def _set_status(self, code: str, teacher_key: str, share_id: int, status: str) -> None:
        with self._writer.begin() as conn:
            room = self._teacher_room(conn, code, teacher_key, lock=True)
            result = conn.execute(sa.update(shares).where(shares.c.id == share_id, shares.c.room_id == room.id)
                                  .values(status=status))
            if not result.rowcount:
                raise UserError("classroom.unknown_share", share_id=shorten(share_id, 20))
            self._bump(conn, room.id)

    def _check_image(self, data: bytes) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)) or not bytes(data[:8]).startswith(_IMAGE_MAGIC):
            raise UserError("classroom.not_an_image")
        if len(data) > self.limits.max_image_bytes:
            raise UserError("classroom.image_too_large", size=len(data), limit=self.limits.max_image_bytes)

    def _confusion(self, labelled: Sequence[ShareRow]) -> tuple[tuple[int, ...], ...]:
        row_of = {name: i for i, name in enumerate(self.labels)}
        col_of = {name: j for j, name in enumerate(self.columns)}
        cells = [[0] * len(self.columns) for _ in self.labels]
        for s in labelled:
            j = col_of.get(NONE_OF_THESE if s.none_of_these else s.predicted)
            if s.label in row_of and j is not None:  # a share from a model with other classes: left out
                cells[row_of[s.label]][j] += 1
        return tuple(tuple(r) for r in cells)

    @staticmethod
    def _joined(conn: sa.Connection, room_id: int) -> int:
        return conn.scalar(sa.select(sa.func.count()).where(members.c.room_id == room_id, members.c.active))

    @staticmethod
    def _bump(conn: sa.Connection, room_id: int) -> None:
        conn.execute(sa.update(rooms).where(rooms.c.id == room_id).values(revision=rooms.c.revision + 1))


def _delete_rooms(conn: sa.Connection, room_ids: Sequence[int]) -> None:
    """Delete rooms and every row of them (children first, so no foreign key is ever left dangling)."""
    if not room_ids:
        return
    for table in schema.ROOM_TABLES:
        column = table.c.id if table is rooms else table.c.room_id
        conn.execute(sa.delete(table).where(column.in_(room_ids)))


def _share_row(row: sa.Row, nickname: str | None) -> ShareRow:
    return ShareRow(
        id=row.id, nickname=nickname, predicted=row.predicted, probability=row.probability,
        none_of_these=row.none_of_these, label=row.label, status=row.status,
        correct=is_correct(row.label, row.predicted, row.none_of_these),
        thumbnail=bytes(row.thumbnail), cam=bytes(row.cam), created_at=row.created_at,
    )


def _answer_counts(rows) -> tuple[dict[str, dict[str, int]], dict[str, tuple[int, int]]]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    right: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for question, answer, correct, n in rows:
        counts[question][answer] = counts[question].get(answer, 0) + n
        right[question][0] += n if correct else 0
        right[question][1] += n
    return dict(counts), {q: (c, n) for q, (c, n) in right.items()}


def _bounded_text(value: str, code: str, limit: int) -> str:
    """Text as stored: control characters dropped, ends trimmed, at most ``limit`` characters (else ``code``)."""
    text = "".join(c for c in str(value) if unicodedata.category(c) != "Cc").strip()
    if len(text) > limit:
        raise UserError(code, length=len(text), limit=limit)
    return text
