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

from .. import palette
from ..config import FIELDS, DenseNetConfig
from ..fit_text import AXIS_TITLE_PX, fit_title, wrap
from ..i18n import t
from ..plan import DTYPE_BYTES, Plan, Stage, format_bytes, format_count, plan_network
from ..plan import stages as plan_stages

K_RANGE = range(int(FIELDS["growth_rate"].lo), int(FIELDS["growth_rate"].hi) + 1)  # the in-figure k slider
MAX_PLAY_FRAMES = 120  # the play animation adds at most this many frames, however deep the network

# Colours come from the colour-blind-safe palette; shapes, dashes and text labels carry the same meaning.
MAIN_COLOR = palette.DENSE_BLOCK
COMPARE_COLOR = palette.SOURCE
HW_COLOR = palette.OTHER
TRANSITION_COLOR = palette.TRANSITION
BLOCK_FILLS = ("rgba(0,114,178,0.08)", "rgba(230,159,0,0.10)")  # blue / orange tints, each block labelled
BLOCK_LABEL_ROW_PX = 16  # block labels alternate between two rows above the chart, this far apart
# Room under the growth chart's plot (px): tick labels and the two-line axis title; the in-browser controls;
# the legend of a compared config (three rows on a phone).
BELOW_PLOT_PX, CONTROLS_PX, LEGEND_PX = 84, 112, 66


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


def _hover_template(lang: str) -> str:
    """One hover template for every point, its per-point text in customdata (``_hover_data``). One template,
    not one per point: plotly.js formats a per-point template array on every redraw, a large share of each
    slider press (bench.slider_latency). ``%{y}`` is read live, so the in-chart k slider only restyles y."""
    return t("arch.hover", lang, name="%{customdata[0]}", channels="%{y}", hw="%{customdata[1]}",
             compressed="%{customdata[2]}", pooled="%{customdata[3]}") + "<extra></extra>"


def _hover_data(series: GrowthSeries, lang: str) -> list[list]:
    """Per point: module name, H=W, and a transition's two notes (empty for dense layers)."""
    notes = {"transition": (t("arch.hover_compressed", lang), t("arch.hover_pooled", lang))}
    return [[name, hw, *notes.get(stage, ("", ""))]
            for name, hw, stage in zip(series.names, series.hw, series.stages, strict=True)]


