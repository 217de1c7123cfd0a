"""Plotly figures and tables built from the channel plan and block graphs (pure functions, no streamlit).

Every number drawn here comes from ``plan_network`` (or, for the feature-reuse heatmap, from a real
model's weights via ``graph.feature_reuse``). Text goes through ``i18n.t`` so each figure reads in
English or Chinese. Tests inspect ``fig.data`` and ``fig.layout`` directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import plotly.graph_objects as go

from .config import DenseNetConfig
from .graph import BlockGraph, ReuseMatrix
from .i18n import t
from .plan import DTYPE_BYTES, Plan, format_bytes, format_count, plan_network

K_RANGE = range(1, 65)  # the sidebar's growth-rate range; the in-figure slider covers the same values
MAX_PLAY_FRAMES = 120  # the play animation adds at most this many frames, however deep the network

MAIN_COLOR = "#1f77b4"
COMPARE_COLOR = "#ff7f0e"
HW_COLOR = "#7f7f7f"
TRANSITION_COLOR = "#d62728"
BLOCK_FILLS = ("rgba(31,119,180,0.08)", "rgba(44,160,44,0.08)")


# ------------------------------------------------------------------------------------- growth series
@dataclass(frozen=True)
class GrowthSeries:
    """Channels entering each dense layer and transition, in network order (x = 1, 2, ...)."""

    x: tuple[int, ...]
    channels: tuple[int, ...]
    hw: tuple[int, ...]  # feature-map side at that position
    names: tuple[str, ...]
    stages: tuple[str, ...]  # "dense_layer" or "transition"
    blocks: tuple[int, ...]


def growth_series(plan: Plan) -> GrowthSeries:
    """The x/y data of the growth chart: each dense layer's and each transition's input width."""
    rows = [r for r in plan.rows if r.stage in ("dense_layer", "transition")]
    return GrowthSeries(
        x=tuple(range(1, len(rows) + 1)),
        channels=tuple(r.in_channels for r in rows),
        hw=tuple(r.in_hw for r in rows),
        names=tuple(r.name for r in rows),
        stages=tuple(r.stage for r in rows),
        blocks=tuple(r.block for r in rows),
    )


@lru_cache(maxsize=64)
def growth_sweep(config: DenseNetConfig, ks: tuple[int, ...]) -> dict[int, Plan]:
    """The plan of ``config`` for every growth rate in ``ks`` (pure integers; cached per config)."""
    return {k: plan_network(config.replace(growth_rate=k)) for k in ks}


def _hover_templates(series: GrowthSeries, lang: str) -> list[str]:
    """Per-point hover templates that read y live, so the k slider only has to restyle y."""
    out = []
    for stage in series.stages:
        key = "arch.hover_transition" if stage == "transition" else "arch.hover_layer"
        out.append(t(key, lang, name="%{customdata[0]}", channels="%{y}", hw="%{customdata[1]}") + "<extra></extra>")
    return out


def _customdata(series: GrowthSeries) -> list[list]:
    return [[name, hw] for name, hw in zip(series.names, series.hw, strict=True)]


def _k_title(plan: Plan, lang: str, label: str = "") -> str:
    return t("arch.growth_title", lang, k=plan.config.growth_rate, params=format_count(plan.params),
             final=plan.final_channels) + (f" · {label}" if label else "")


def _block_spans(series: GrowthSeries) -> list[tuple[int, float, float, int]]:
    """(block, x0, x1, hw) for the dense layers of each block."""
    spans: dict[int, list[int]] = {}
    hws: dict[int, int] = {}
    for x, stage, b, hw in zip(series.x, series.stages, series.blocks, series.hw, strict=True):
        if stage == "dense_layer":
            spans.setdefault(b, []).append(x)
            hws[b] = hw
    return [(b, min(xs) - 0.5, max(xs) + 0.5, hws[b]) for b, xs in spans.items()]


def _y_range(plan: Plan, compare_top: int = 0) -> list[float]:
    return [0, max(max(growth_series(plan).channels), compare_top) * 1.06]


def make_growth_figure(config: DenseNetConfig, lang: str = "en", compare: DenseNetConfig | None = None,
                       ks: tuple[int, ...] = tuple(K_RANGE), play: bool = True) -> go.Figure:
    """Channels entering each layer across the network, with a live in-browser slider over k.

    Trace 0: the config's input widths (what the k slider restyles); trace 1: H×W on a second axis;
    trace 2 (optional): the compared config. The slider holds the plan for every k in ``ks``, so dragging
    it never asks the server. ``play`` adds animation frames that draw trace 0 layer by layer.
    """
    ks = tuple(sorted(set(ks) | {config.growth_rate}))
    plan = plan_network(config)
    series = growth_series(plan)
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=list(series.x), y=list(series.channels), mode="lines+markers", name=t("arch.trace_channels", lang),
        line={"color": MAIN_COLOR, "width": 2}, marker={"size": 4}, customdata=_customdata(series),
        hovertemplate=_hover_templates(series, lang),
    ))
    fig.add_trace(go.Scatter(
        x=list(series.x), y=list(series.hw), mode="lines", name=t("arch.trace_hw", lang), yaxis="y2",
        line={"color": HW_COLOR, "dash": "dot", "shape": "hv"}, hoverinfo="skip",
    ))
    compare_top = 0
    if compare is not None:
        other = growth_series(plan_network(compare))
        compare_top = max(other.channels)
        fig.add_trace(go.Scatter(
            x=list(other.x), y=list(other.channels), mode="lines",
            name=t("arch.trace_compare", lang, k=compare.growth_rate, theta=f"{compare.compression:g}"),
            line={"color": COMPARE_COLOR, "width": 2, "dash": "dash"}, customdata=_customdata(other),
            hovertemplate=_hover_templates(other, lang),
        ))

    shapes, annotations = [], []
    for i, (b, x0, x1, hw) in enumerate(_block_spans(series)):
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
                       "fillcolor": BLOCK_FILLS[i % 2], "line": {"width": 0}, "layer": "below"})
        annotations.append({"x": (x0 + x1) / 2, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom",
                            "showarrow": False, "text": t("arch.block_label", lang, b=b, hw=hw),
                            "font": {"size": 11}})
    for x, stage in zip(series.x, series.stages, strict=True):
        if stage == "transition":
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                           "line": {"color": TRANSITION_COLOR, "width": 1, "dash": "dot"}})

    sweep = growth_sweep(config, ks)
    steps = []
    for k in ks:
        s = growth_series(sweep[k])
        steps.append({
            "label": str(k), "method": "update",
            "args": [{"y": [list(s.channels)]},
                     {"title.text": _k_title(sweep[k], lang), "yaxis.range": _y_range(sweep[k], compare_top)}, [0]],
        })
    layout = dict(
        title={"text": _k_title(plan, lang)},
        xaxis={"title": {"text": t("arch.x_position", lang)}, "range": [0.5, len(series.x) + 0.5]},
        # Fixed ranges: the play animation draws partial traces, and autorange would jump while it runs.
        yaxis={"title": {"text": t("arch.y_channels", lang)}, "range": _y_range(plan, compare_top)},
        yaxis2={"title": {"text": t("arch.y_hw", lang)}, "overlaying": "y", "side": "right", "type": "log",
                "range": [math.log10(min(series.hw)) - 0.1, math.log10(max(series.hw)) + 0.1],
                "showgrid": False, "tickvals": sorted(set(series.hw)),
                "ticktext": [str(v) for v in sorted(set(series.hw))]},
        shapes=shapes, annotations=annotations, hovermode="closest",
        legend={"orientation": "h", "y": -0.45, "x": 0},
        margin={"t": 70, "b": 40, "l": 60, "r": 60}, height=520,
        sliders=[{"active": ks.index(config.growth_rate), "currentvalue": {"prefix": t("arch.slider_prefix", lang)},
                  "pad": {"t": 50}, "steps": steps, "x": 0.2 if play else 0, "len": 0.8 if play else 1}],
    )
    if play:
        n = len(series.x)
        stride = max(1, math.ceil(n / MAX_PLAY_FRAMES))
        ends = list(range(1, n + 1, stride))
        if ends[-1] != n:
            ends.append(n)
        # Frames set only x: plotly draws min(len(x), len(y)) points, so the animation grows whatever
        # curve the k slider currently shows, not just the sidebar's k. The H×W trace grows along with it
        # (a frame that leaves it out makes plotly.js drop it from the redraw).
        fig.frames = [go.Frame(name=f"grow{j}", traces=[0, 1],
                               data=[go.Scatter(x=list(series.x[:j])), go.Scatter(x=list(series.x[:j]))])
                      for j in ends]
        layout["updatemenus"] = [{
            "type": "buttons", "direction": "left", "x": 0, "y": 0, "xanchor": "left", "yanchor": "top",
            "pad": {"t": 62, "r": 10},
            "showactive": False,
            "buttons": [
                {"label": t("arch.play", lang), "method": "animate",
                 "args": [[f.name for f in fig.frames],
                          {"frame": {"duration": 60, "redraw": True}, "transition": {"duration": 0},
                           "fromcurrent": False, "mode": "immediate"}]},
                {"label": t("arch.pause", lang), "method": "animate",
                 "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}]},
            ],
        }]
    fig.update_layout(**layout)
    return fig


# ------------------------------------------------------------------------------------------- metrics
def plan_metrics(plan: Plan, batch_size: int = 1, dtype: str = "float32") -> dict[str, int]:
    """The headline numbers of a plan: params, MACs, depth, activation bytes naive and shared."""
    return {
        "params": plan.params,
        "macs": plan.macs,
        "depth": plan.depth,
        "act_naive": plan.activation_bytes(batch_size, dtype, "naive"),
        "act_shared": plan.activation_bytes(batch_size, dtype, "shared"),
    }


def make_memory_figure(plans: list[tuple[str, Plan]], batch_size: int, dtype: str, lang: str = "en") -> go.Figure:
    """Activation memory (MiB) for naive vs shared storage, one bar group per labelled plan."""
    fig = go.Figure()
    for storage, color in (("naive", "#9467bd"), ("shared", "#2ca02c")):
        values = [p.activation_bytes(batch_size, dtype, storage) for _, p in plans]
        fig.add_trace(go.Bar(
            x=[label for label, _ in plans], y=[v / 2**20 for v in values], name=t(f"arch.storage_{storage}", lang),
            marker_color=color, text=[format_bytes(v) for v in values], textposition="outside",
            customdata=values, hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        ))
    fig.update_layout(
        barmode="group", title={"text": t("arch.memory_title", lang, batch=batch_size, dtype=dtype)},
        yaxis={"title": {"text": t("arch.memory_axis", lang)}, "rangemode": "tozero"},
        height=360, margin={"t": 60, "b": 40}, legend={"orientation": "h", "y": -0.2},
    )
    return fig


LAYER_COLUMNS = ("name", "stage", "block", "index", "in_channels", "bottleneck_channels", "new_channels",
                 "out_channels", "in_hw", "out_hw", "params", "macs", "act_elems")


def layer_table(plan: Plan) -> list[dict]:
    """One dict per plan row (the per-layer table and its CSV), columns in ``LAYER_COLUMNS`` order."""
    return [{c: getattr(r, c) for c in LAYER_COLUMNS} for r in plan.rows]


def layer_table_csv(plan: Plan) -> str:
    """The per-layer table as CSV text (machine-readable English column names)."""
    lines = [",".join(LAYER_COLUMNS)]
    lines += [",".join(str(row[c]) for c in LAYER_COLUMNS) for row in layer_table(plan)]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- dense block graph
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
    fig.add_trace(go.Scatter(x=hl_x, y=hl_y, mode="lines", line={"color": TRANSITION_COLOR, "width": 2.5},
                             hoverinfo="skip", name=t("concat.legend_selected", lang),
                             showlegend=selected is not None and not compact))
    sources = {e.source for e in graph.edges if selected is not None and e.target == selected}
    colors, sizes, texts, hover = [], [], [], []
    for node in graph.nodes:
        if node.index == selected:
            colors.append(TRANSITION_COLOR)
        elif node.index in sources:
            colors.append(COMPARE_COLOR)
        elif node.kind == "layer":
            colors.append(MAIN_COLOR)
        else:
            colors.append("#2ca02c")
        sizes.append(16 if node.kind != "layer" else 11)
        if node.kind == "layer":
            texts.append(str(node.index) if (len(graph.nodes) <= 26 or node.index % 5 == 0) else "")
        else:
            texts.append(t("concat.short_input", lang) if node.kind == "input" else t("concat.short_output", lang))
        width = graph.input_width(node.index) if node.index > 0 else graph.in_channels
        hover.append(t("concat.node_hover", lang, node=_node_label(graph, node.index, lang),
                       adds=node.channels, receives=width, n_in=len(graph.incoming(node.index))))
    fig.add_trace(go.Scatter(
        x=[n.index for n in graph.nodes], y=[0] * len(graph.nodes), mode="markers+text", text=texts,
        textposition="bottom center", marker={"color": colors, "size": sizes, "line": {"color": "white", "width": 1}},
        hovertext=hover, hoverinfo="text", showlegend=False, name="nodes",
    ))
    title = "" if compact else t("concat.graph_title", lang, b=graph.block, n=graph.shown_layers,
                                  edges=len(graph.dense_edges), k=graph.growth_rate, c0=graph.in_channels)
    fig.update_layout(
        title={"text": title}, height=height, hovermode="closest", plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.7, span + 0.7]},
        yaxis={"visible": False, "range": [-0.12, 1.04]},
        margin={"t": 50 if title else 5, "b": 5, "l": 5, "r": 5},
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
                         marker_color="#2ca02c",
                         hovertemplate=t("concat.bar_hover", lang, src=t("concat.node_input", lang))))
    n = max(1, graph.shown_layers - 1)
    for j in range(1, graph.shown_layers):
        shade = int(60 + 160 * (j - 1) / n)
        color = f"rgb({shade // 3},{shade // 2 + 40},{min(255, shade + 60)})"
        fig.add_trace(go.Bar(
            x=layers, y=[graph.growth_rate if ell > j else 0 for ell in layers],
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
        legend={"font": {"size": 10}},
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
    fig.update_layout(
        title={"text": t("concat.resnet_title", lang, width=width)}, height=height, plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.7, n + 0.7]}, yaxis={"visible": False, "range": [-0.25, 0.45]},
        margin={"t": 50, "b": 5, "l": 5, "r": 5}, legend={"orientation": "h", "y": 1.0, "x": 1, "xanchor": "right"},
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
        hovertext=hover, hoverinfo="text", colorbar={"title": {"text": t("concat.reuse_colorbar", lang)}},
    ))
    fig.update_layout(
        title={"text": title}, height=420, margin={"t": 50, "b": 40},
        xaxis={"title": {"text": t("concat.reuse_x", lang)}, "type": "category"},
        yaxis={"title": {"text": t("concat.reuse_y", lang)}, "type": "category", "autorange": "reversed"},
    )
    return fig


# ---------------------------------------------------------------------------------- whole-network flow
@dataclass(frozen=True)
class FlowStage:
    """One stop on the way through the network, with the tensor that leaves it (per image)."""

    key: str  # "stem", "block", "transition", "norm5", "classifier"
    number: int  # block / transition number, else 0
    channels: int
    hw: int

    @property
    def elements(self) -> int:
        return self.channels * self.hw * self.hw


def flow_stages(plan: Plan) -> list[FlowStage]:
    """stem → block 1 → transition 1 → … → block n → final norm → classifier, from the plan's rows."""
    stages = []
    for r in plan.rows:
        if r.stage == "stem":
            stages.append(FlowStage("stem", 0, r.out_channels, r.out_hw))
        elif r.stage == "dense_layer" and r.index == plan.config.block_config[r.block - 1]:
            stages.append(FlowStage("block", r.block, r.out_channels, r.out_hw))
        elif r.stage == "transition":
            stages.append(FlowStage("transition", r.block, r.out_channels, r.out_hw))
        elif r.stage == "norm":
            stages.append(FlowStage("norm5", 0, r.out_channels, r.out_hw))
        elif r.stage == "classifier":
            stages.append(FlowStage("classifier", 0, r.out_channels, 1))
    return stages


