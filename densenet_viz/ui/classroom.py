"""The class room in the app: one store per process on ``st.connection``, this session's place in a room (a
student's membership or a teacher's key), the sidebar's room line, sharing an explained photo, recording
lesson answers, and the Class page's sections (start, join, the student's own shares, the teacher's board).

The teacher key never goes into the address bar (it is on the projector): it stays in this session and in a
private link the board shows in a closed expander. A student's ``seat`` (a random token) does go into the
URL, so a reload rejoins as the same student instead of counting twice.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime

import streamlit as st

from ..classroom import (
    NONE_OF_THESE,
    OTHER,
    UNKNOWN,
    ClassroomStore,
    Limits,
    Member,
    default_database_url,
    format_code,
    make_thumbnail,
    normalize_code,
    qr_png,
)
from ..classroom.db import URL_ENV, make_sqlite_folder
from ..errors import UserError, markdown_literal, user_message
from ..hashing import sha256_hex
from ..i18n import class_label, t
from ..lesson import lesson_link, lesson_steps, site_root
from ..plots.explain import make_confusion_figure
from ..urlstate import ROOM_KEY, SEAT_KEY, TEACHER_KEY
from .present import picture_cells, presenting, show_chart

CONNECTION = "classroom"  # st.connection's name: [connections.classroom] in .streamlit/secrets.toml
BOARD_REFRESH_S = 3
BOARD_CARDS = 24  # photos on the board before "show all": the model's mistakes first, then the newest
QR_PX = {False: 180, True: 360}  # the QR code's width, by projector mode (at most its column's width)
_MEMBER, _TEACHER, _SEAT, _LINK = "class_member", "class_teacher", "class_seat", "_class_link"
_PROBLEM = "class_problem"  # why the last link, join or teacher action failed: shown until the next success


# ------------------------------------------------------------------------------------------------- storage
def database_url() -> str | None:
    """The URL the store connects to: ``DENSENET_VIZ_CLASS_DB_URL``, else None when secrets.toml configures
    ``[connections.classroom]`` (st.connection reads it), else the SQLite file under ``.data/``."""
    if not os.environ.get(URL_ENV, "").strip():
        try:
            if st.secrets["connections"][CONNECTION]:
                return None
        except Exception:  # noqa: BLE001 - no secrets file, or no such section
            pass
    return default_database_url()  # the environment's URL, else the SQLite file


@st.cache_resource(show_spinner=False)
def _store(url: str | None, class_names: tuple[str, ...]) -> ClassroomStore:
    kwargs = {"url": url} if url else {}
    if url:
        make_sqlite_folder(url)
    engine = st.connection(CONNECTION, type="sql", **kwargs).engine
    store = ClassroomStore(engine, Limits.from_env(), class_names=class_names)
    store.ensure_schema()
    return store


def classroom_store() -> ClassroomStore:
    """The process's one store (the schema created on first use); ``UserError`` when the shipped model, whose
    class names the labels use, is missing."""
    from .state import shipped_card

    card = shipped_card()
    if card is None:
        raise UserError("classroom.no_model")
    return _store(database_url(), tuple(card.class_names))


def _message(exc: Exception, lang: str) -> str:
    return (user_message(exc, lang) if isinstance(exc, UserError)
            else t("room.storage_error", lang, reason=type(exc).__name__))


def _storage_error(exc: Exception, lang: str, where=st) -> None:
    where.error(_message(exc, lang))


# ------------------------------------------------------------------------------------- this session's place
def member() -> Member | None:
    """This session's membership as a student, or None."""
    return st.session_state.get(_MEMBER)


def teacher() -> tuple[str, str] | None:
    """(code, teacher key) when this session teaches a room."""
    return st.session_state.get(_TEACHER)


def read_class_link(params) -> None:
    """On a session's first run: remember the URL's room, seat and teacher key (joined in ``class_sidebar``)."""
    code = str(params.get(ROOM_KEY, ""))[:32]
    if code:
        st.session_state[_LINK] = (normalize_code(code), str(params.get(SEAT_KEY, ""))[:64],
                                   str(params.get(TEACHER_KEY, ""))[:64])


