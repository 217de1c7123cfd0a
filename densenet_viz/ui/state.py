"""The sidebar shared by every page: language, preset and every config field, mirrored in the URL.

``render_sidebar()`` runs once per script run from app.py; pages read the result with
``current_config()`` and ``current_lang()``.
"""

from __future__ import annotations

import streamlit as st

from ..config import PRESET_INFO, PRESETS, ConfigError, DenseNetConfig, matching_preset
from ..i18n import LANGUAGES, t
from ..urlstate import DEFAULT_PRESET, config_from_query, config_to_query

# widget key -> config field
FIELD_KEYS = {
    "cfg_k": "growth_rate",
    "cfg_blocks": "block_config",
    "cfg_init": "num_init_features",
    "cfg_bn": "bn_size",
    "cfg_theta": "compression",
    "cfg_drop": "drop_rate",
    "cfg_classes": "num_classes",
    "cfg_stem": "stem",
    "cfg_size": "input_size",
    "cfg_mem": "memory_efficient",
}


# Sidebar ranges narrower than the config's own validation: a link outside them would crash the widget.
WIDGET_RANGES = {"growth_rate": (1, 64), "compression": (0.05, 1.0), "drop_rate": (0.0, 0.9)}


def _outside_widgets(config: DenseNetConfig) -> str | None:
    """Why ``config`` cannot be shown by the sidebar's widgets, or None if it can."""
    for name, (lo, hi) in WIDGET_RANGES.items():
        value = getattr(config, name)
        if not lo <= value <= hi:
            return f"{name}={value:g} is outside the sidebar's range {lo:g} to {hi:g}"
    return None


def _widget_value(field: str, value):
    if field == "block_config":
        return ",".join(str(v) for v in value)
    if field == "compression" or field == "drop_rate":
        return float(value)
    return value


def _load_into_widgets(config: DenseNetConfig) -> None:
    for key, field in FIELD_KEYS.items():
        st.session_state[key] = _widget_value(field, getattr(config, field))


def _on_preset_change() -> None:
    _load_into_widgets(PRESETS[st.session_state["cfg_preset"]])


def _on_reset() -> None:
    _load_into_widgets(PRESETS[st.session_state["cfg_preset"]])


def _config_from_widgets() -> DenseNetConfig:
    s = st.session_state
    blocks_text = str(s["cfg_blocks"]).replace(" ", "")
    try:
        blocks = tuple(int(v) for v in blocks_text.replace("-", ",").split(",") if v)
    except ValueError:
        raise ConfigError("block_config", blocks_text, "comma-separated whole numbers, e.g. 6,12,24,16") from None
    return DenseNetConfig(
        growth_rate=int(s["cfg_k"]), block_config=blocks, num_init_features=int(s["cfg_init"]),
        bn_size=int(s["cfg_bn"]), compression=float(s["cfg_theta"]), drop_rate=float(s["cfg_drop"]),
        num_classes=int(s["cfg_classes"]), stem=s["cfg_stem"], input_size=int(s["cfg_size"]),
        memory_efficient=bool(s["cfg_mem"]),
    )


def _first_run_from_url() -> None:
    """On a session's first run, take language and config from the URL (or fall back with a notice)."""
    if st.session_state.get("_ui_initialised"):
        return
    params = {k: st.query_params[k] for k in st.query_params}
    lang = params.get("lang", "en")
    st.session_state["lang"] = lang if lang in LANGUAGES else "en"
    has_config = any(k != "lang" for k in params)
    if has_config:
        config, preset, problem = config_from_query(params)
    else:
        config, preset, problem = PRESETS[DEFAULT_PRESET], DEFAULT_PRESET, None
    if problem is None and _outside_widgets(config):
        problem, config = _outside_widgets(config), PRESETS[preset]
    st.session_state["cfg_preset"] = preset
    _load_into_widgets(config)
    st.session_state["_url_problem"] = (problem, preset) if problem else None
    st.session_state["last_valid_config"] = config
    st.session_state["_ui_initialised"] = True


WIDGET_KEYS = ("lang", "cfg_preset", *FIELD_KEYS)


