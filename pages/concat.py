"""Concatenation graph: every connection inside a dense block, input composition, feature reuse.
Wiring only: the sections live in densenet_viz.ui.concat_view."""

import streamlit as st

from densenet_viz.i18n import t
from densenet_viz.ui.cache import cached_plan
from densenet_viz.ui.concat_view import graph_section, reuse_section
from densenet_viz.ui.lesson_view import lesson_panel
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
config = current_config()

st.title(t("concat.title", lang))
lesson_panel("concat", config, lang)
st.markdown(t("concat.intro", lang))
graph_section(config, cached_plan(config), lang)
reuse_section(config, lang)
