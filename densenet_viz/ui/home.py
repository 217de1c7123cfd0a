"""The home page (shown by app.py): what a DenseNet is, where to go next, the device in use."""

from __future__ import annotations

import streamlit as st

from ..chart_text import block_graph_summary
from ..graph import dense_block_graph
from ..i18n import t
from ..lesson import lesson_steps
from ..plan import format_count
from ..plots.graph import make_block_graph_figure
from .cache import cached_plan, device_name
from .lesson_view import lesson_panel, step_page_link
from .present import note, show_chart
from .state import current_config, current_lang


def _picture_graph(init: int, k: int):
    """The picture's block: 4 layers with the current k and stem width."""
    return dense_block_graph(init, k, 4)


@st.cache_resource(max_entries=64, show_spinner=False)
def _picture(init: int, k: int, lang: str):
    """The 4-layer block, the last layer's inputs in red (shared figure)."""
    return make_block_graph_figure(_picture_graph(init, k), lang, selected=4, height=220, compact=True)


def render_home() -> None:
    lang = current_lang()
    config = current_config()
    st.title(t("home.title", lang))
    lesson_panel("home", config, lang)
    st.markdown(t("home.intro", lang))
    plan = cached_plan(config)
    show_chart(st, _picture(config.num_init_features, config.growth_rate, lang), width="stretch",
               key="home_picture", summary=block_graph_summary(_picture_graph(config.num_init_features,
                                                                               config.growth_rate), lang, 4),
               lang=lang)
    note(t("home.picture", lang))
    st.info(t("home.current", lang, variant=config.variant, k=config.growth_rate,
              blocks=list(config.block_config), params=format_count(plan.params), depth=plan.depth))
    st.header(t("home.next", lang))
    for step in lesson_steps()[1:]:  # the lesson path, in teaching order
        step_page_link(step, f"**{step.number}.** {t('nav.' + step.id, lang)}: {t('home.next_' + step.id, lang)}")
    st.caption(t("home.device", lang, device=device_name(lang)[1]))