def _restore_widgets() -> None:
    # Streamlit drops a widget's state after any run that did not draw it (a page opened before
    # app.py took over, an interrupted run). Put back the last values so the sidebar never resets.
    saved = st.session_state.get("_widget_values", {})
    for key in WIDGET_KEYS:
        if key not in st.session_state and key in saved:
            st.session_state[key] = saved[key]


def render_sidebar() -> DenseNetConfig:
    """Draw the sidebar; store and return the config every page uses."""
    _first_run_from_url()
    _restore_widgets()
    sb = st.sidebar
    lang = sb.selectbox(t("sidebar.language", st.session_state["lang"]), list(LANGUAGES),
                        format_func=LANGUAGES.__getitem__, key="lang")
    sb.header(t("sidebar.model", lang))
    problem = st.session_state.get("_url_problem")
    if problem:
        sb.warning(t("sidebar.bad_link", lang, reason=problem[0], preset=problem[1]))
    sb.selectbox(t("sidebar.preset", lang), list(PRESETS), key="cfg_preset",
                 format_func=lambda n: PRESET_INFO[n].title, on_change=_on_preset_change)
    sb.button(t("sidebar.reset", lang), on_click=_on_reset, width="stretch")
    sb.slider(t("sidebar.growth_rate", lang), 1, 64, key="cfg_k", help=t("sidebar.growth_rate_help", lang))
    sb.text_input(t("sidebar.blocks", lang), key="cfg_blocks", help=t("sidebar.blocks_help", lang))
    sb.number_input(t("sidebar.init_features", lang), 1, 1024, step=1, key="cfg_init")
    sb.number_input(t("sidebar.bn_size", lang), 0, 16, step=1, key="cfg_bn")
    sb.slider(t("sidebar.compression", lang), 0.05, 1.0, step=0.05, key="cfg_theta")
    sb.slider(t("sidebar.drop_rate", lang), 0.0, 0.9, step=0.05, key="cfg_drop")
    sb.number_input(t("sidebar.num_classes", lang), 1, 100_000, step=1, key="cfg_classes")
    sb.radio(t("sidebar.stem", lang), ["imagenet", "cifar"], key="cfg_stem",
             format_func=lambda s: t(f"sidebar.stem_{s}", lang))
    sb.number_input(t("sidebar.input_size", lang), 8, 1024, step=1, key="cfg_size")
    sb.toggle(t("sidebar.memory_efficient", lang), key="cfg_mem")

    try:
        config = _config_from_widgets()
        st.session_state["last_valid_config"] = config
        st.session_state["config_error"] = None
    except ConfigError as exc:
        config = st.session_state["last_valid_config"]
        st.session_state["config_error"] = str(exc)
        sb.error(t("sidebar.invalid", lang, reason=str(exc)))

    name = matching_preset(config)
    if name:
        info = PRESET_INFO[name]
        params = f"{info.published_params:,}" if info.published_params else t("sidebar.parity_params_unknown", lang)
        sb.success(t("sidebar.parity", lang, title=info.title, params=params, top1=info.published_top1,
                     dataset=info.dataset))
    sb.caption(t("sidebar.share", lang))
    st.session_state["_widget_values"] = {k: st.session_state[k] for k in WIDGET_KEYS if k in st.session_state}

    query = config_to_query(config, st.session_state["cfg_preset"])
    query["lang"] = lang
    if {k: st.query_params.get(k) for k in query} != query:
        st.query_params.from_dict(query)
    st.session_state["config"] = config
    return config


def ensure_app_navigation() -> None:
    """Call first in every page: make a page opened by a deep link go through app.py.

    Streamlit treats an app with a ``pages/`` folder as an old-style multipage app until
    ``st.navigation`` has run once in the server process. A shared link opened on a freshly started
    server would then run the page file alone, without app.py's sidebar and URL config. Switching the
    process to ``st.navigation`` mode and rerunning sends the same URL through app.py (the page keeps
    its address because each page's url_path is its file name).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def current_config() -> DenseNetConfig:
    """The sidebar's config (valid: an invalid edit leaves the last valid one in place)."""
    return st.session_state.get("config") or PRESETS[DEFAULT_PRESET]


def current_lang() -> str:
    return st.session_state.get("lang", "en")


def config_error() -> str | None:
    return st.session_state.get("config_error")
