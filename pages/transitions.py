"""Transitions: how each transition shrinks channels (θ) and H×W (2×2 average pool), through the whole network."""

import streamlit as st

from densenet_viz.chart_text import flow_memory_summary, flow_summary
from densenet_viz.i18n import t
from densenet_viz.plan import DTYPE_BYTES, format_bytes, transition_table
from densenet_viz.plots.channels import make_flow_figure, make_flow_memory_figure
from densenet_viz.ui.cache import cached_plan
from densenet_viz.ui.lesson_view import lesson_panel
from densenet_viz.ui.present import note, show_chart
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation
from densenet_viz.ui.tables import show_table

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py

lang = current_lang()
config = current_config()
plan = cached_plan(config)

st.title(t("trans.title", lang))
lesson_panel("transitions", config, lang)
st.markdown(t("trans.intro", lang, theta=f"{config.compression:g}"))

show_chart(st, make_flow_figure(plan, lang), width="stretch", key="trans_flow", summary=flow_summary(plan, lang),
           lang=lang, headers={"category": t("chart.col_stage", lang)})
note(t("trans.flow_caption", lang))

c1, c2 = st.columns(2)
batch = int(c1.number_input(t("arch.batch", lang), 1, 4096, value=1, step=1, key="trans_batch"))
dtype = c2.selectbox(t("arch.dtype", lang), list(DTYPE_BYTES), key="trans_dtype")
show_chart(st, make_flow_memory_figure(plan, batch, dtype, lang), width="stretch", key="trans_memory",
           summary=flow_memory_summary(plan, batch, dtype, lang), lang=lang,
           headers={"category": t("chart.col_stage", lang)})
note(t("trans.memory_caption", lang))

st.header(t("trans.table_header", lang))
rows = transition_table(plan, batch, dtype)
if not rows:
    st.info(t("trans.none", lang))
else:
    for r in rows:
        st.markdown(f"**{t('common.transition', lang, b=r['transition'])}**")
        m1, m2, m3 = st.columns(3)
        m1.metric(t("trans.metric_channels", lang), f"{r['channels_before']} → {r['channels_after']}",
                  delta=f"{r['channels_after'] - r['channels_before']:+d}", delta_color="off")
        m2.metric(t("trans.metric_hw", lang), f"{r['hw_before']}×{r['hw_before']} → {r['hw_after']}×{r['hw_after']}")
        memory = f"{format_bytes(r['bytes_before'])} → {format_bytes(r['bytes_after'])}"
        m3.metric(t("trans.metric_memory", lang), memory,
                  delta=f"{100 * (r['bytes_after'] / r['bytes_before'] - 1):+.1f}%", delta_color="off")
    shown = [{t(f"trans.col_{c}", lang): format_bytes(v) if c.startswith("bytes") else v for c, v in r.items()}
             for r in rows]
    show_table(shown, key="trans_table")
    st.caption(t("trans.table_caption", lang))