def stage_label(stage: FlowStage, lang: str) -> str:
    if stage.key == "block":
        return t("common.block", lang, b=stage.number)
    if stage.key == "transition":
        return t("common.transition", lang, b=stage.number)
    return t({"stem": "common.stem", "norm5": "common.norm5", "classifier": "common.classifier"}[stage.key], lang)


def make_flow_figure(plan: Plan, lang: str = "en") -> go.Figure:
    """Two rows over the stages: channels leaving each stage (bars, transitions in red) on top, the
    feature-map side H = W (line) below. Trace 0 is the bars, trace 1 the line."""
    from plotly.subplots import make_subplots

    stages = flow_stages(plan)
    labels = [stage_label(s, lang) for s in stages]
    colors = [TRANSITION_COLOR if s.key == "transition" else ("#2ca02c" if s.key == "block" else HW_COLOR)
              for s in stages]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    fig.add_trace(go.Bar(
        x=labels, y=[s.channels for s in stages], marker_color=colors, name=t("trans.channels_out", lang),
        text=[str(s.channels) for s in stages], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y} " + t("trans.unit_channels", lang) + "<extra></extra>",
    ), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=labels, y=[s.hw for s in stages], mode="lines+markers+text", name=t("trans.hw", lang),
        line={"color": MAIN_COLOR}, text=[f"{s.hw}×{s.hw}" for s in stages], textposition="top right",
        cliponaxis=False, hovertemplate="%{x}: %{y}×%{y}<extra></extra>",
    ), row=2, col=1)
    fig.update_yaxes(title_text=t("arch.y_channels", lang), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=t("trans.hw_axis", lang), rangemode="tozero", row=2, col=1)
    fig.update_layout(
        title={"text": t("trans.flow_title", lang, theta=f"{plan.config.compression:g}", k=plan.config.growth_rate)},
        height=560, margin={"t": 60, "b": 40, "l": 60, "r": 30}, legend={"orientation": "h", "y": -0.12},
    )
    return fig