def class_query() -> dict[str, str]:
    """The URL parameters that keep a student in their room across reloads (never the teacher key)."""
    m = member()
    return {ROOM_KEY: m.code, SEAT_KEY: st.session_state[_SEAT]} if m else {}


def _seat() -> str:
    return st.session_state.setdefault(_SEAT, secrets.token_urlsafe(12))


def _join(code: str, nickname: str | None, lang: str, where=st) -> bool:
    try:
        st.session_state[_MEMBER] = classroom_store().join(code, _seat(), nickname)
        st.session_state.pop(_PROBLEM, None)
        return True
    except Exception as exc:  # noqa: BLE001 - a refusal or a database problem is a message, not a crash
        _storage_error(exc, lang, where)
        return False


def _open_link() -> None:
    """Join the room of the session's first URL, or open its board with the teacher key; a refusal is kept
    to be shown (``_PROBLEM``) until something succeeds."""
    code, seat, key = st.session_state.pop(_LINK)
    try:
        if key:
            classroom_store().check_teacher(code, key)
            st.session_state[_TEACHER] = (code, key)
        else:
            if seat:
                st.session_state[_SEAT] = seat
            st.session_state[_MEMBER] = classroom_store().join(code, _seat())
        st.session_state.pop(_PROBLEM, None)
    except Exception as exc:  # noqa: BLE001 - a refusal or a database problem is a message, not a crash
        st.session_state[_PROBLEM] = exc


def class_sidebar(sb, lang: str) -> None:
    """The sidebar's room line on every page: which room this session teaches or is in, and leaving."""
    if _LINK in st.session_state:
        _open_link()
    if st.session_state.get(_PROBLEM) is not None:
        sb.error(_message(st.session_state[_PROBLEM], lang))
    if teacher():
        sb.info(t("room.sidebar_teacher", lang, code=format_code(teacher()[0])))
    elif member():
        sb.info(_joined_line(member(), lang))
    else:
        return
    from .lesson_view import page_of

    sb.page_link(page_of("classroom"), label=t("room.sidebar_open", lang), icon="🧑‍🏫")
    if member():
        sb.button(t("room.leave", lang), key="class_leave", on_click=_leave, width="stretch")


def _joined_line(m: Member, lang: str) -> str:
    nick = t("room.joined_nick", lang, nick=markdown_literal(m.nickname)) if m.nickname else ""
    return t("room.joined", lang, code=format_code(m.code), nick=nick)


def _leave() -> None:
    m = st.session_state.pop(_MEMBER, None)
    if m is not None:
        try:
            classroom_store().leave(m)
        except Exception:  # noqa: BLE001 - the room may have ended meanwhile: leaving still succeeds here
            pass
        st.session_state["class_left"] = True


# ------------------------------------------------------------------------------------------------ sharing
def label_text(label: str, lang: str) -> str:
    """A student's label for display: a class name, "another flower" or "don't know"."""
    return t(f"room.label_{label}", lang) if label in (OTHER, UNKNOWN) else class_label(label, lang)


def share_form(i: int, photo_key: str, res, card, cam_png: bytes, lang: str) -> None:
    """Under an explained photo, for a student in a room: what it really is, and a button to share it."""
    m = member()
    if m is None:
        return
    with st.form(f"class_share_{i}_{sha256_hex(photo_key)[:12]}"):
        st.markdown(f"**{t('room.share_header', lang, code=format_code(m.code))}**")
        label = st.selectbox(t("room.share_label", lang), classroom_store().label_choices, index=None,
                             format_func=lambda c: label_text(c, lang), key=f"class_label_{i}")
        sent = st.form_submit_button(t("room.share_button", lang), help=t("room.share_help", lang))
    if not sent:
        return
    if label is None:
        st.warning(t("room.share_need_label", lang))
        return
    top_name, top_p = res.top5[0]
    try:
        store = classroom_store()
        share_id = store.share(
            m, thumbnail=make_thumbnail(res.crop), cam=make_thumbnail(cam_png), predicted=top_name,
            probability=float(top_p), none_of_these=bool(res.none_of_these), label=label)
        status = next(s.status for s in store.my_shares(m) if s.id == share_id)
    except Exception as exc:  # noqa: BLE001
        _storage_error(exc, lang)
        return
    st.success(t("room.shared", lang, status=t(f"room.shared_{status}", lang)))


