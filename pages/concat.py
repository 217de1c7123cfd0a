"""Concatenation graph: every connection inside a dense block, input composition, feature reuse."""

import streamlit as st

from densenet_viz.graph import MAX_DRAWN_LAYERS, block_graph, connections, feature_reuse
from densenet_viz.i18n import t
from densenet_viz.plots import (
    make_block_graph_figure,
    make_composition_figure,
    make_resnet_block_figure,
    make_reuse_heatmap,
    make_width_contrast_figure,
)
from densenet_viz.ui.cache import cached_model, cached_plan, trained_model
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation
from densenet_viz.weights import SHIPPED_MODEL, WeightsError

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py

lang = current_lang()
config = current_config()
plan = cached_plan(config)

st.title(t("concat.title", lang))
st.markdown(t("concat.intro", lang))

n_blocks = len(config.block_config)
if st.session_state.get("concat_block", 1) > n_blocks:  # the config lost blocks since the last run
    st.session_state["concat_block"] = n_blocks
c1, c2 = st.columns(2)
block = c1.selectbox(t("concat.choose_block", lang), list(range(1, n_blocks + 1)), key="concat_block",
                     format_func=lambda b: t("concat.block_option", lang, b=b, n=config.block_config[b - 1]))
graph = block_graph(plan, block)
last = graph.nodes[-1].index
if "concat_layer" not in st.session_state:  # first visit: the block's last layer, which receives the most
    st.session_state["concat_layer"] = graph.shown_layers
elif st.session_state["concat_layer"] > last:  # the block got shorter since the last run
    st.session_state["concat_layer"] = last
node_names = {
    n.index: t("concat.node_output", lang) if n.kind == "output" else t("concat.node_layer", lang, i=n.index)
    for n in graph.nodes if n.index > 0
}
selected = c2.selectbox(t("concat.choose_layer", lang), list(node_names), key="concat_layer",
                        format_func=node_names.__getitem__)
if graph.truncated:
    st.info(t("concat.truncated", lang, n=graph.n_layers, shown=MAX_DRAWN_LAYERS))

m1, m2, m3 = st.columns(3)
m1.metric(t("concat.metric_connections", lang), f"{connections(graph.n_layers):,}")
m2.metric(t("concat.metric_receives", lang, node=node_names[selected]), f"{graph.input_width(selected):,}")
m3.metric(t("concat.metric_sources", lang, node=node_names[selected]), len(graph.incoming(selected)))

left, right = st.columns([3, 2])
with left:
    st.plotly_chart(make_block_graph_figure(graph, lang, selected), width="stretch", key="concat_graph")
    st.caption(t("concat.graph_caption", lang))
with right:
    st.plotly_chart(make_resnet_block_figure(graph.in_channels, graph.shown_layers, lang), width="stretch",
                    key="concat_resnet")
    st.plotly_chart(make_width_contrast_figure(graph, lang), width="stretch", key="concat_width")
    st.caption(t("concat.resnet_caption", lang))

st.plotly_chart(make_composition_figure(graph, lang, selected if selected <= graph.shown_layers else None),
                width="stretch", key="concat_composition")
st.caption(t("concat.composition_caption", lang, c0=graph.in_channels, k=graph.growth_rate))

# ------------------------------------------------------------------------- feature reuse (paper Fig. 5)
st.subheader(t("concat.reuse_header", lang))
st.markdown(t("concat.reuse_intro", lang))
trained, card = None, None
if SHIPPED_MODEL.is_file():
    try:
        trained, card = trained_model(SHIPPED_MODEL)
    except WeightsError as exc:
        st.warning(t("concat.model_error", lang, error=str(exc)))
else:
    st.info(t("common.no_model", lang))
reuse_config = card.config if card is not None else config
r1, r2 = st.columns(2)
n_reuse = len(reuse_config.block_config)
if st.session_state.get("concat_reuse_block", 1) > n_reuse:
    st.session_state["concat_reuse_block"] = n_reuse
reuse_block = r1.selectbox(t("concat.reuse_block", lang), list(range(1, n_reuse + 1)), key="concat_reuse_block",
                           format_func=lambda b: t("common.block", lang, b=b))
scale = r2.radio(t("concat.reuse_scale", lang), ["column", "block"], horizontal=True, key="concat_reuse_scale",
                 format_func=lambda s: t(f"concat.scale_{s}", lang))
h1, h2 = st.columns(2)
if trained is not None:
    with h1:
        st.plotly_chart(make_reuse_heatmap(feature_reuse(trained, reuse_block, scale), lang,
                                           t("concat.reuse_trained", lang, b=reuse_block)),
                        width="stretch", key="concat_reuse_trained")
with h2 if trained is not None else h1:
    random_model = cached_model(reuse_config, "cpu")  # weights only: no forward pass, so the CPU is enough
    st.plotly_chart(make_reuse_heatmap(feature_reuse(random_model, reuse_block, scale), lang,
                                       t("concat.reuse_random", lang, b=reuse_block)),
                    width="stretch", key="concat_reuse_random")
st.caption(t("concat.reuse_caption", lang))