def _k_title(plan: Plan, lang: str, label: str = "") -> str:
    return wrap(t("arch.growth_title", lang, k=plan.config.growth_rate, params=format_count(plan.params),
                  final=plan.final_channels) + (f" · {label}" if label else ""))


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
                       ks: tuple[int, ...] = tuple(K_RANGE), in_browser: bool = True) -> go.Figure:
    """Channels entering each layer across the network.

    Trace 0: the config's input widths; trace 1: H×W on a second axis; trace 2 (optional): the compared
    config. ``in_browser`` adds the chart's own controls: a k slider holding the plan for every k in ``ks``
    (dragging it restyles trace 0 and never asks the server) and ▶ Play, animation frames that draw the
    curve layer by layer. They make the figure several times heavier to send and redraw, so a page
    that redraws it on every sidebar change adds them only when asked.
    """
    ks = tuple(sorted(set(ks) | {config.growth_rate}))
    plan = plan_network(config)
    series = growth_series(plan)
    fig = go.Figure()
    template = _hover_template(lang)
    fig.add_trace(go.Scatter(
        x=list(series.x), y=list(series.channels), mode="lines+markers", name=t("arch.trace_channels", lang),
        line={"color": MAIN_COLOR, "width": 2}, marker={"size": 4}, customdata=_hover_data(series, lang),
        hovertemplate=template,
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
            line={"color": COMPARE_COLOR, "width": 2, "dash": "dash"}, customdata=_hover_data(other, lang),
            hovertemplate=template,
        ))

    shapes, annotations = [], []
    for i, (b, x0, x1, hw) in enumerate(_block_spans(series)):
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
                       "fillcolor": BLOCK_FILLS[i % 2], "line": {"width": 0}, "layer": "below"})
        # Every other label one line higher: short blocks (block 1 has 6 layers of 121's 61) put neighbouring
        # labels closer together than their width on a phone.
        annotations.append({"x": (x0 + x1) / 2, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom",
                            "yshift": BLOCK_LABEL_ROW_PX * (i % 2), "showarrow": False,
                            "text": t("arch.block_label", lang, b=b, hw=hw), "font": {"size": 11}})
    for x, stage in zip(series.x, series.stages, strict=True):
        if stage == "transition":
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
                           "line": {"color": TRANSITION_COLOR, "width": 1, "dash": "dot"}})

    bottom = BELOW_PLOT_PX + (CONTROLS_PX if in_browser else 0) + (LEGEND_PX if compare is not None else 0)
    layout = dict(
        # The two-line title hangs from the chart's top edge, clear of the two rows of block labels below it;
        # plotly.js centres a multi-line title's lines on its anchor, hence about 0.7 em more padding.
        title={"text": _k_title(plan, lang), "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 18}},
        xaxis={"title": {"text": wrap(t("arch.x_position", lang), font_px=AXIS_TITLE_PX)},
               "range": [0.5, len(series.x) + 0.5],
               "automargin": False},
        # Fixed ranges: the play animation draws partial traces, and autorange would jump while it runs.
        # Fixed margins (automargin off on all three axes): Streamlit's theme turns automargin on, and then
        # plotly.js measured the tick labels after each draw and drew again when k changed their width.
        # Axis titles in their trace's colour name the two curves; a legend is drawn only for a compared
        # config (a legend is redrawn on every slider press, bench.slider_latency).
        yaxis={"title": {"text": t("arch.y_channels", lang), "font": {"color": MAIN_COLOR}},
               "range": _y_range(plan, compare_top), "automargin": False},
        yaxis2={"title": {"text": t("arch.y_hw", lang), "font": {"color": HW_COLOR}}, "overlaying": "y",
                "side": "right", "type": "log",
                "range": [math.log10(min(series.hw)) - 0.1, math.log10(max(series.hw)) + 0.1],
                "showgrid": False, "tickvals": sorted(set(series.hw)), "automargin": False,
                "ticktext": [str(v) for v in sorted(set(series.hw))]},
        shapes=shapes, annotations=annotations, hovermode="closest", showlegend=compare is not None,
        # Below the plot, in rows that fit a phone: the axis' two-line title, then the in-browser controls
        # (▶ Play, then the k slider across the whole width), then the legend at the chart's bottom edge.
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        margin={"t": 100, "b": bottom, "l": 80, "r": 60}, height=100 + (340 if in_browser else 304) + bottom,
    )
    if in_browser:
        sweep = growth_sweep(config, ks)
        steps = []
        for k in ks:
            s = growth_series(sweep[k])
            steps.append({
                "label": str(k), "method": "update",
                "args": [{"y": [list(s.channels)]},
                         {"title.text": _k_title(sweep[k], lang), "yaxis.range": _y_range(sweep[k], compare_top)},
                         [0]],
            })
        layout["sliders"] = [{"active": ks.index(config.growth_rate), "pad": {"t": BELOW_PLOT_PX + 44},
                              "steps": steps, "currentvalue": {"prefix": t("arch.slider_prefix", lang)},
                              "x": 0, "len": 1}]
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
            "pad": {"t": BELOW_PLOT_PX, "r": 10},
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


# ---------------------------------------------------------------------------------- whole-network flow
def stage_label(stage: Stage, lang: str) -> str:
    if stage.kind == "block":
        return t("common.block", lang, b=stage.number)
    if stage.kind == "transition":
        return t("common.transition", lang, b=stage.number)
    return t({"stem": "common.stem", "norm": "common.norm5", "classifier": "common.classifier"}[stage.kind], lang)


def make_flow_figure(plan: Plan, lang: str = "en") -> go.Figure:
    """Two rows over the stages: channels leaving each stage (bars, transitions hatched in vermillion) on top, the
    feature-map side H = W (line) below. Trace 0 is the bars, trace 1 the line."""
    from plotly.subplots import make_subplots

    stages = plan_stages(plan)
    labels = [stage_label(s, lang) for s in stages]
    colors = [TRANSITION_COLOR if s.kind == "transition" else (MAIN_COLOR if s.kind == "block" else HW_COLOR)
              for s in stages]
    # Not by colour alone: transition bars are hatched, and each bar's x label names its stage.
    patterns = ["/" if s.kind == "transition" else "" for s in stages]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    fig.add_trace(go.Bar(
        x=labels, y=[s.channels for s in stages], marker={"color": colors, "pattern": {"shape": patterns}},
        name=t("trans.channels_out", lang),
        text=[str(s.channels) for s in stages], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y} " + t("trans.unit_channels", lang) + "<extra></extra>",
    ), row=1, col=1)
    fig.add_trace(go.Scatter(
        x=labels, y=[s.hw for s in stages], mode="lines+markers+text", name=t("trans.hw", lang),
        # Labelled where the size changes: equal neighbours' labels would sit on each other on a phone.
        line={"color": MAIN_COLOR}, textposition="top right",
        text=[f"{s.hw}×{s.hw}" if i == 0 or s.hw != stages[i - 1].hw else "" for i, s in enumerate(stages)],
        cliponaxis=False, hovertemplate="%{x}: %{y}×%{y}<extra></extra>",
    ), row=2, col=1)
    fig.update_yaxes(title_text=t("arch.y_channels", lang), rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=t("trans.hw_axis", lang), rangemode="tozero", row=2, col=1)
    fig.update_layout(
        title={"text": t("trans.flow_title", lang, theta=f"{plan.config.compression:g}", k=plan.config.growth_rate)},
        # No legend: each row's y-axis title names its trace, and a legend under the plot would have to dodge
        # the stage labels, which grow and turn upright in projector mode.
        height=560, margin={"t": 60, "b": 40, "l": 60, "r": 30}, showlegend=False,
    )
    return fig


