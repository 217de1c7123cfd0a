"""The sidebar shared by every page: language, preset and every config field, mirrored in the URL.

app.py calls ``start_run()`` first, then the navigation, then ``render_sidebar(page_id)`` once per script run
(config widgets only on the pages they act on); pages read the result with ``current_config()`` and
``current_lang()``.
"""

from __future__ import annotations

import streamlit as st

from ..config import FIELDS, PRESET_INFO, PRESETS, ConfigError, DenseNetConfig, FieldSpec, matching_preset
from ..errors import markdown_literal, user_message
from ..i18n import LANGUAGES, class_list, t
from ..lesson import CONTROL_KEYS, SHIPPED_MODEL_PAGES, LessonLink, read_lesson_query
from ..urlstate import CLASS_KEYS, DEFAULT_PRESET, SHOW_KEY, config_from_query, config_to_query, read_query
from .cache import cached_plan
from .classroom import class_query, class_sidebar, read_class_link
from .compat import use_navigation_mode, uses_pages_directory
from .present import present_toggle

LESSON_LINK_KEY = "_lesson_link"  # session state: the LessonLink the session's first URL carried


def widget_key(spec: FieldSpec) -> str:
    """The sidebar widget of a config field: ``cfg_`` + its URL key (``cfg_k``, ``cfg_blocks``, ...)."""
    return f"cfg_{spec.url}"


def _widget_value(spec: FieldSpec, value):
    return ",".join(map(str, value)) if spec.kind == "blocks" else value  # the text box reads 6,12,24,16


def _load_into_widgets(config: DenseNetConfig) -> None:
    for spec in FIELDS.values():
        st.session_state[widget_key(spec)] = _widget_value(spec, getattr(config, spec.name))


def _load_preset() -> None:
    """On a preset change or Reset: every widget takes the preset's value."""
    _load_into_widgets(PRESETS[st.session_state["cfg_preset"]])


def _config_from_widgets() -> DenseNetConfig:
    values = {}
    for spec in FIELDS.values():
        raw = st.session_state[widget_key(spec)]
        values[spec.name] = spec.parse(raw) if spec.kind == "blocks" else {"int": int, "float": float}.get(
            spec.kind, lambda v: v)(raw)
    return DenseNetConfig(**values)


def _draw_widget(sb, spec: FieldSpec, lang: str, fallback: DenseNetConfig) -> None:
    """One config field's widget. Its value lives in session state; ``value=`` is only the default a
    widget takes when it is created afresh: the last valid config's, not the widget's own minimum or an
    empty box. Why: under load, runs interrupted by the next click came back with every number box at its
    minimum and the blocks box empty (seen in the 30-session load test), an invalid config that froze the
    sidebar. ``value`` is not part of these widgets' identity (their key is), so it never resets them."""
    label = t(spec.label, lang)
    hint = t(f"{spec.label}_help", lang) if spec.help else None
    key = widget_key(spec)
    default = _widget_value(spec, getattr(fallback, spec.name))
    if spec.kind in ("int", "float") and spec.slider:
        cast = int if spec.kind == "int" else float
        sb.slider(label, cast(spec.lo), cast(spec.hi), value=cast(default), step=cast(spec.step), key=key, help=hint)
    elif spec.kind == "int":
        sb.number_input(label, int(spec.lo), int(spec.hi), value=int(default), step=int(spec.step), key=key,
                        help=hint)
    elif spec.kind == "blocks":
        sb.text_input(label, value=default, key=key, help=hint, max_chars=200)
    elif spec.kind == "choice":
        sb.radio(label, list(spec.choices), key=key, help=hint,
                 format_func=lambda c, name=spec.name: t(f"field.{name}_{c}", lang))
    else:
        sb.toggle(label, key=key, help=hint)


