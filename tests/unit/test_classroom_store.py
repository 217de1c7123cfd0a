"""The class room store on SQLite and PostgreSQL: the whole flow with its numbers, teacher keys, rooms kept
apart, concurrency, expiry and ending a class, rate limits, codes, nicknames, thumbnails and the schema."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from PIL import Image

from densenet_viz.classroom import (
    NONE_OF_THESE,
    ClassroomStore,
    Limits,
    SchemaError,
    default_database_url,
    format_code,
    make_engine,
    make_thumbnail,
    normalize_code,
    qr_png,
    sanitize_nickname,
    sqlite_url,
)
from densenet_viz.classroom import schema as schema_module
from densenet_viz.classroom.codes import ALPHABET, CODE_LENGTH
from densenet_viz.classroom.ratelimit import RateLimiter
from densenet_viz.errors import UserError

from testkit import ROOT

CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
TABLES = ("classroom_rooms", "classroom_members", "classroom_shares", "classroom_answers")
ROOMY = Limits(joins_per_minute=1000, shares_per_minute=1000)  # rate limits out of the way


class Clock:
    """A settable clock (epoch seconds)."""

    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _jpeg(color=(200, 40, 40), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


PHOTO, CAM = _jpeg(), _jpeg((10, 10, 200))


def _store(engine, limits=ROOMY, clock=None) -> ClassroomStore:
    store = ClassroomStore(engine, limits, clock or Clock(), class_names=CLASSES)
    store.ensure_schema()
    return store


def _share(store, member, predicted="daisy", label="daisy", none_of_these=False, probability=0.9):
    return store.share(member, thumbnail=PHOTO, cam=CAM, predicted=predicted, probability=probability,
                       none_of_these=none_of_these, label=label)


def _rows(engine, room_id) -> dict[str, int]:
    """Rows of ``room_id`` in every class room table, counted with raw SQL."""
    column = {t: "id" if t == "classroom_rooms" else "room_id" for t in TABLES}
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t} WHERE {column[t]} = :r"), {"r": room_id})
                .scalar_one() for t in TABLES}


def _filled_room(store, tag: str):
    """A room with two students, two shares and one answer each."""
    keys = store.create_room()
    students = [store.join(keys.code, f"{tag}-{i}", f"{tag}{i}") for i in range(2)]
    for s in students:
        _share(store, s)
        _share(store, s, label="other", none_of_these=True)
        store.record_answer(s, "q1", "a", True)
    return keys, students


def _error(call, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as info:
        call(*args, **kwargs)
    return info.value


# --- the whole flow ----------------------------------------------------------------------------------------


def test_share_approve_and_board_give_the_right_numbers(classroom_engine):
    clock = Clock()
    store = _store(classroom_engine, clock=clock)
    keys = store.create_room()
    assert keys.expires_at == int(clock.now) + 3 * 3600
    ann, bo, cy = (store.join(keys.code, f"client-{n}", n) for n in ("Ann", "Bo", "Cy"))
    shared = {}
    # (student, predicted, label, flagged) -> correct?
    cases = [
        ("right", ann, "daisy", "daisy", False),  # right
        ("wrong", ann, "roses", "tulips", False),  # wrong: a tulip called a rose
        ("flagged_other", bo, "daisy", "other", True),  # right: another flower, flagged as none of the five
        ("unflagged_other", bo, "tulips", "other", False),  # wrong: another flower taken for a tulip
        ("flagged_daisy", cy, "daisy", "daisy", True),  # wrong: a daisy flagged as none of the five
        ("dont_know", cy, "roses", "unknown", False),  # not counted
        ("pending", cy, "daisy", "daisy", False),  # never approved: listed, not counted
    ]
    for name, member, predicted, label, flagged in cases:
        clock.now += 10
        shared[name] = _share(store, member, predicted=predicted, label=label, none_of_these=flagged)
    for name in shared:
        if name != "pending":
            store.approve(keys.code, keys.teacher_key, shared[name])
    store.record_answer(ann, "q1", "b", False)
    store.record_answer(ann, "q1", "a", True)  # the last answer wins
    store.record_answer(bo, "q1", "a", True)
    store.record_answer(cy, "q1", "c", False)
    store.record_answer(cy, "q2", "yes", True)

    board = store.board(keys.code, keys.teacher_key)
    assert board.joined == 3 and board.code == keys.code and not board.auto_approve
    assert len(board.shares) == 7 and {s.id for s in board.shares} == set(shared.values())
    status = {s.id: s.status for s in board.shares}
    assert status[shared["pending"]] == "pending" and sum(v == "approved" for v in status.values()) == 6
    assert board.accuracy == (2, 5)  # right + flagged_other, of five labelled approved shares
    # Wrong first (newest first among them), then the rest newest first.
    order = [next(k for k, v in shared.items() if v == s.id) for s in board.shares]
    assert order == ["flagged_daisy", "unflagged_other", "wrong", "pending", "dont_know", "flagged_other", "right"]
    assert [s.correct for s in board.shares][:3] == [False, False, False]
    assert board.shares[4].correct is None
    assert board.labels == (*CLASSES, "other") and board.columns == (*CLASSES, NONE_OF_THESE)
    cell = {(board.labels[i], board.columns[j]): n for i, row in enumerate(board.confusion) for j, n in enumerate(row)
            if n}
    assert cell == {("daisy", "daisy"): 1, ("tulips", "roses"): 1, ("other", NONE_OF_THESE): 1,
                    ("other", "tulips"): 1, ("daisy", NONE_OF_THESE): 1}
    assert board.answers == {"q1": {"a": 2, "c": 1}, "q2": {"yes": 1}}
    assert board.answers_correct == {"q1": (2, 3), "q2": (1, 1)}
    first = next(s for s in board.shares if s.id == shared["right"])
    assert (first.nickname, first.predicted, first.probability, first.thumbnail, first.cam) == (
        "Ann", "daisy", 0.9, PHOTO, CAM)

    # Auto-approve: new shares go straight onto the board; a hidden one leaves the numbers.
    store.set_auto_approve(keys.code, keys.teacher_key, True)
    clock.now += 10
    extra = _share(store, bo, predicted="sunflowers", label="sunflowers")
    store.hide(keys.code, keys.teacher_key, shared["wrong"])
    board = store.board(keys.code, keys.teacher_key)
    assert board.auto_approve and {s.id: s.status for s in board.shares}[extra] == "approved"
    assert board.accuracy == (3, 5)
    assert board.confusion[CLASSES.index("tulips")][CLASSES.index("roses")] == 0
    assert [s.id for s in store.my_shares(bo)] == [extra, shared["unflagged_other"], shared["flagged_other"]]


def test_join_is_idempotent_and_leaving_stops_sharing(classroom_engine):
    store = _store(classroom_engine)
    keys = store.create_room()
    first = store.join(keys.code, "phone-1", "Ann")
    again = store.join(format_code(keys.code).lower(), "phone-1", "Annie")
    assert again.member_id == first.member_id and again.nickname == "Annie"
    assert store.board(keys.code, keys.teacher_key).joined == 1
    store.leave(first)
    assert store.board(keys.code, keys.teacher_key).joined == 0
    assert _error(_share, store, first).code == "classroom.not_member"
    assert _error(store.record_answer, first, "q1", "a", True).code == "classroom.not_member"
    back = store.join(keys.code, "phone-1")  # joining again lets the same member in
    assert back.member_id == first.member_id and _share(store, back) > 0


def test_revision_counts_every_change(classroom_engine):
    store = _store(classroom_engine)
    keys = store.create_room()
    r0 = store.revision(keys.code)
    member = store.join(keys.code, "c1")
    r1 = store.revision(keys.code)
    store.join(keys.code, "c1")  # nothing changed
    assert store.revision(keys.code) == r1 > r0
    share_id = _share(store, member)
    store.approve(keys.code, keys.teacher_key, share_id)
    store.record_answer(member, "q", "a", True)
    assert store.revision(keys.code) == r1 + 3 == store.board(keys.code, keys.teacher_key).revision


def test_bad_shares_are_refused(classroom_engine):
    store = _store(classroom_engine, limits=Limits(max_image_bytes=len(PHOTO) + 10, shares_per_minute=100))
    keys = store.create_room()
    m = store.join(keys.code, "c1")
    assert _error(_share, store, m, label="cactus").code == "classroom.bad_label"
    assert _error(_share, store, m, predicted="other").code == "classroom.bad_prediction"
    assert _error(_share, store, m, probability=float("nan")).code == "classroom.bad_probability"
    assert _error(_share, store, m, probability=1.5).code == "classroom.bad_probability"
    assert _error(store.share, m, thumbnail=b"GIF89a....", cam=CAM, predicted="daisy", probability=0.5,
                  none_of_these=False, label="daisy").code == "classroom.not_an_image"
    big = PHOTO + b"\0" * 20
    err = _error(store.share, m, thumbnail=PHOTO, cam=big, predicted="daisy", probability=0.5, none_of_these=False,
                 label="daisy")
    assert (err.code, err.fields["size"]) == ("classroom.image_too_large", len(big))
    assert _error(store.record_answer, m, "q" * 65, "a", True).code == "classroom.question_too_long"
    assert _error(store.record_answer, m, "q", "a" * 201, True).code == "classroom.answer_too_long"
    assert store.my_shares(m) == ()


def test_secrets_are_stored_only_as_hashes(classroom_engine):
    store = _store(classroom_engine)
    keys = store.create_room()
    store.join(keys.code, "client-secret-123")
    with classroom_engine.connect() as conn:
        dump = repr([conn.execute(sa.text(f"SELECT * FROM {t}")).all() for t in TABLES])
    assert keys.code in dump and keys.teacher_key not in dump and "client-secret-123" not in dump
    assert store.check_teacher(keys.code, keys.teacher_key).room_id == keys.room_id


# --- teacher keys and rooms kept apart ---------------------------------------------------------------------

TEACHER_ACTIONS = {
    "check_teacher": lambda s, c, k, sid: s.check_teacher(c, k),
    "set_auto_approve": lambda s, c, k, sid: s.set_auto_approve(c, k, True),
    "approve": lambda s, c, k, sid: s.approve(c, k, sid),
    "hide": lambda s, c, k, sid: s.hide(c, k, sid),
    "board": lambda s, c, k, sid: s.board(c, k),
    "end_class": lambda s, c, k, sid: s.end_class(c, k),
}


def test_a_wrong_teacher_key_is_refused_for_every_action(classroom_engine):
    store = _store(classroom_engine)
    keys, students = _filled_room(store, "a")
    other = store.create_room()  # a real key, of another room
    share_id = store.my_shares(students[0])[0].id
    before = (store.revision(keys.code), _rows(classroom_engine, keys.room_id))
    for name, action in TEACHER_ACTIONS.items():
        near = keys.teacher_key[:-1] + ("y" if keys.teacher_key.endswith("x") else "x")  # one character off
        for key in ("", near, other.teacher_key, None, "k" * 10_000):
            err = _error(action, store, keys.code, key, share_id)
            assert err.code == "classroom.wrong_key", (name, key)
    assert (store.revision(keys.code), _rows(classroom_engine, keys.room_id)) == before
    assert store.board(keys.code, keys.teacher_key).shares[0].status == "pending"


def test_rooms_never_see_each_other(classroom_engine):
    store = _store(classroom_engine)
    a, (a1, _) = _filled_room(store, "a")
    b, (b1, _) = _filled_room(store, "b")
    store.set_auto_approve(b.code, b.teacher_key, True)
    b_ids = {s.id for s in store.board(b.code, b.teacher_key).shares}
    a_board = store.board(a.code, a.teacher_key)
    assert len(a_board.shares) == 4 and not b_ids & {s.id for s in a_board.shares}
    assert a_board.joined == 2 and a_board.answers == {"q1": {"a": 2}}
    assert {s.id for s in store.my_shares(a1)} < {s.id for s in a_board.shares}
    # A's teacher cannot touch B's photos, nor can A's key open B's board.
    assert _error(store.approve, a.code, a.teacher_key, min(b_ids)).code == "classroom.unknown_share"
    assert _error(store.board, b.code, a.teacher_key).code == "classroom.wrong_key"
    # A member object pointed at room B (a forged session) is no member there.
    forged = type(a1)(member_id=a1.member_id, room_id=b.room_id, code=b.code, nickname=None)
    assert _error(store.my_shares, forged).code == "classroom.not_member"
    assert _error(_share, store, forged).code == "classroom.not_member"
    assert all(s.id not in b_ids for s in store.my_shares(a1))


# --- concurrency -------------------------------------------------------------------------------------------


def _at_once(n, work):
    """Run ``work(i)`` for i < n in n threads released together; returns results or the UserErrors."""
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        try:
            return work(i)
        except UserError as exc:
            return exc

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_thirty_students_sharing_at_once_lose_and_double_nothing(classroom_engine):
    store = _store(classroom_engine)
    keys = store.create_room()
    students = [store.join(keys.code, f"c{i}") for i in range(30)]
    ids = _at_once(30, lambda i: _share(store, students[i]))
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 30
    assert _rows(classroom_engine, keys.room_id)["classroom_shares"] == 30
    board = store.board(keys.code, keys.teacher_key)
    assert sorted(s.id for s in board.shares) == sorted(ids)


def test_caps_hold_under_concurrency(classroom_engine):
    limits = Limits(max_shares_per_member=6, max_shares_per_room=10, shares_per_minute=1000, joins_per_minute=1000)
    store = _store(classroom_engine, limits)
    keys = store.create_room()
    one = store.join(keys.code, "eager")
    results = _at_once(30, lambda i: _share(store, one))
    assert sum(isinstance(r, int) for r in results) == 6
    assert {r.code for r in results if isinstance(r, UserError)} == {"classroom.share_limit"}
    others = [store.join(keys.code, f"c{i}") for i in range(12)]
    results = _at_once(12, lambda i: _share(store, others[i]))
    assert sum(isinstance(r, int) for r in results) == 4  # the room holds 10
    assert {r.code for r in results if isinstance(r, UserError)} == {"classroom.room_share_limit"}
    assert _rows(classroom_engine, keys.room_id)["classroom_shares"] == 10


def test_room_and_member_limits(classroom_engine):
    store = _store(classroom_engine, Limits(max_rooms=2, max_members=2, max_answers_per_member=2,
                                            joins_per_minute=100))
    keys = store.create_room()
    store.create_room()
    assert _error(store.create_room).fields == {"limit": 2}
    first = store.join(keys.code, "c1")
    store.join(keys.code, "c2")
    assert _error(store.join, keys.code, "c3").code == "classroom.room_full"
    store.join(keys.code, "c1", "again")  # already in: not refused
    store.record_answer(first, "q1", "a", True)
    store.record_answer(first, "q2", "a", True)
    store.record_answer(first, "q2", "b", False)  # replacing an answer is fine
    assert _error(store.record_answer, first, "q3", "a", True).code == "classroom.answer_limit"


# --- deleting rooms ----------------------------------------------------------------------------------------


def test_expiry_deletes_every_row_of_the_room_only(classroom_engine):
    clock = Clock()
    store = _store(classroom_engine, Limits(ttl_s=3600, joins_per_minute=100, shares_per_minute=100), clock)
    old, (old_student, _) = _filled_room(store, "old")
    clock.now += 1800
    new, _ = _filled_room(store, "new")
    full = _rows(classroom_engine, new.room_id)
    assert full == {"classroom_rooms": 1, "classroom_members": 2, "classroom_shares": 4, "classroom_answers": 2}
    clock.now += 1800  # the old room expires now
    assert _error(store.revision, old.code).code == "classroom.unknown_code"  # invisible before it is purged
    assert _error(_share, store, old_student).code == "classroom.unknown_code"
    assert store.purge_expired() == 1 and store.purge_expired() == 0
    assert _rows(classroom_engine, old.room_id) == dict.fromkeys(TABLES, 0)
    assert _rows(classroom_engine, new.room_id) == full
    assert len(store.board(new.code, new.teacher_key).shares) == 4
    clock.now += 1800  # the new room expires too: the next join purges it by itself
    assert _error(store.join, new.code, "late").code == "classroom.unknown_code"
    assert _rows(classroom_engine, new.room_id) == dict.fromkeys(TABLES, 0)


def test_ending_the_class_deletes_every_row_of_the_room_only(classroom_engine):
    store = _store(classroom_engine)
    ended, (student, _) = _filled_room(store, "a")
    kept, _ = _filled_room(store, "b")
    kept_rows = _rows(classroom_engine, kept.room_id)
    assert _rows(classroom_engine, ended.room_id)["classroom_shares"] == 4
    store.end_class(ended.code, ended.teacher_key)
    assert _rows(classroom_engine, ended.room_id) == dict.fromkeys(TABLES, 0)
    assert _rows(classroom_engine, kept.room_id) == kept_rows
    assert _error(store.board, ended.code, ended.teacher_key).code == "classroom.unknown_code"
    assert _error(store.join, ended.code, "x").code == "classroom.unknown_code"
    assert _error(_share, store, student).code == "classroom.unknown_code"
    store.leave(student)  # leaving an ended class is harmless


# --- rate limits -------------------------------------------------------------------------------------------


def test_rate_limits_refuse_and_recover(classroom_engine):
    clock = Clock()
    store = _store(classroom_engine, Limits(joins_per_minute=3, shares_per_minute=2), clock)
    keys = store.create_room()
    for guess in ("AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"):  # failed joins count
        assert _error(store.join, guess, "guesser").code == "classroom.unknown_code"
    clock.now += 20
    err = _error(store.join, keys.code, "guesser")
    assert (err.code, err.fields) == ("classroom.rate_limited", {"seconds": 40})
    assert "try again in 40 s" in str(err)
    member = store.join(keys.code, "someone-else")  # other clients are not held up
    clock.now += 41
    assert store.join(keys.code, "guesser").room_id == keys.room_id
    _share(store, member)
    _share(store, member)
    assert _error(_share, store, member).code == "classroom.rate_limited"
    clock.now += 60
    assert _share(store, member) > 0


def test_rate_limiter_is_thread_safe_and_bounded():
    clock = Clock()
    limiter = RateLimiter(limit=5, window_s=60, clock=clock, max_keys=3)
    results = _at_once(20, lambda i: limiter.check("k"))
    assert sum(r is None for r in results) == 5
    for key in "abcd":
        limiter.check(key)
    assert len(limiter._events) == 3  # the least recently seen client is forgotten


# --- codes, nicknames, limits ------------------------------------------------------------------------------


def test_codes_are_normalised_as_people_type_them():
    assert normalize_code("abcd-efgh") == "ABCDEFGH"
    assert normalize_code(" ab cd – ef gh ") == "ABCDEFGH"
    assert normalize_code("OIL0-1LIO") == "0110" + "1110"
    assert normalize_code("ＡＢＣＤ－１２３４") == "ABCD1234"  # a Chinese keyboard's full-width characters
    assert format_code("ABCDEFGH") == "ABCD-EFGH"


def test_join_codes_have_enough_entropy(classroom_engine):
    assert len(set(ALPHABET)) == len(ALPHABET) == 32 and not set("ILOU") & set(ALPHABET)
    assert len(ALPHABET) ** CODE_LENGTH >= 2**30
    store = _store(classroom_engine)
    codes = [store.create_room().code for _ in range(20)]
    assert len(set(codes)) == 20 and all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert store.join(format_code(codes[0]).lower().replace("1", "l").replace("0", "o"), "c").code == codes[0]
    assert _error(store.join, "ABC", "c").code == "classroom.code_format"


@pytest.mark.parametrize("typed, stored", [
    ("  Ann  ", "Ann"),
    ("A\u202eB\u200bC\x00D", "ABCD"),  # bidi override, zero-width space, NUL
    ("a\t\nb   c", "a b c"),
    ("ＬＩ　Ｌｅｉ", "LI Lei"),  # full-width letters and space
    ("x" * 30, "x" * 20),
    ("\u200b \t", None),
    (None, None),
    ("李雷😀", "李雷😀"),
])
def test_nicknames_are_sanitised(typed, stored):
    assert sanitize_nickname(typed, 20) == stored


def test_join_stores_the_sanitised_nickname(classroom_engine):
    store = _store(classroom_engine)
    keys = store.create_room()
    member = store.join(keys.code, "c1", " <b>Bo</b>\u202e\u0007 ")
    assert member.nickname == "<b>Bo</b>"  # markup stays text: the page escapes it when it shows it
    _share(store, member)
    assert store.board(keys.code, keys.teacher_key).shares[0].nickname == "<b>Bo</b>"


def test_limits_from_the_environment():
    limits = Limits.from_env({"DENSENET_VIZ_CLASS_TTL_H": "1.5", "DENSENET_VIZ_CLASS_MAX_MEMBERS": "40"})
    assert (limits.ttl_s, limits.max_members, limits.max_rooms) == (5400, 40, Limits().max_rooms)
    assert Limits.from_env({}) == Limits() and Limits().ttl_s == 3 * 3600
    with pytest.raises(ValueError, match="DENSENET_VIZ_CLASS_TTL_H"):
        Limits.from_env({"DENSENET_VIZ_CLASS_TTL_H": "three"})
    with pytest.raises(ValueError):
        Limits(ttl_s=0)


# --- schema ------------------------------------------------------------------------------------------------


def test_schema_version_is_recorded_and_ensure_schema_is_idempotent(classroom_engine):
    store = _store(classroom_engine)
    keys, _ = _filled_room(store, "a")
    assert store.ensure_schema() == 1
    with classroom_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, version FROM classroom_schema")).all() == [(1, 1)]
    assert _rows(classroom_engine, keys.room_id)["classroom_shares"] == 4  # nothing lost


def test_ensure_schema_at_once_from_several_threads(classroom_engine):
    results = _at_once(4, lambda i: ClassroomStore(classroom_engine, class_names=CLASSES).ensure_schema())
    assert results == [1, 1, 1, 1]
    with classroom_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM classroom_schema")).scalar_one() == 1


def test_a_newer_schema_is_refused(classroom_engine):
    _store(classroom_engine)
    with classroom_engine.begin() as conn:
        conn.execute(sa.text("UPDATE classroom_schema SET version = 7"))
    with pytest.raises(SchemaError, match="schema version 7.*up to 1"):
        ClassroomStore(classroom_engine, class_names=CLASSES).ensure_schema()


def test_an_older_schema_is_migrated(classroom_engine, monkeypatch):
    _store(classroom_engine)
    ran = []
    monkeypatch.setattr(schema_module, "MIGRATIONS", (lambda conn: ran.append(conn.dialect.name),))
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 2)
    assert ClassroomStore(classroom_engine, class_names=CLASSES).ensure_schema() == 2
    assert ClassroomStore(classroom_engine, class_names=CLASSES).ensure_schema() == 2
    assert ran == [classroom_engine.dialect.name]  # once
    with classroom_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version FROM classroom_schema")).scalar_one() == 2


def test_sqlite_files_get_wal_a_busy_timeout_and_their_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DENSENET_VIZ_CLASS_DB_URL", raising=False)
    assert default_database_url() == sqlite_url(ROOT / ".data" / "classroom.sqlite3")
    monkeypatch.setenv("DENSENET_VIZ_CLASS_DB_URL", "postgresql+psycopg2://u@db/classes")
    assert default_database_url() == "postgresql+psycopg2://u@db/classes"
    engine = make_engine(sqlite_url(tmp_path / "new" / "folder" / "c.sqlite3"))
    with engine.connect() as conn:
        pragmas = [conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in ("journal_mode", "busy_timeout",
                                                                        "foreign_keys")]
    assert pragmas == ["wal", 15_000, 1] and (tmp_path / "new" / "folder").is_dir()
    engine.dispose()


# --- thumbnails and QR codes -------------------------------------------------------------------------------


def test_thumbnails_are_small_upright_and_free_of_metadata():
    img = Image.new("RGB", (1200, 600), (30, 160, 30))
    img.paste((250, 250, 0), (0, 0, 300, 600))  # a yellow band on the left
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to show
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 0.0)})  # GPS latitude
    raw = io.BytesIO()
    img.save(raw, format="JPEG", exif=exif, comment=b"secret comment")
    assert b"SecretCam" in raw.getvalue()

    out = make_thumbnail(raw.getvalue())
    thumb = Image.open(io.BytesIO(out))
    assert thumb.format == "JPEG" and thumb.size == (128, 256)  # turned upright, longest side 256
    assert not thumb.getexif() and "exif" not in thumb.info and "comment" not in thumb.info
    assert b"Exif" not in out and b"SecretCam" not in out and b"secret" not in out
    r, g, b = thumb.convert("RGB").getpixel((64, 10))  # the band is on top after turning
    assert r > 200 and g > 200 and b < 80

    overlay = Image.new("RGBA", (300, 200), (255, 0, 0, 128))
    overlay.info["exif"] = exif.tobytes()
    small = Image.open(io.BytesIO(make_thumbnail(overlay)))
    assert small.size == (256, 171) and not small.getexif() and overlay.size == (300, 200)
    tiny = Image.open(io.BytesIO(make_thumbnail(Image.new("RGB", (40, 30)))))
    assert tiny.size == (40, 30)  # never enlarged


def test_qr_code_is_a_square_black_and_white_png():
    png = qr_png("https://example.org/class?code=ABCD-EFGH")
    img = Image.open(io.BytesIO(png))
    assert img.format == "PNG" and img.size[0] == img.size[1] >= 21 * 10
    assert set(img.convert("L").getdata()) == {0, 255}
    with pytest.raises(ValueError):
        qr_png("")
