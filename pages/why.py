"""Why DenseNet: gradient flow, parameter efficiency and memory cost, all measured on real models.
Wiring only: the sections live in densenet_viz.ui.why_view."""

from __future__ import annotations

import streamlit as st

from densenet_viz.i18n import t
from densenet_viz.ui.cache import device_name
from densenet_viz.ui.lesson_view import lesson_panel
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation
from densenet_viz.ui.why_view import efficiency_section, gradient_section, memory_section

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
config = current_config()
device, device_text = device_name(lang)

st.title(t("why.title", lang))
lesson_panel("why", config, lang)
st.markdown(t("why.intro", lang))
gradient_section(lang, device, device_text)
efficiency_section(lang, config)
memory_section(lang, config, device, device_text)