def make_flow_memory_figure(plan: Plan, batch_size: int = 1, dtype: str = "float32", lang: str = "en") -> go.Figure:
    """Size of the tensor leaving each stage (MiB for ``batch_size`` images of ``dtype``)."""
    stages = plan_stages(plan)
    nbytes = [s.elements * batch_size * DTYPE_BYTES[dtype] for s in stages]
    fig = go.Figure(go.Bar(
        x=[stage_label(s, lang) for s in stages], y=[b / 2**20 for b in nbytes],
        marker={"color": [TRANSITION_COLOR if s.kind == "transition" else MAIN_COLOR for s in stages],
                "pattern": {"shape": ["/" if s.kind == "transition" else "" for s in stages]}},
        text=[format_bytes(b) for b in nbytes], textposition="outside", customdata=[s.elements for s in stages],
        hovertemplate="%{x}: %{customdata:,} " + t("trans.unit_elements", lang) + " = %{text}<extra></extra>",
    ))
    title, top = fit_title(t("trans.memory_title", lang, batch=batch_size, dtype=dtype), 60)
    fig.update_layout(
        title={"text": title}, yaxis={"title": {"text": t("arch.memory_axis", lang)}, "rangemode": "tozero"},
        # Stage names upright when they do not fit level: slanted ones reach over their neighbours' places.
        xaxis={"autotickangles": [0, 90]}, height=320 + top, margin={"t": top, "b": 40},
        uniformtext={"minsize": 10, "mode": "hide"},  # a size label too small to read on a phone is left out
    )
    return fig
