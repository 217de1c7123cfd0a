"""Architecture and channel growth: the plan as a live chart, metrics, a per-layer table, code, a real build.
Wiring only: the sections live in densenet_viz.ui.architecture_view."""

import streamlit as st

from densenet_viz.i18n import t
from densenet_viz.ui.architecture_view import (
    build_section,
    code_section,
    growth_section,
    metrics_section,
    table_section,
)
from densenet_viz.ui.cache import cached_plan, device_name
from densenet_viz.ui.lesson_view import lesson_panel
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
config = current_config()
plan = cached_plan(config)

st.title(t("arch.title", lang))
lesson_panel("architecture", config, lang)
st.markdown(t("arch.intro", lang))
compare = growth_section(config, lang)
metrics_section(config, plan, compare, lang)
table_section(config, lang)
code_section(config, lang)
build_section(config, *device_name(), lang)