def _first_run_from_url() -> None:
    """On a session's first run, take language and config from the URL (or fall back with a notice)."""
    if st.session_state.get("_ui_initialised"):
        return
    params = read_query(st.query_params)  # a link is hostile input: unknown keys are dropped here
    lang = params.get("lang", "en")  # anything but a known language (even 100 KB of it) means English
    st.session_state["lang"] = lang if lang in LANGUAGES else "en"
    has_config = any(k != "lang" and k not in CLASS_KEYS for k in params)
    if has_config:
        config, preset, problem = config_from_query(params)
    else:
        config, preset, problem = PRESETS[DEFAULT_PRESET], DEFAULT_PRESET, None
    st.session_state["cfg_preset"] = preset
    _load_into_widgets(config)
    st.session_state["_url_problem"] = (problem, preset) if problem else None
    st.session_state[LESSON_LINK_KEY] = read_lesson_query(params)
    st.session_state["last_valid_config"] = config
    read_class_link(params)
    st.session_state["_ui_initialised"] = True


WIDGET_KEYS = ("lang", "cfg_preset", *(widget_key(spec) for spec in FIELDS.values()))


def _restore_widgets() -> None:
    # Streamlit drops a widget's state after any run that did not draw it (a page opened before
    # app.py took over, an interrupted run). Put back the last values so the sidebar never resets.
    saved = st.session_state.get("_widget_values", {})
    for key in WIDGET_KEYS:
        if key not in st.session_state and key in saved:
            st.session_state[key] = saved[key]


def start_run() -> str:
    """First thing on every run, before the navigation (app.py): on a session's first run, language, config and
    lesson link from the URL; widget values that a page did not draw put back. Returns the language."""
    st.session_state["_new_session"] = not st.session_state.get("_ui_initialised")
    _first_run_from_url()
    _restore_widgets()
    return st.session_state["lang"]


def lesson_link() -> LessonLink:
    """What the session's first URL said about the lesson (step, sidebar controls shown)."""
    return st.session_state.get(LESSON_LINK_KEY) or LessonLink()


def _config_controls(sb, lang: str, shown: frozenset[str] | None) -> DenseNetConfig:
    """The preset picker and the config fields (only those in ``shown`` when a lesson link chose some; the
    others keep their values), the parity badge; returns the valid config."""
    if shown is None or "preset" in shown:  # Reset goes with the picker: it would undo a link's hidden values
        sb.selectbox(t("sidebar.preset", lang), list(PRESETS), key="cfg_preset",
                     format_func=lambda n: PRESET_INFO[n].title, on_change=_load_preset)
        sb.button(t("sidebar.reset", lang), on_click=_load_preset, width="stretch")
    for spec in FIELDS.values():
        if shown is None or spec.url in shown:
            _draw_widget(sb, spec, lang, st.session_state["last_valid_config"])
    if shown is not None:
        sb.caption(t("lesson.hidden_controls", lang))

    try:
        config = _config_from_widgets()
        st.session_state["last_valid_config"] = config
    except ConfigError as exc:
        config = st.session_state["last_valid_config"]
        sb.error(t("sidebar.invalid", lang, reason=user_message(exc, lang)))

    name = matching_preset(config)
    if name:
        info = PRESET_INFO[name]
        params = f"{info.published_params:,}" if info.published_params else t("sidebar.parity_params_unknown", lang)
        sb.success(t("sidebar.parity", lang, title=info.title, params=params, top1=info.published_top1,
                     dataset=info.dataset))
    sb.caption(t("sidebar.share", lang))
    return config


def render_sidebar(page_id: str = "home") -> DenseNetConfig:
    """Draw the sidebar of page ``page_id`` (its url path): language and projector mode everywhere, the config
    widgets on the pages they act on, a card of the shipped model on the pages that use it. Store and return
    the config every page uses (kept, and still read from the URL, where its widgets are not drawn)."""
    sb = st.sidebar
    lang = sb.selectbox(t("sidebar.language", st.session_state["lang"]), list(LANGUAGES),
                        format_func=LANGUAGES.__getitem__, key="lang")
    present_toggle(sb, lang)
    uses_config = page_id not in SHIPPED_MODEL_PAGES
    if uses_config:
        sb.header(t("sidebar.model", lang))
    else:
        _shipped_model_card(sb, lang)
    problem = st.session_state.get("_url_problem")
    if problem:
        sb.warning(t("sidebar.bad_link", lang, reason=user_message(problem[0], lang), preset=problem[1]))
    link = lesson_link()
    if link.problem:
        sb.warning(t("lesson.bad_link", lang, reason=user_message(link.problem, lang)))
    config = _config_controls(sb, lang, link.shown) if uses_config else st.session_state["last_valid_config"]
    st.session_state["_widget_values"] = {k: st.session_state[k] for k in WIDGET_KEYS if k in st.session_state}

    query = config_to_query(config, st.session_state["cfg_preset"])
    query["lang"] = lang
    class_sidebar(sb, lang)
    query.update(class_query())  # a student's reload stays in their room
    if link.shown is not None:  # a reload keeps the lesson link's choice of controls
        query[SHOW_KEY] = ",".join(key for key in CONTROL_KEYS if key in link.shown)
    stale = [k for k in CLASS_KEYS if k in st.query_params and k not in query]  # left the room, or a used link
    if stale or {k: st.query_params.get(k) for k in query} != query:
        st.query_params.from_dict(query)
    st.session_state["config"] = config
    return config


