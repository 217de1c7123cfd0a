"""The Concatenation-graph page's sections: one dense block's graph with what a chosen layer receives,
and the feature-reuse heat maps (paper Fig. 5) of the trained model against a random one."""

from __future__ import annotations

import streamlit as st

from ..chart_text import (
    block_graph_summary,
    composition_summary,
    resnet_summary,
    reuse_summary,
    width_contrast_summary,
)
from ..config import DenseNetConfig
from ..errors import user_message
from ..graph import MAX_DRAWN_LAYERS, block_graph, connections
from ..i18n import t
from ..plan import Plan
from ..plots.graph import (
    make_block_graph_figure,
    make_composition_figure,
    make_resnet_block_figure,
    make_reuse_heatmap,
    make_width_contrast_figure,
)
from ..weights import SHIPPED_MODEL, WeightsError
from .cache import trained_model
from .present import note, show_chart, side_by_side
from .shared_work import feature_reuse_result


def _keep_in_range(key: str, last: int, first_visit: int | None = None) -> None:
    """A remembered choice that the new config no longer has moves to the nearest one it has."""
    if key not in st.session_state and first_visit is not None:
        st.session_state[key] = first_visit
    elif st.session_state.get(key, 1) > last:
        st.session_state[key] = last


def graph_section(config: DenseNetConfig, plan: Plan, lang: str) -> None:
    n_blocks = len(config.block_config)
    _keep_in_range("concat_block", n_blocks)
    c1, c2 = st.columns(2)
    block = c1.selectbox(t("concat.choose_block", lang), list(range(1, n_blocks + 1)), key="concat_block",
                         format_func=lambda b: t("concat.block_option", lang, b=b, n=config.block_config[b - 1]))
    graph = block_graph(plan, block)
    _keep_in_range("concat_layer", graph.nodes[-1].index, first_visit=graph.shown_layers)  # the last layer
    names = {n.index: t("concat.node_output", lang) if n.kind == "output" else t("concat.node_layer", lang, i=n.index)
             for n in graph.nodes if n.index > 0}
    selected = c2.selectbox(t("concat.choose_layer", lang), list(names), key="concat_layer",
                            format_func=names.__getitem__)
    if graph.truncated:
        st.info(t("concat.truncated", lang, n=graph.n_layers, shown=MAX_DRAWN_LAYERS))
    m1, m2, m3 = st.columns(3)
    m1.metric(t("concat.metric_connections", lang), f"{connections(graph.n_layers):,}")
    m2.metric(t("concat.metric_receives", lang, node=names[selected]), f"{graph.input_width(selected):,}")
    m3.metric(t("concat.metric_sources", lang, node=names[selected]), len(graph.incoming(selected)))
    left, right = side_by_side([3, 2])
    show_chart(left, make_block_graph_figure(graph, lang, selected), width="stretch", key="concat_graph",
               summary=block_graph_summary(graph, lang, selected), lang=lang)
    note(t("concat.graph_caption", lang), left)
    show_chart(right, make_resnet_block_figure(graph.in_channels, graph.shown_layers, lang), width="stretch",
               key="concat_resnet", summary=resnet_summary(graph.in_channels, graph.shown_layers, lang), lang=lang)
    show_chart(right, make_width_contrast_figure(graph, lang), width="stretch", key="concat_width",
               summary=width_contrast_summary(graph, lang), lang=lang)
    note(t("concat.resnet_caption", lang), right)
    layer = selected if selected <= graph.shown_layers else None
    show_chart(st, make_composition_figure(graph, lang, layer), width="stretch", key="concat_composition",
               summary=composition_summary(graph, lang, layer), lang=lang)
    note(t("concat.composition_caption", lang, c0=graph.in_channels, k=graph.growth_rate,
           inp=t("concat.short_input", lang)))


def reuse_section(config: DenseNetConfig, lang: str) -> None:
    st.header(t("concat.reuse_header", lang))
    st.markdown(t("concat.reuse_intro", lang))
    card = None
    if SHIPPED_MODEL.is_file():
        try:
            _model, card = trained_model(SHIPPED_MODEL)
        except WeightsError as exc:
            st.warning(t("concat.model_error", lang, error=user_message(exc, lang)))
    else:
        st.info(t("common.no_model", lang))
    reuse_config = card.config if card is not None else config
    n_blocks = len(reuse_config.block_config)
    _keep_in_range("concat_reuse_block", n_blocks)
    r1, r2 = st.columns(2)
    block = r1.selectbox(t("concat.reuse_block", lang), list(range(1, n_blocks + 1)), key="concat_reuse_block",
                         format_func=lambda b: t("common.block", lang, b=b))
    scale = r2.radio(t("concat.reuse_scale", lang), ["column", "block"], horizontal=True, key="concat_reuse_scale",
                     format_func=lambda s: t(f"concat.scale_{s}", lang))
    h1, h2 = st.columns(2)
    if card is not None:
        trained = feature_reuse_result(lang, reuse_config, block, scale, weights=str(SHIPPED_MODEL))
        title = t("concat.reuse_trained", lang, b=block)
        show_chart(h1, make_reuse_heatmap(trained, lang, title), width="stretch", key="concat_reuse_trained",
                   summary=reuse_summary(trained, title, lang), lang=lang)
    random = feature_reuse_result(lang, reuse_config, block, scale)
    title = t("concat.reuse_random", lang, b=block)
    show_chart(h2 if card is not None else h1, make_reuse_heatmap(random, lang, title), width="stretch",
               key="concat_reuse_random", summary=reuse_summary(random, title, lang), lang=lang)
    note(t("concat.reuse_caption", lang))
