"""Architecture and channel growth: the plan as a live chart, metrics, a per-layer table, code, a real build.
Wiring only: the sections live in densenet_viz.ui.architecture_view."""

import streamlit as st

from densenet_viz.i18n import t
from densenet_viz.ui.architecture_view import (
    build_section,
    code_section,
    compare_controls,
    growth_figure,
    metrics_section,
    table_section,
)
from densenet_viz.ui.cache import cached_plan, device_name
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
config = current_config()
plan = cached_plan(config)

st.title(t("arch.title", lang))
st.markdown(t("arch.intro", lang))
compare = compare_controls(config, lang)
in_browser = st.toggle(t("arch.in_browser", lang), key="arch_in_browser", help=t("arch.in_browser_help", lang))
st.plotly_chart(growth_figure(config, lang, compare, in_browser), width="stretch", key="arch_growth")
st.caption(t("arch.growth_caption", lang))
metrics_section(config, plan, compare, lang)
table_section(config, lang)
code_section(config, lang)
build_section(config, *device_name(), lang)