@st.cache_resource(max_entries=4, show_spinner=False)
def _card(path: str, mtime: float):
    from ..weights import load_card

    return load_card(path)


def shipped_card():
    """The shipped model's card (``weights.ModelCard``, read once per file version), or None when there is no
    shipped model; ``WeightsError`` for a card that cannot be used."""
    from ..weights import SHIPPED_MODEL, card_path

    if not SHIPPED_MODEL.is_file():
        return None
    return _card(str(SHIPPED_MODEL), card_path(SHIPPED_MODEL).stat().st_mtime)


def _card_values(card, lang: str) -> dict:
    """The shipped model as the card and the page note show it: name, architecture, input, accuracy."""
    metrics = card.data.get("metrics") if isinstance(card.data.get("metrics"), dict) else {}

    def percent(key: str) -> str:
        value = metrics.get(key)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return f"{value:.1%}" if ok else t("sidebar.shipped_unknown", lang)

    config = card.config
    names = class_list(card.class_names, lang)
    return dict(name=markdown_literal(card.data.get("name", "")), variant=config.variant,
                depth=cached_plan(config).depth, k=config.growth_rate, blocks="-".join(map(str, config.block_config)),
                n=len(card.class_names), classes=markdown_literal(names),
                size=card.preprocessing.input_size, test=percent("test_top1"), val=percent("val_top1"))


def _shipped_card_or_problem(lang: str):
    """(card or None, message or None): the shipped model's card, or why there is none to show."""
    from ..weights import WeightsError

    try:
        card = shipped_card()
    except (WeightsError, OSError) as exc:
        return None, user_message(exc, lang)
    return card, (None if card is not None else t("common.no_model", lang))


def _shipped_model_card(sb, lang: str) -> None:
    """The sidebar on a page that uses the shipped model: a short card of it, instead of the config widgets."""
    sb.header(t("sidebar.shipped_header", lang))
    card, problem = _shipped_card_or_problem(lang)
    if card is None:
        sb.warning(problem)
        return
    sb.markdown(t("sidebar.shipped_card", lang, **_card_values(card, lang)))
    sb.caption(t("sidebar.shipped_note", lang))


def shipped_model_note(lang: str) -> None:
    """One line under a page's title: the network the page explains is the shipped model, not the sidebar's."""
    card, _problem = _shipped_card_or_problem(lang)  # without a card the page itself says what is wrong
    if card is not None:
        st.markdown(t("sidebar.shipped_page", lang, **_card_values(card, lang)))


def ensure_app_navigation() -> None:
    """Call first in every page: make a page opened by a deep link on a fresh server go through app.py
    (see ``ui.compat``): switch the process to ``st.navigation`` mode and rerun the same URL."""
    if uses_pages_directory():
        use_navigation_mode()
        st.rerun()


def session_is_new() -> bool:
    """Whether this is the session's first script run on this server (a page load, or a browser moved
    here from a server that stopped)."""
    return bool(st.session_state.get("_new_session", False))


def current_config() -> DenseNetConfig:
    """The sidebar's config (valid: an invalid edit leaves the last valid one in place)."""
    return st.session_state.get("config") or PRESETS[DEFAULT_PRESET]


def current_lang() -> str:
    return st.session_state.get("lang", "en")