def answer_text(question, given) -> str:
    """An answer as the board counts it: a choice's letter (A, B, ...), a number as written."""
    return chr(ord("A") + int(given)) if question.kind == "choice" else str(int(given))


def record_answer(question, given, correct: bool) -> None:
    """A lesson answer, counted for the class when this session is a student in a room (no name stored)."""
    m = member()
    if m is None or given is None:
        return
    try:
        classroom_store().record_answer(m, question.id, answer_text(question, given), bool(correct))
    except Exception:  # noqa: BLE001 - the lesson works without the class: a lost answer is not an error
        pass


# ----------------------------------------------------------------------------------------------- the page
def kept_line(lang: str) -> str:
    """The one line that says what is kept and for how long."""
    return t("room.kept", lang, hours=f"{Limits.from_env().ttl_s / 3600:g}")


def start_or_join(lang: str, base_url: str | None) -> None:
    """A teacher's "start a class" and a student's join form, side by side."""
    if st.session_state.pop("class_left", False):
        st.info(t("room.left", lang))
    left, right = st.columns(2)
    with left:  # headers (h2) right under the page's title: headings in order
        st.header(t("room.start_header", lang))
        clicked = st.button(t("room.start", lang), help=t("room.start_help", lang), key="class_start", type="primary")
        if clicked:
            try:
                keys = classroom_store().create_room()
                st.session_state[_TEACHER] = (keys.code, keys.teacher_key)
                st.session_state.pop(_PROBLEM, None)
                st.rerun()
            except Exception as exc:  # noqa: BLE001
                _storage_error(exc, lang)
    with right:
        st.header(t("room.join_header", lang))
        limit = Limits.from_env().nickname_chars
        with st.form("class_join"):
            code = st.text_input(t("room.code", lang), max_chars=16, help=t("room.code_help", lang),
                                 key="class_code")
            nick = st.text_input(t("room.nickname", lang), max_chars=limit, key="class_nick",
                                 help=t("room.nickname_help", lang, n=limit))
            go = st.form_submit_button(t("room.join", lang), type="primary")
        if go and _join(normalize_code(code), nick or None, lang):
            st.rerun()


def student_panel(lang: str) -> None:
    """A student's view: what to do next and their own shares with their status."""
    from .lesson_view import page_of

    m = member()
    # Said here too: a phone shows the sidebar's room line only once its menu is opened.
    st.info(_joined_line(m, lang))
    st.markdown(t("room.student_next", lang))
    st.page_link(page_of("explain"), label=t("room.open_explain", lang), icon="🔍")
    try:
        mine = classroom_store().my_shares(m)
    except Exception as exc:  # noqa: BLE001
        _storage_error(exc, lang)
        return
    st.header(t("room.my_shares", lang))  # under the page's title (headings in order)
    if not mine:
        st.caption(t("room.no_shares", lang))
    for cell, (n, row) in zip(picture_cells(len(mine), 4), enumerate(mine, start=1), strict=True):
        label = label_text(row.label, lang)
        caption = f"{t('room.your_label', lang, label=label)} · {t(f'room.status_{row.status}', lang)}"
        cell.image(row.thumbnail, width="stretch", alt=t("room.photo_alt", lang, n=n, label=label), caption=caption)


def _lang_query(lang: str) -> dict[str, str]:
    # The teacher's language goes with the links (English, the default, needs none: a shorter QR code).
    return {} if lang == "en" else {"lang": lang}


def join_url(base_url: str | None, code: str, lang: str = "en") -> str:
    """The link a student opens (the QR code): the Class page with the room's code, in the teacher's language."""
    return lesson_link(site_root(base_url), "classroom", {ROOM_KEY: code, **_lang_query(lang)})


def teacher_url(base_url: str | None, code: str, key: str, lang: str = "en") -> str:
    """The teacher's private link: the board again, after a reload or on another device."""
    return lesson_link(site_root(base_url), "classroom", {ROOM_KEY: code, TEACHER_KEY: key, **_lang_query(lang)})


