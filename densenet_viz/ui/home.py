"""The home page (shown by app.py): what a DenseNet is, where to go next, the device in use."""

from __future__ import annotations

import streamlit as st

from ..graph import dense_block_graph
from ..i18n import t
from ..plan import format_count
from ..plots_graph import make_block_graph_figure
from .cache import cached_plan, device_name
from .state import current_config, current_lang


@st.cache_resource(max_entries=64, show_spinner=False)
def _picture(init: int, k: int, lang: str):
    """A 4-layer block with the current k and stem width, the last layer's inputs in red (shared figure)."""
    return make_block_graph_figure(dense_block_graph(init, k, 4), lang, selected=4, height=220, compact=True)


def render_home() -> None:
    lang = current_lang()
    config = current_config()
    st.title(t("home.title", lang))
    st.markdown(t("home.intro", lang))
    plan = cached_plan(config)
    st.plotly_chart(_picture(config.num_init_features, config.growth_rate, lang), width="stretch",
                    key="home_picture")
    st.caption(t("home.picture", lang))
    st.info(t("home.current", lang, variant=config.variant, k=config.growth_rate,
              blocks=list(config.block_config), params=format_count(plan.params), depth=plan.depth))
    st.subheader(t("home.next", lang))
    for key, page in (("architecture", "pages/architecture.py"), ("concat", "pages/concat.py"),
                      ("transitions", "pages/transitions.py"), ("explain", "pages/explain.py"),
                      ("walkthrough", "pages/walkthrough.py"), ("why", "pages/why.py"),
                      ("train_live", "pages/train_live.py")):
        st.page_link(page, label=f"{t('nav.' + key, lang)}: {t('home.next_' + key, lang)}")
    st.caption(t("home.device", lang, device=device_name()[1]))
