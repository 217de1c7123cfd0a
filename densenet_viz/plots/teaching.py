"""Figures for the teaching pages (Follow a flower, Why DenseNet, Train it live). Pure functions, no
streamlit. Every function takes already-computed data (a ``Walkthrough``, a ``GradientFlow``, plan
curves, measurements, live runs) and ``lang``, and translates its own text with ``i18n.t``.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from ..efficiency import OurPoint, ReferenceModel
from ..fit_text import LINE_EM, PHONE_CHART_PX, fit_title, text_em
from ..gradient_flow import GradientFlow
from ..i18n import class_label, t
from ..memory import MeasuredMemory, MemoryPoint
from ..train.live_summary import short_run_names
from ..walkthrough import FeatureMaps, WalkStage, top_entries

_OI = palette.OKABE_ITO
ARCH_COLOURS = {"dense": _OI["blue"], "plain": _OI["vermillion"], "residual": _OI["bluish_green"]}
ARCH_DASHES = {"dense": "solid", "plain": "dot", "residual": "dash"}  # not by colour alone
FAMILY_COLOURS = {"DenseNet": _OI["blue"], "ResNet": _OI["bluish_green"], "VGG": _OI["reddish_purple"]}
OURS_COLOUR = _OI["orange"]


def stage_label(stage: WalkStage, lang: str = "en") -> str:
    """The name of a walkthrough stage ("Block 2", "Transition 1", "Softmax", ...)."""
    named = {"stem": ("common.stem", {}), "block": ("common.block", {"b": stage.index}),
             "transition": ("common.transition", {"b": stage.index}), "norm": ("common.norm5", {}),
             "classifier": ("common.classifier", {})}
    key, values = named.get(stage.kind, (f"walk.stage_{stage.kind}", {}))
    return t(key, lang, **values)


def _map_labels(maps: FeatureMaps, lang: str) -> list[str]:
    if not maps.origins:
        return [t("walk.map_label", lang, c=c) for c in maps.channels]
    return [t("walk.map_label_origin", lang, c=c, origin=t("walk.origin_input", lang) if o == 0
              else t("walk.origin_layer", lang, i=o)) for c, o in zip(maps.channels, maps.origins, strict=True)]


def make_feature_grid_figure(maps: FeatureMaps, lang: str = "en", newest: dict | None = None,
                             cols: int = 4) -> go.Figure:
    """One small heatmap per feature map, each scaled to [0, 1] on its own, in a grid of ``cols`` columns.
    Titled as the stage's most active maps, or (``newest``: the stage's numbers) as the maps the block's
    last layer added."""
    labels = _map_labels(maps, lang) if newest is None else [t("walk.map_label", lang, c=c) for c in maps.channels]
    title = t("walk.newest_title", lang, **newest) if newest is not None else t("walk.active_title", lang)
    title, top = fit_title(title, 50 if title else 30, keep_bottom=True)
    n = len(maps)
    cols = max(1, min(cols, n))
    rows = max(1, math.ceil(n / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=labels[:n], horizontal_spacing=0.02,
                        vertical_spacing=0.08 if rows > 1 else 0.0)
    norm = maps.normalised()
    for i in range(n):
        fig.add_trace(go.Heatmap(z=norm[i][::-1], zmin=0.0, zmax=1.0, coloraxis="coloraxis",
                                 customdata=maps.maps[i][::-1],
                                 hovertemplate="x=%{x} y=%{y}<br>%{customdata:.3f}<extra></extra>"),
                      row=i // cols + 1, col=i % cols + 1)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, scaleanchor="x", constrain="domain")
    fig.update_layout(title=title or None, coloraxis={"colorscale": "Viridis", "cmin": 0, "cmax": 1,
                                                      "showscale": False},
                      height=150 * rows + top + (10 if title else 0), margin={"l": 5, "r": 5, "t": top, "b": 5})
    fig.update_annotations(font_size=11)
    return fig


def make_top_entries_figure(vector: np.ndarray, n: int = 20, lang: str = "en") -> go.Figure:
    """Bar chart of the ``n`` largest entries of the pooled feature ``vector``, largest first."""
    title, xlabel, ylabel = (t("walk.pooled_title", lang, c=len(vector)), t("walk.channel", lang),
                             t("walk.mean_value", lang))
    title, top = fit_title(title, 50)
    idx, values = top_entries(vector, n)
    fig = go.Figure(go.Bar(x=[f"#{i}" for i in idx], y=values, marker_color=palette.DENSE_BLOCK,
                           hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title=xlabel, yaxis_title=ylabel, height=270 + top,
                      margin={"l": 40, "r": 10, "t": top, "b": 40})
    fig.update_xaxes(type="category")
    return fig


def make_class_bar_figure(values: np.ndarray, class_names: tuple[str, ...], lang: str = "en",
                          percent: bool = False) -> go.Figure:
    """One bar per class: logits, or (``percent``) probabilities as percentages; the largest is highlighted."""
    title = t("walk.probs_title" if percent else "walk.logits_title", lang)
    ylabel = t("walk.probability" if percent else "walk.logit", lang)
    y = np.asarray(values, dtype=float) * (100.0 if percent else 1.0)
    best = int(np.argmax(y))
    colours = [OURS_COLOUR if i == best else palette.DENSE_BLOCK for i in range(len(y))]
    text = [f"{v:.1f}%" if percent else f"{v:.2f}" for v in y]
    names = [class_label(str(n), lang) for n in class_names]
    fig = go.Figure(go.Bar(x=names, y=y, marker_color=colours, text=text, textposition="outside"))
    fig.update_layout(title=title, yaxis_title=ylabel, height=320, margin={"l": 40, "r": 10, "t": 50, "b": 40})
    if percent:
        fig.update_yaxes(range=[0, 110])
    return fig


def make_stage_overview_figure(stages: tuple[WalkStage, ...], current: int, lang: str = "en") -> go.Figure:
    """Channels (or vector length) at every stage, the current one highlighted: the route so far."""
    labels, ylabel = [stage_label(s, lang) for s in stages], t("walk.overview_y", lang)
    ch = [s.shape[1] for s in stages]
    colours = [OURS_COLOUR if i == current else (palette.DENSE_BLOCK if i < current else "#c6dbef")
               for i in range(len(ch))]
    hover = ["×".join(str(d) for d in s.shape) for s in stages]
    fig = go.Figure(go.Bar(x=labels, y=ch, marker_color=colours, customdata=hover,
                           hovertemplate="%{x}<br>%{customdata}<extra></extra>"))
    fig.update_layout(yaxis_title=ylabel, height=220, margin={"l": 40, "r": 10, "t": 10, "b": 40})
    fig.update_yaxes(type="log", dtick=1)  # powers of ten only: 2 and 5 between them collide in 220 px
    return fig


def make_gradient_flow_figure(flow: GradientFlow, lang: str = "en", kind: str = "outputs") -> go.Figure:
    """Gradient norm at every layer (log scale), one line per architecture; ``kind`` "outputs" plots
    dLoss/d(layer output), "weights" dLoss/dW."""
    names = {a: t(f"why.arch_{a}", lang) for a in flow.series(kind)}
    title, top = fit_title(t("why.grad_title", lang, depth=flow.depth, width=flow.width), 50)
    xlabel, ylabel, layer = t("why.grad_x", lang), t(f"why.grad_y_{kind}", lang), t("why.grad_hover_layer", lang)
    fig = go.Figure()
    for arch, norms in flow.series(kind).items():
        # A gradient that underflowed to exactly 0 cannot sit on a log axis: show it at the floor.
        y = np.where(norms > 0, norms, np.nan)
        fig.add_trace(go.Scatter(x=np.arange(1, len(norms) + 1), y=y, mode="lines+markers", name=names[arch],
                                 line={"color": ARCH_COLOURS.get(arch), "dash": ARCH_DASHES.get(arch)},
                                 marker={"size": 5},
                                 hovertemplate=layer + " %{x}: %{y:.3e}<extra>" + names[arch] + "</extra>"))
    fig.update_layout(title=title, xaxis_title=xlabel, yaxis_title=ylabel, height=370 + top,
                      legend={"orientation": "h", "y": -0.2}, margin={"l": 50, "r": 10, "t": top, "b": 40})
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


# The efficiency chart's panels, one above the other, each about this big (plot area, px) on a phone.
EFF_PANEL_PX = (PHONE_CHART_PX - 60, 185)  # measured: the legend takes two rows there
EFF_WIDE_PX = (900, 250)  # and on a laptop; point labels are placed to be apart at both sizes
EFF_LABEL_PX = 10
EFF_MARKER_PX = 10
EFF_LABEL_GAP_PX = 6  # between a point's centre and its label (the marker's radius)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """The area two boxes (x0, y0, x1, y1) share, with 2 px of room around each."""
    dx = min(a[2], b[2]) - max(a[0], b[0]) + 4
    dy = min(a[3], b[3]) - max(a[1], b[1]) + 4
    return max(dx, 0.0) * max(dy, 0.0)


def _label_sides(points: list[tuple[float, float, str]], x_range: tuple[float, float],
                 y_range: tuple[float, float], others: tuple[tuple[float, float, float], ...] = ()) -> list[str]:
    """"top center" or "bottom center" for each point's label (x, y, text; x on a log axis with ``x_range`` in
    log10, y linear): left to right, each label takes the side where it covers the least of the labels placed
    so far and of the markers (the points' own and ``others``: x, y, radius in px), on a phone's panel and on
    a laptop's (above when both sides are free)."""
    height = LINE_EM * EFF_LABEL_PX
    sizes = (EFF_PANEL_PX, EFF_WIDE_PX)

    def at(x: float, y: float, size: tuple[int, int]) -> tuple[float, float]:
        return ((math.log10(x) - x_range[0]) / (x_range[1] - x_range[0]) * size[0],
                (y - y_range[0]) / (y_range[1] - y_range[0]) * size[1])

    markers = [(x, y, EFF_MARKER_PX / 2) for x, y, _ in points] + list(others)
    sides = [""] * len(points)
    placed: list[dict[tuple[int, int], tuple[float, ...]]] = []
    for i in sorted(range(len(points)), key=lambda j: points[j][0]):
        x, y, text = points[i]
        half = text_em(text) * EFF_LABEL_PX / 2
        boxes: dict[str, dict[tuple[int, int], tuple[float, ...]]] = {"top center": {}, "bottom center": {}}
        for size in sizes:
            cx, cy = at(x, y, size)
            low, high = cy + EFF_LABEL_GAP_PX, cy - EFF_LABEL_GAP_PX
            boxes["top center"][size] = (cx - half, low, cx + half, low + height)
            boxes["bottom center"][size] = (cx - half, high - height, cx + half, high)
        obstacles = [*placed, *({size: (*(c - r for c in at(mx, my, size)), *(c + r for c in at(mx, my, size)))
                                 for size in sizes} for j, (mx, my, r) in enumerate(markers) if j != i)]
        sides[i] = min(boxes, key=lambda side: sum(_overlap(boxes[side][size], box[size])
                                                    for box in obstacles for size in sizes))
        placed.append(boxes[sides[i]])
    return sides


def make_efficiency_figure(models: list[ReferenceModel], ours: OurPoint, lang: str = "en") -> go.Figure:
    """Two panels, one above the other: ImageNet top-1 against parameters and against GMACs (log x); our
    DenseNet as a point where its accuracy is published, else as a dashed line at its size (its accuracy is
    unknown). Each model is named beside its point, above or below it so no two names overlap."""
    labels = {key: t(f"why.eff_{key}", lang) for key in ("params_title", "macs_title", "params_axis", "macs_axis",
                                                           "top1_axis", "ours_unknown")}
    labels["ours"] = t("why.eff_ours", lang, title=ours.preset_title or "")
    # One above the other: side by side, each panel would be 140 px wide on a phone.
    fig = make_subplots(rows=2, cols=1, subplot_titles=[labels["params_title"], labels["macs_title"]],
                        vertical_spacing=0.18)
    top1 = [m.top1 for m in models] + ([ours.top1] if ours.top1 is not None else [])
    # Fixed ranges, so the labels' places can be worked out here.
    y_range = (min(top1) - 1.0, max(top1) + 1.5)
    for row, attr, scale in ((1, "params", 1e6), (2, "gmacs", 1.0)):
        ours_x = (ours.params / 1e6) if row == 1 else ours.gmacs
        xs = [getattr(m, attr) / scale for m in models] + ([ours_x] if ours_x > 0 else [])
        x_range = (math.log10(min(xs)) - 0.12, math.log10(max(xs)) + 0.15)
        star = ((ours_x, ours.top1, 9.0),) if ours.top1 is not None else ()
        sides = dict(zip((m.name for m in models), _label_sides(
            [(getattr(m, attr) / scale, m.top1, m.name) for m in models], x_range, y_range, star), strict=True))
        for family in FAMILY_COLOURS:
            group = [m for m in models if m.family == family]
            if not group:
                continue
            fig.add_trace(go.Scatter(
                x=[getattr(m, attr) / scale for m in group], y=[m.top1 for m in group], mode="markers+text",
                text=[m.name for m in group], textposition=[sides[m.name] for m in group],
                textfont={"size": EFF_LABEL_PX}, cliponaxis=False,
                marker={"size": EFF_MARKER_PX, "color": FAMILY_COLOURS[family]}, name=family, legendgroup=family,
                showlegend=row == 1,
                hovertemplate="%{text}: %{x:.3g}, top-1 %{y:.2f}%<extra></extra>"), row=row, col=1)
        if ours.top1 is not None:
            fig.add_trace(go.Scatter(x=[ours_x], y=[ours.top1], mode="markers", name=labels["ours"],
                                     marker={"size": 18, "symbol": "star", "color": OURS_COLOUR,
                                             "line": {"width": 1, "color": "black"}},
                                     legendgroup="ours", showlegend=row == 1, cliponaxis=False,
                                     hovertemplate=labels["ours"] + ": %{x:.3g}, top-1 %{y:.2f}%<extra></extra>"),
                          row=row, col=1)
        elif ours_x > 0:
            fig.add_vline(x=ours_x, line_dash="dash", line_color=OURS_COLOUR, row=row, col=1)
            fig.add_trace(go.Scatter(x=[ours_x], y=[min(m.top1 for m in models)], mode="markers",
                                     marker={"size": 14, "symbol": "star-open", "color": OURS_COLOUR},
                                     name=labels["ours_unknown"], legendgroup="ours", showlegend=row == 1,
                                     hovertemplate=labels["ours_unknown"] + ": %{x:.3g}<extra></extra>"),
                          row=row, col=1)
        fig.update_xaxes(type="log", range=list(x_range), row=row, col=1,
                         title_text=labels["params_axis" if row == 1 else "macs_axis"])
        fig.update_yaxes(title_text=labels["top1_axis"], range=list(y_range), row=row, col=1)
    fig.update_layout(height=720, legend={"orientation": "h", "y": -0.1, "yanchor": "top"},
                      margin={"l": 50, "r": 10, "t": 50, "b": 40})
    return fig


def make_memory_figure(curve: list[MemoryPoint], measured: MeasuredMemory | None, current_depth: int,
                       batch_size: int, input_size: int, lang: str = "en") -> go.Figure:
    """Activation memory (MiB) against depth: the plan's naive and shared storage, plus measurements."""
    labels = {key: t(f"why.mem_{key}", lang) for key in ("x", "y", "naive", "shared", "measured_naive",
                                                           "measured_shared")}
    labels["title"], top = fit_title(t("why.mem_title", lang, batch=batch_size, size=input_size), 50)
    mib = 2.0**20
    depth = [p.depth for p in curve]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=depth, y=[p.naive_bytes / mib for p in curve], mode="lines+markers",
                             name=labels["naive"], line={"color": _OI["vermillion"], "dash": "dot"}))
    fig.add_trace(go.Scatter(x=depth, y=[p.shared_bytes / mib for p in curve], mode="lines+markers",
                             name=labels["shared"], line={"color": _OI["blue"]}))
    if measured is not None and measured.points:
        mdepth = [p.depth for p in measured.points]
        fig.add_trace(go.Scatter(x=mdepth, y=[p.naive_bytes / mib for p in measured.points], mode="markers",
                                 name=labels["measured_naive"],
                                 marker={"symbol": "x", "size": 12, "color": _OI["vermillion"]}))
        fig.add_trace(go.Scatter(x=mdepth, y=[p.shared_bytes / mib for p in measured.points], mode="markers",
                                 name=labels["measured_shared"],
                                 marker={"symbol": "cross", "size": 12, "color": _OI["blue"]}))
    fig.add_vline(x=current_depth, line_dash="dot", line_color="grey")
    fig.update_layout(title=labels["title"], xaxis_title=labels["x"], yaxis_title=labels["y"], height=370 + top,
                      legend={"orientation": "h", "y": -0.2}, margin={"l": 50, "r": 10, "t": top, "b": 40})
    return fig