def teacher_controls(lang: str, base_url: str | None) -> None:
    """Above the board: the code, link and QR code to project, moderation switch, ending the class."""
    code, key = teacher()
    store = classroom_store()
    try:
        info = store.check_teacher(code, key)
    except Exception as exc:  # noqa: BLE001 - ended elsewhere, expired, or the database is gone
        st.session_state.pop(_TEACHER, None)
        _storage_error(exc, lang)
        return
    link = join_url(base_url, code, lang)
    st.header(t("room.board_header", lang, code=format_code(code)))
    # Projector mode: a QR code that a phone at the back of the room can scan, in a column wide enough for it.
    text, picture = st.columns([3, 2] if presenting() else [3, 1])
    text.markdown(t("room.join_at", lang, code=format_code(code)))
    text.code(link, language=None, wrap_lines=True)  # as it is, to copy: Markdown would need invisible escapes
    text.caption(t("room.expires", lang, time=datetime.fromtimestamp(info.expires_at, UTC)
                   .strftime("%H:%M")))
    picture.image(qr_png(link), width=QR_PX[presenting()], alt=t("room.qr_alt", lang, url=link))
    auto = st.toggle(t("room.auto_approve", lang), value=bool(info.auto_approve), key="class_auto",
                     help=t("room.auto_approve_help", lang))
    if auto != bool(info.auto_approve):
        store.set_auto_approve(code, key, auto)
    with st.expander(t("room.teacher_link", lang)):
        st.code(teacher_url(base_url, code, key, lang), language=None, wrap_lines=True)
        st.caption(t("room.teacher_link_help", lang))
    with st.popover(t("room.end", lang)):
        if st.button(t("room.end_confirm", lang), key="class_end", type="primary"):
            try:
                store.end_class(code, key)
            except Exception as exc:  # noqa: BLE001
                _storage_error(exc, lang)
            st.session_state.pop(_TEACHER, None)
            st.session_state["class_ended"] = True
            st.rerun()


@st.fragment(run_every=BOARD_REFRESH_S)
def teacher_board(lang: str) -> None:
    """The board, redrawn by itself every few seconds without rerunning the page: counts, photos waiting for
    approval, the class's photos (wrong first), the confusion matrix and the answers."""
    if teacher() is None:
        return
    code, key = teacher()
    try:
        board = _current_board(code, key)
    except Exception as exc:  # noqa: BLE001
        _storage_error(exc, lang)
        return
    right, labelled = board.accuracy
    c1, c2, c3 = st.columns(3)
    c1.metric(t("room.joined_count", lang), board.joined)
    c2.metric(t("room.shared_count", lang), len(board.shares))
    c3.metric(t("room.accuracy", lang), f"{right}/{labelled}" if labelled else t("room.accuracy_none", lang))
    pending = [s for s in board.shares if s.status == "pending"]
    if pending:
        st.subheader(t("room.pending_header", lang, n=len(pending)))
        _cards(pending, code, key, lang, moderate=True)
    hidden = [s for s in board.shares if s.status == "hidden"]
    if hidden:
        with st.expander(t("room.hidden_header", lang, n=len(hidden))):
            _cards(hidden, code, key, lang, moderate=True)
    st.subheader(t("room.gallery_header", lang))
    shown = [s for s in board.shares if s.status == "approved"]
    if len(shown) > BOARD_CARDS and not st.toggle(t("room.show_all", lang, n=len(shown)), key="class_show_all"):
        # Redrawing every card is most of a refresh's server time; the mistakes come first, so they stay.
        st.caption(t("room.showing_first", lang, shown=BOARD_CARDS, n=len(shown)))
        shown = shown[:BOARD_CARDS]
    if shown:
        _cards(shown, code, key, lang, moderate=False)
    else:
        st.caption(t("room.no_photos", lang))
    if labelled:
        st.subheader(t("room.confusion_header", lang))
        fig = make_confusion_figure(board.confusion, [label_text(r, lang) for r in board.labels], lang,
                                    column_names=[t("room.predicted_none", lang) if c == NONE_OF_THESE else c
                                                  for c in board.columns],
                                    title_key="room.confusion_title", rows_key="room.confusion_true")
        show_chart(st, fig, key="class_confusion", lang=lang, summary=t("room.accuracy_sentence", lang,
                                                                        right=right, n=labelled))
    _answers(board, lang)
    st.caption(t("room.refresh_note", lang, s=BOARD_REFRESH_S))


