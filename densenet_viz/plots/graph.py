"""Plotly figures of one dense block: its concatenation graph, what a layer receives, the ResNet contrast,
and the feature-reuse heat map (pure functions, no streamlit; text through ``i18n.t``)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from .. import palette
from ..fit_text import fit_title
from ..graph import BlockGraph, ReuseMatrix
from ..i18n import t
from .channels import COMPARE_COLOR, MAIN_COLOR, TRANSITION_COLOR


def _node_label(graph: BlockGraph, index: int, lang: str) -> str:
    node = graph.nodes[index]
    if node.kind == "input":
        return t("concat.node_input", lang)
    if node.kind == "output":
        return t("concat.node_output", lang)
    return t("concat.node_layer", lang, i=index)


def _arc(x0: float, x1: float, height: float, n: int = 16) -> tuple[list[float], list[float]]:
    """Points of a half-ellipse from (x0, 0) to (x1, 0) bulging up to ``height``."""
    xs, ys = [], []
    for i in range(n + 1):
        a = math.pi * i / n
        xs.append((x0 + x1) / 2 - (x1 - x0) / 2 * math.cos(a))
        ys.append(height * math.sin(a))
    return xs, ys


def make_block_graph_figure(graph: BlockGraph, lang: str = "en", selected: int | None = None,
                            height: int = 430, compact: bool = False) -> go.Figure:
    """All connections of a dense block as arcs over a row of nodes.

    Trace 0: every edge (grey); trace 1: invisible markers at arc tops carrying each edge's hover text
    ("layer 2 → layer 5: 32 channels"); trace 2: the selected layer's incoming edges; trace 3: nodes.
    """
    span = max(1, len(graph.nodes) - 1)
    base_x, base_y, hl_x, hl_y = [], [], [], []
    mid_x, mid_y, mid_text = [], [], []
    for e in graph.edges:
        h = (e.target - e.source) / span
        xs, ys = _arc(e.source, e.target, h)
        if selected is not None and e.target == selected:
            hl_x += xs + [None]
            hl_y += ys + [None]
        else:
            base_x += xs + [None]
            base_y += ys + [None]
        mid_x.append((e.source + e.target) / 2)
        mid_y.append(h)
        mid_text.append(t("concat.edge_hover", lang, src=_node_label(graph, e.source, lang),
                          dst=_node_label(graph, e.target, lang), channels=e.channels))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=base_x, y=base_y, mode="lines", line={"color": "rgba(120,120,120,0.35)", "width": 1},
                             hoverinfo="skip", name=t("concat.legend_edges", lang), showlegend=not compact))
    fig.add_trace(go.Scatter(x=mid_x, y=mid_y, mode="markers", marker={"size": 7, "color": "rgba(0,0,0,0.01)"},
                             hovertext=mid_text, hoverinfo="text", showlegend=False, name="edges-hover"))
    fig.add_trace(go.Scatter(x=hl_x, y=hl_y, mode="lines", line={"color": TRANSITION_COLOR, "width": 4},
                             hoverinfo="skip", name=t("concat.legend_selected", lang),
                             showlegend=selected is not None and not compact))
    sources = {e.source for e in graph.edges if selected is not None and e.target == selected}
    # Not by colour alone: the selected layer is a large diamond, its sources squares, the rest circles.
    colors, sizes, symbols, texts, hover = [], [], [], [], []
    for node in graph.nodes:
        if node.index == selected:
            colors.append(TRANSITION_COLOR)
            symbols.append("diamond")
        elif node.index in sources:
            colors.append(COMPARE_COLOR)
            symbols.append("square")
        else:
            colors.append(MAIN_COLOR if node.kind == "layer" else palette.INPUT)
            symbols.append("circle")
        sizes.append(18 if node.index == selected else (16 if node.kind != "layer" else 11))
        if node.kind == "layer":
            texts.append(str(node.index) if (len(graph.nodes) <= 26 or node.index % 5 == 0) else "")
        else:
            texts.append(t("concat.short_input", lang) if node.kind == "input" else t("concat.short_output", lang))
        width = graph.input_width(node.index) if node.index > 0 else graph.in_channels
        hover.append(t("concat.node_hover", lang, node=_node_label(graph, node.index, lang),
                       adds=node.channels, receives=width, n_in=len(graph.incoming(node.index))))
    fig.add_trace(go.Scatter(
        x=[n.index for n in graph.nodes], y=[0] * len(graph.nodes), mode="markers+text", text=texts,
        textposition="bottom center", marker={"color": colors, "size": sizes, "symbol": symbols,
                                                  "line": {"color": "white", "width": 1}},
        hovertext=hover, hoverinfo="text", showlegend=False, name="nodes",
    ))
    title = "" if compact else t("concat.graph_title", lang, b=graph.block, n=graph.shown_layers,
                                  edges=len(graph.dense_edges), k=graph.growth_rate, c0=graph.in_channels)
    one_line_top = 50 if title else 5
    title, top = fit_title(title, one_line_top)  # a longer title gets more room, not less of the graph's
    fig.update_layout(
        title={"text": title}, height=height + top - one_line_top, hovermode="closest", plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.7, span + 0.7]},
        yaxis={"visible": False, "range": [-0.12, 1.04]},
        margin={"t": top, "b": 5, "l": 5, "r": 5},
        legend={"orientation": "h", "y": 0, "x": 0.5, "xanchor": "center", "yanchor": "top"},
    )
    return fig


def make_composition_figure(graph: BlockGraph, lang: str = "en", selected: int | None = None) -> go.Figure:
    """Stacked bars: what each layer's input is made of (block input c₀ plus k from every earlier layer).

    Trace 0 is the block input; trace j (j ≥ 1) is layer j's contribution to every later layer.
    """
    layers = list(range(1, graph.shown_layers + 1))
    fig = go.Figure()
    fig.add_trace(go.Bar(x=layers, y=[graph.in_channels] * len(layers), name=t("concat.node_input", lang),
                         marker_color=palette.INPUT, text=t("concat.short_input", lang), textposition="inside",
                         hovertemplate=t("concat.bar_hover", lang, src=t("concat.node_input", lang))))
    # Neighbouring segments differ under colour-blind vision; each segment also carries its layer number.
    layer_colours = [c for c in palette.SERIES if c != palette.INPUT]
    for j in range(1, graph.shown_layers):
        color = layer_colours[(j - 1) % len(layer_colours)]
        fig.add_trace(go.Bar(
            x=layers, y=[graph.growth_rate if ell > j else 0 for ell in layers],
            text=[str(j) if ell > j else "" for ell in layers], textposition="inside",
            name=t("concat.node_layer", lang, i=j), marker_color=color, showlegend=graph.shown_layers <= 12,
            hovertemplate=t("concat.bar_hover", lang, src=t("concat.node_layer", lang, i=j)),
        ))
    if selected is not None and 1 <= selected <= graph.shown_layers:
        fig.add_vrect(x0=selected - 0.5, x1=selected + 0.5, line_width=2, line_color=TRANSITION_COLOR,
                      fillcolor="rgba(0,0,0,0)")
    fig.update_layout(
        barmode="stack", bargap=0.1, height=380, title={"text": t("concat.composition_title", lang, b=graph.block)},
        xaxis={"title": {"text": t("concat.x_target", lang)}},
        yaxis={"title": {"text": t("arch.y_channels", lang)}}, margin={"t": 50, "b": 40},
        # Below the chart: beside it, the legend would take a third of a phone's width from the bars.
        legend={"font": {"size": 10}, "orientation": "h", "y": -0.22, "yanchor": "top"},
    )
    return fig


def make_resnet_block_figure(width: int, n_layers: int, lang: str = "en", height: int = 300) -> go.Figure:
    """A ResNet-style block for contrast: each layer adds its output to its input, so width stays ``width``.

    Trace 0: the chain; trace 1: identity shortcuts; trace 2: nodes (hover: "receives c channels").
    """
    n = min(n_layers, 24)
    chain_x, chain_y = [], []
    for i in range(n):
        chain_x += [i, i + 1, None]
        chain_y += [0, 0, None]
    skip_x, skip_y = [], []
    for i in range(n):
        xs, ys = _arc(i, i + 1, 0.25, 10)
        skip_x += xs + [None]
        skip_y += ys + [None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=chain_x, y=chain_y, mode="lines", line={"color": "#555"}, hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=skip_x, y=skip_y, mode="lines", line={"color": COMPARE_COLOR, "dash": "dot"},
                             hoverinfo="skip", name=t("concat.resnet_skip", lang)))
    xs = list(range(n + 1))
    fig.add_trace(go.Scatter(
        x=xs, y=[0] * len(xs), mode="markers+text", marker={"size": 12, "color": COMPARE_COLOR},
        text=[t("concat.short_input", lang)] + [str(i) if n <= 26 else "" for i in xs[1:]],
        textposition="bottom center", hoverinfo="text", showlegend=False, name="nodes",
        hovertext=[t("concat.resnet_hover", lang, i=i, width=width) for i in xs],
    ))
    title, top = fit_title(t("concat.resnet_title", lang, width=width), 50)
    fig.update_layout(
        title={"text": title}, height=height + top - 50, plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.7, n + 0.7]}, yaxis={"visible": False, "range": [-0.25, 0.45]},
        margin={"t": top, "b": 5, "l": 5, "r": 5}, legend={"orientation": "h", "y": 1.0, "x": 1, "xanchor": "right"},
    )
    return fig


def make_width_contrast_figure(graph: BlockGraph, lang: str = "en") -> go.Figure:
    """Input width per layer: DenseNet (grows by k) against a ResNet-style sum (constant c₀)."""
    layers = list(range(1, graph.shown_layers + 1))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=layers, y=[graph.input_width(ell) for ell in layers], mode="lines+markers",
                             name=t("concat.dense_width", lang), line={"color": MAIN_COLOR}))
    fig.add_trace(go.Scatter(x=layers, y=[graph.in_channels] * len(layers), mode="lines",
                             name=t("concat.resnet_width", lang), line={"color": COMPARE_COLOR, "dash": "dash"}))
    fig.update_layout(height=300, title={"text": t("concat.width_title", lang)},
                      xaxis={"title": {"text": t("concat.x_target", lang)}},
                      yaxis={"title": {"text": t("arch.y_channels", lang)}, "rangemode": "tozero"},
                      margin={"t": 50, "b": 40}, legend={"orientation": "h", "y": -0.3})
    return fig


def make_reuse_heatmap(matrix: ReuseMatrix, lang: str = "en", title: str = "") -> go.Figure:
    """Paper Fig. 5 style: x = target layer (+ transition/classifier), y = source; colour = scaled mean |w|."""
    targets = [str(i) for i in range(1, matrix.n_layers + 1)]
    targets.append(t(f"concat.target_{matrix.last_target}", lang))
    sources = [t("concat.short_input", lang)] + [str(i) for i in range(1, matrix.n_layers + 1)]
    hover = [[None if v is None else t("concat.reuse_hover", lang, src=sources[s], dst=targets[j], v=v,
                                       raw=matrix.raw[s][j])
              for j, v in enumerate(row)] for s, row in enumerate(matrix.values)]
    fig = go.Figure(go.Heatmap(
        z=[list(r) for r in matrix.values], x=targets, y=sources, colorscale="Viridis", zmin=0, zmax=1,
        hovertext=hover, hoverinfo="text",
        # Tick labels below their ticks: centred on it, the top one ("1") reaches up into the bar's title.
        colorbar={"title": {"text": t("concat.reuse_colorbar", lang)}, "ticklabelposition": "outside bottom"},
    ))
    fig.update_layout(
        title={"text": title}, height=420, margin={"t": 50, "b": 40},
        xaxis={"title": {"text": t("concat.reuse_x", lang)}, "type": "category"},
        yaxis={"title": {"text": t("concat.reuse_y", lang)}, "type": "category", "autorange": "reversed"},
    )
    return fig