def make_live_figure(runs: list, lang: str = "en", chance: float | None = None) -> go.Figure:
    """Live training curves: loss (left) and accuracy (right) against epochs, one colour per run.

    ``runs``: ``live.LiveRun`` objects (read while they train). Train curves (dotted) are smoothed running
    values per step; val accuracy is measured at each epoch's end (solid, markers). The legend names each
    run shortly ("A: k=12") and the line styles once; hover tells a run's full configuration and seed.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=(t("live.loss", lang), t("live.accuracy", lang)),
                        horizontal_spacing=0.08)
    colours = palette.series(4)
    train, val, epoch = t("live.train", lang), t("live.val", lang), t("live.epoch", lang)
    for i, (run, name) in enumerate(zip(runs, short_run_names(runs, lang), strict=True)):
        points, c = list(run.points), colours[i % len(colours)]
        about = f"<b>{name}</b><br>{live_run_label(run, lang)}, {t('live.name_seed', lang, seed=run.seed)}<br>"
        group = {"legendgroup": name, "showlegend": False}
        # The run's legend entry: a colour swatch (the line styles have entries of their own).
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=name,
                                 marker=dict(color=c, size=12, symbol="square")), row=1, col=1)
        x = [p.epoch for p in points]
        for col, y, fmt in ((1, [p.train_loss for p in points], ".3f"), (2, [p.train_acc for p in points], ".1%")):
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=dict(color=c, dash="dot"), name=name,
                                     hovertemplate=f"{about}{train}, {epoch} %{{x:.2f}}: %{{y:{fmt}}}<extra></extra>",
                                     **group), row=1, col=col)
        done = [p for p in points if p.val_acc is not None]
        fig.add_trace(go.Scatter(x=[p.epoch for p in done], y=[p.val_acc for p in done], mode="lines+markers",
                                 line=dict(color=c), marker=dict(size=8), name=name,
                                 hovertemplate=f"{about}{val}, {epoch} %{{x:.2f}}: %{{y:.1%}}<extra></extra>",
                                 **group), row=1, col=2)
    for label, style in ((train, {"mode": "lines", "line": dict(color="#555", dash="dot")}),
                         (val, {"mode": "lines+markers", "line": dict(color="#555"), "marker": dict(size=8)})):
        fig.add_trace(go.Scatter(x=[None], y=[None], name=label, legendgroup="styles", **style), row=1, col=2)
    if chance is not None:
        fig.add_hline(y=chance, line_dash="dash", line_color="#888", annotation_text=t("live.chance", lang),
                      row=1, col=2)
    fig.update_xaxes(title_text=epoch)
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=2)
    fig.update_layout(height=380, margin=dict(l=8, r=8, t=40, b=8), legend=dict(orientation="h", y=-0.25))
    return fig


def live_run_label(run, lang: str = "en") -> str:
    """A run named by what sets it apart: k, blocks, bottleneck, θ."""
    c = run.config
    return t("live.run_label", lang, k=c.growth_rate, blocks="-".join(map(str, c.block_config)), bn=c.bn_size,
             theta=f"{c.compression:g}")