def _current_board(code: str, key: str):
    """The room's board, read again only when its revision moved: a refresh of an unchanged room reads one
    integer instead of every photo."""
    store = classroom_store()
    kept = st.session_state.get("_class_board")
    if kept is not None and kept.code == code and kept.revision == store.revision(code):
        return kept
    board = st.session_state["_class_board"] = store.board(code, key)
    return board


def _cards(shares, code: str, key: str, lang: str, moderate: bool) -> None:
    # Two cards to a row: each photo and its Grad-CAM about 170 px wide on a 1280 px screen, big enough to see
    # from the back of a room (three to a row left them about 100 px); one to a row in projector mode.
    for cell, (n, s) in zip(picture_cells(len(shares), 2), enumerate(shares, start=1), strict=True):
        with cell.container(border=True):
            a, b = st.columns(2)
            label = label_text(s.label, lang)
            a.image(s.thumbnail, width="stretch", alt=t("room.photo_alt", lang, n=n, label=label))
            b.image(s.cam, width="stretch", alt=t("room.cam_alt", lang, n=n))
            verdict = ("room.verdict_unknown" if s.correct is None
                       else "room.verdict_right" if s.correct else "room.verdict_wrong")
            model = t("room.card_model", lang, cls=class_label(s.predicted, lang), prob=f"{s.probability:.0%}")
            if s.none_of_these:
                model += f" · {t('room.card_none', lang)}"
            st.markdown(f"**{t(verdict, lang)}** · {model}  \n{t('room.card_label', lang, label=label)}")
            if s.nickname:
                st.caption(t("room.card_by", lang, nick=markdown_literal(s.nickname)))
            c1, c2 = st.columns(2)
            # Callbacks run before the fragment redraws, so the board shows the change at once.
            if moderate:
                c1.button(t("room.approve", lang), key=f"class_ok_{s.id}", on_click=_moderate,
                          args=("approve", code, key, s.id))
            if s.status != "hidden":
                c2.button(t("room.hide", lang), key=f"class_hide_{s.id}", on_click=_moderate,
                          args=("hide", code, key, s.id))


def _moderate(action: str, code: str, key: str, share_id: int) -> None:
    try:
        getattr(classroom_store(), action)(code, key, share_id)
    except Exception as exc:  # noqa: BLE001 - shown on the next draw
        st.session_state[_PROBLEM] = exc


def _lesson_questions(lang: str) -> dict[str, tuple[str, object]]:
    """Question id -> ("step title, question i", the question as this session's configuration asks it)."""
    from ..lesson import questions_for
    from .lesson_view import model_for, step_title
    from .state import current_config

    found = {}
    for step in lesson_steps():
        config, facts = model_for(step, current_config())
        for i, question in enumerate(questions_for(step, config, lang, facts), start=1):
            found[question.id] = (t("room.question_name", lang, step=step_title(step, lang), i=i), question)
    return found


def _answers(board, lang: str) -> None:
    """Per question: how many answered and were right, and how many gave each answer (a choice's letter with
    its text)."""
    st.subheader(t("room.answers_header", lang))
    if not board.answers:
        st.caption(t("room.no_answers", lang))
        return
    questions = _lesson_questions(lang)
    for qid in [q for q in questions if q in board.answers]:
        name, question = questions[qid]
        right, n = board.answers_correct.get(qid, (0, 0))
        st.markdown(t("room.answers_row", lang, question=name, n=n, right=right))
        st.caption(question.text)

        def shown(answer: str, question=question) -> str:
            if question.kind == "choice" and len(answer) == 1 and 0 <= ord(answer) - ord("A") < len(question.options):
                return f"{answer}: {question.options[ord(answer) - ord('A')]}"
            return answer

        st.dataframe([{t("room.col_answer", lang): shown(a), t("room.col_count", lang): c}
                      for a, c in sorted(board.answers[qid].items(), key=lambda kv: -kv[1])], hide_index=True)