def make_flow_memory_figure(plan: Plan, batch_size: int = 1, dtype: str = "float32", lang: str = "en") -> go.Figure:
    """Size of the tensor leaving each stage (MiB for ``batch_size`` images of ``dtype``)."""
    stages = flow_stages(plan)
    nbytes = [s.elements * batch_size * DTYPE_BYTES[dtype] for s in stages]
    fig = go.Figure(go.Bar(
        x=[stage_label(s, lang) for s in stages], y=[b / 2**20 for b in nbytes],
        marker_color=[TRANSITION_COLOR if s.key == "transition" else MAIN_COLOR for s in stages],
        text=[format_bytes(b) for b in nbytes], textposition="outside", customdata=[s.elements for s in stages],
        hovertemplate="%{x}: %{customdata:,} " + t("trans.unit_elements", lang) + " = %{text}<extra></extra>",
    ))
    fig.update_layout(
        title={"text": t("trans.memory_title", lang, batch=batch_size, dtype=dtype)},
        yaxis={"title": {"text": t("arch.memory_axis", lang)}, "rangemode": "tozero"},
        height=380, margin={"t": 60, "b": 40},
    )
    return fig


def transition_table(plan: Plan, batch_size: int = 1, dtype: str = "float32") -> list[dict]:
    """Before/after numbers for each transition: channels, H×W, tensor elements and bytes."""
    rows = []
    for r in plan.transitions:
        before = r.in_channels * r.in_hw * r.in_hw
        after = r.out_channels * r.out_hw * r.out_hw
        rows.append({
            "transition": r.block, "theta": plan.config.compression,
            "channels_before": r.in_channels, "channels_after": r.out_channels,
            "hw_before": r.in_hw, "hw_after": r.out_hw,
            "elements_before": before, "elements_after": after,
            "bytes_before": before * batch_size * DTYPE_BYTES[dtype],
            "bytes_after": after * batch_size * DTYPE_BYTES[dtype],
        })
    return rows


def make_table_figure(headers: list[str], rows: list[list], height: int = 360,
                      column_widths: list[float] | None = None) -> go.Figure:
    """A scrollable Plotly table (column-major cells); used instead of st.dataframe so no Arrow is needed."""
    columns = [[row[i] for row in rows] for i in range(len(headers))]
    fig = go.Figure(go.Table(
        columnwidth=column_widths,
        header={"values": [f"<b>{h}</b>" for h in headers], "align": "left", "fill_color": "#e8eef6"},
        cells={"values": columns, "align": "left", "height": 24},
    ))
    fig.update_layout(height=height, margin={"t": 5, "b": 5, "l": 5, "r": 5})
    return fig
