"""Projector mode (``?present=1`` or the sidebar toggle): big chart text and pictures for a class.

Interface used by the rest of the UI (kept stable):
- ``present_toggle(sidebar, lang)``: draws the sidebar toggle; on a session's first run it takes its value
  from the URL's ``present`` parameter.
- ``presenting()``: whether this session is in projector mode.
- ``show_chart(container, fig, ...)``: every Plotly chart goes through it (projector: a large-text copy); with a
  ``summary``, the sentence under it and its data as a table in a closed expander.
- ``note(text)``: teaching text under a chart (a caption; body text in projector mode).
- ``picture_cells(n, per_row)``: where pictures go (projector: half as many per row, so twice as wide).
- ``side_by_side(spec)``: columns of charts (projector: one below the other, at full width).
"""

from __future__ import annotations

import threading
import weakref

import streamlit as st

from ..chart_text import figure_table
from ..config import ConfigError, FieldSpec
from ..errors import user_message
from ..i18n import t
from ..plots.present import for_projector
from .tables import show_table

PRESENT_KEY = "present"  # session-state key of the toggle, and the URL parameter
# The parameter's one parser: 1/0/true/false, length-capped (config.check_length) like every URL value.
PRESENT_SPEC = FieldSpec("present", "bool", PRESENT_KEY)
PICTURE_SCALE = 2  # pictures in projector mode: twice as wide (and charts that are pictures twice as tall)
_SAVED = "_present_on"  # the toggle's value, kept through runs that do not draw it (Streamlit drops those)
_PROBLEM = "_present_problem"  # why the first URL's value was not used
_INITIALISED = "_present_initialised"
# Captions of pictures (st.image) cannot be routed through ``note``: in projector mode they are shown at
# body size and colour instead. Style only: this adds no element to the page.
_PROJECTOR_CSS = """<style>
[data-testid="stImageCaption"], [data-testid="stImage"] [data-testid="stCaptionContainer"] {
    font-size: 1rem !important; color: inherit !important; opacity: 1 !important;
}
</style>"""


def presenting() -> bool:
    """Whether this session shows the projector layout."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def url_value(raw: str | None) -> tuple[bool, ConfigError | None]:
    """(projector mode on, problem) for the URL's ``present`` value: off, with the reason, for anything but
    1/0/true/false (and for values over ``config.MAX_INPUT_CHARS`` characters, which are never parsed)."""
    if raw is None:
        return False, None
    try:
        return PRESENT_SPEC.parse(raw), None
    except ConfigError as exc:
        return False, exc


def present_toggle(sidebar, lang: str) -> None:
    """The sidebar's projector-mode toggle (first run: from ``?present=1``). Call it before the sidebar
    rewrites the URL: it reads the first URL, and keeps ``present=1`` in the address bar while on."""
    state = st.session_state
    if not state.get(_INITIALISED):
        state[_SAVED], state[_PROBLEM] = url_value(st.query_params.get(PRESENT_KEY))
        state[_INITIALISED] = True
    if PRESENT_KEY not in state:  # first draw, or the widget's state was dropped by a run that did not draw it
        state[PRESENT_KEY] = bool(state.get(_SAVED, False))
    sidebar.toggle(t("present.toggle", lang), key=PRESENT_KEY, help=t("present.toggle_help", lang),
                   on_change=state.pop, args=(_PROBLEM, None))  # the user chose: the link's problem is gone
    on = state[_SAVED] = bool(state[PRESENT_KEY])
    if state.get(_PROBLEM):
        sidebar.warning(t("present.bad_link", lang, reason=user_message(state[_PROBLEM], lang)))
    if on and st.query_params.get(PRESENT_KEY) != "1":
        st.query_params[PRESENT_KEY] = "1"  # a copied address opens in projector mode too
    elif not on and PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]
    if on:
        st.html(_PROJECTOR_CSS)


def present_query() -> dict[str, str]:
    """The URL parameter of projector mode, for code that writes the whole query: ``{"present": "1"}`` or ``{}``."""
    return {PRESENT_KEY: "1"} if presenting() else {}


# ------------------------------------------------------------------------------------------ charts and text
_DERIVED: dict[tuple, tuple[weakref.ref, object]] = {}
_DERIVED_LOCK = threading.Lock()


def _per_figure(fig, tag: tuple, make):
    """``make()``, once per figure object and ``tag``: figures are cached and shared, so what is derived from
    a cached one (its projector copy, its table) is made once, and dropped when the figure is."""
    key = (id(fig), *tag)
    with _DERIVED_LOCK:
        hit = _DERIVED.get(key)
    if hit is not None and hit[0]() is fig:
        return hit[1]
    value = make()
    with _DERIVED_LOCK:
        _DERIVED[key] = (weakref.ref(fig), value)
    weakref.finalize(fig, _forget, key)
    return value


def _forget(key: tuple) -> None:
    with _DERIVED_LOCK:
        _DERIVED.pop(key, None)


def _projector_copy(fig, picture: bool):
    """``for_projector(fig)``, made once per figure object."""
    return _per_figure(fig, ("projector", picture),
                       lambda: for_projector(fig, height_scale=PICTURE_SCALE if picture else None))


def show_chart(container, fig, *, picture: bool = False, summary: str | None = None, lang: str = "en",
               table: bool | list[dict] = True, headers: dict[str, str] | None = None, **kwargs):
    """``container.plotly_chart(fig, **kwargs)``; in projector mode a copy with every text at least 16 px and
    room to fit it (``plots.present.for_projector``). ``picture``: the chart is a picture (a photo to click,
    a grid of feature maps), drawn twice as tall. ``fig`` itself is never changed (it may be cached).

    ``summary``: the chart's sentence (``chart_text``), shown under it as teaching text (``note``), then the
    chart's data in a closed expander: ``table`` True for ``chart_text.figure_table(fig, lang, **headers)``,
    rows of its own, or False for none (a photo). The table is built and sent only while its expander is
    open (it is keyed by the chart's ``key``), so a closed one costs a page its header alone."""
    shown = _projector_copy(fig, picture) if presenting() else fig
    # Plotly's toolbar adds 8 Tab stops per chart and covers titles on phones; Streamlit's own element
    # toolbar still offers fullscreen. A call may pass its own ``config`` to bring it back.
    kwargs.setdefault("config", {"displayModeBar": False})
    result = container.plotly_chart(shown, **kwargs)
    if summary is not None:
        note(summary, container)
        if table is not False:
            _data_table(container, fig, table, headers or {}, kwargs.get("key"), lang)
    return result


def _data_table(container, fig, table, headers: dict[str, str], key: str | None, lang: str) -> None:
    """The chart's data in a closed expander, filled only while open (always, for a chart without a key)."""
    label = t("chart.table", lang)
    box = container.expander(label) if key is None else container.expander(label, key=f"{key}_data",
                                                                               on_change="rerun")
    if key is not None and not box.open:
        return
    if table is True:
        table = _per_figure(fig, ("table", lang, tuple(sorted(headers.items()))),
                            lambda: figure_table(fig, lang, **headers))
    with box:
        show_table(table, key=f"{key or id(fig)}_data_table")


def note(text: str, container=None) -> None:
    """Teaching text under a chart or picture: a caption, or body text (full contrast) in projector mode.
    Technical footnotes stay ``st.caption``."""
    box = container if container is not None else st
    (box.markdown if presenting() else box.caption)(text)


def side_by_side(spec: list[float]) -> list:
    """``st.columns(spec)``; in projector mode as many full-width containers, one below the other (charts
    with large text need the whole width)."""
    return [st.container() for _ in spec] if presenting() else list(st.columns(spec))


def picture_cells(n: int, per_row: int) -> list:
    """``n`` containers for pictures, ``per_row`` to a row; in projector mode ``PICTURE_SCALE`` times fewer per
    row (at least one), so each picture is that much wider."""
    if presenting():
        per_row = max(1, per_row // PICTURE_SCALE)
    cells: list = []
    while len(cells) < n:
        cells.extend(st.columns(per_row))
    return cells[:n]
