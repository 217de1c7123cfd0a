"""Figures for the teaching pages (Follow a flower, Why DenseNet). Pure functions, no streamlit.

Every function takes already-computed data (a ``Walkthrough``, a ``GradientFlow``, plan curves,
measurements) and returns a ``plotly.graph_objects.Figure``; text arrives already translated.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .memory import MeasuredMemory, MemoryPoint
from .walkthrough import FeatureMaps, WalkStage, top_entries
from .why import GradientFlow, OurPoint, ReferenceModel

ARCH_COLOURS = {"dense": "#1f77b4", "plain": "#d62728", "residual": "#2ca02c"}
FAMILY_COLOURS = {"DenseNet": "#1f77b4", "ResNet": "#2ca02c", "VGG": "#9467bd"}
OURS_COLOUR = "#ff7f0e"


def make_feature_grid_figure(maps: FeatureMaps, labels: list[str], title: str = "", cols: int = 4) -> go.Figure:
    """One small heatmap per feature map, each scaled to [0, 1] on its own, in a grid of ``cols`` columns."""
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
                      height=150 * rows + (60 if title else 30), margin={"l": 5, "r": 5, "t": 50 if title else 30,
                                                                          "b": 5})
    fig.update_annotations(font_size=11)
    return fig


def make_top_entries_figure(vector: np.ndarray, n: int, title: str, xlabel: str, ylabel: str) -> go.Figure:
    """Bar chart of the ``n`` largest entries of ``vector`` (e.g. the pooled features), largest first."""
    idx, values = top_entries(vector, n)
    fig = go.Figure(go.Bar(x=[f"#{i}" for i in idx], y=values, marker_color="#1f77b4",
                           hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_layout(title=title, xaxis_title=xlabel, yaxis_title=ylabel, height=320,
                      margin={"l": 40, "r": 10, "t": 50, "b": 40})
    fig.update_xaxes(type="category")
    return fig


def make_class_bar_figure(values: np.ndarray, class_names: tuple[str, ...], title: str, ylabel: str,
                          percent: bool = False) -> go.Figure:
    """One bar per class (logits, or probabilities as percentages); the largest is highlighted."""
    y = np.asarray(values, dtype=float) * (100.0 if percent else 1.0)
    best = int(np.argmax(y))
    colours = [OURS_COLOUR if i == best else "#1f77b4" for i in range(len(y))]
    text = [f"{v:.1f}%" if percent else f"{v:.2f}" for v in y]
    fig = go.Figure(go.Bar(x=list(class_names), y=y, marker_color=colours, text=text, textposition="outside"))
    fig.update_layout(title=title, yaxis_title=ylabel, height=320, margin={"l": 40, "r": 10, "t": 50, "b": 40})
    if percent:
        fig.update_yaxes(range=[0, 110])
    return fig


def make_stage_overview_figure(stages: tuple[WalkStage, ...], labels: list[str], current: int,
                               ylabel: str) -> go.Figure:
    """Channels (or vector length) at every stage, the current one highlighted: the route so far."""
    ch = [s.shape[1] for s in stages]
    colours = [OURS_COLOUR if i == current else ("#1f77b4" if i < current else "#c6dbef") for i in range(len(ch))]
    hover = ["×".join(str(d) for d in s.shape) for s in stages]
    fig = go.Figure(go.Bar(x=labels, y=ch, marker_color=colours, customdata=hover,
                           hovertemplate="%{x}<br>%{customdata}<extra></extra>"))
    fig.update_layout(yaxis_title=ylabel, height=220, margin={"l": 40, "r": 10, "t": 10, "b": 40})
    fig.update_yaxes(type="log")
    return fig


def make_gradient_flow_figure(flow: GradientFlow, names: dict[str, str], title: str, xlabel: str,
                              ylabel: str, kind: str = "outputs") -> go.Figure:
    """Gradient norm at every layer (log scale), one line per architecture; ``kind`` "outputs" plots
    dLoss/d(layer output), "weights" dLoss/dW."""
    fig = go.Figure()
    for arch, norms in flow.series(kind).items():
        # A gradient that underflowed to exactly 0 cannot sit on a log axis: show it at the floor.
        y = np.where(norms > 0, norms, np.nan)
        fig.add_trace(go.Scatter(x=np.arange(1, len(norms) + 1), y=y, mode="lines+markers", name=names[arch],
                                 line={"color": ARCH_COLOURS.get(arch)}, marker={"size": 5},
                                 hovertemplate="layer %{x}: %{y:.3e}<extra>" + names[arch] + "</extra>"))
    fig.update_layout(title=title, xaxis_title=xlabel, yaxis_title=ylabel, height=420,
                      legend={"orientation": "h", "y": -0.2}, margin={"l": 50, "r": 10, "t": 50, "b": 40})
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def make_efficiency_figure(models: list[ReferenceModel], ours: OurPoint, labels: dict[str, str]) -> go.Figure:
    """Two panels, ImageNet top-1 against parameters and against GMACs (log x); our DenseNet as a point
    where its accuracy is published, else as a dashed line at its size (its accuracy is unknown)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=[labels["params_title"], labels["macs_title"]],
                        horizontal_spacing=0.08)
    for col, attr, scale in ((1, "params", 1e6), (2, "gmacs", 1.0)):
        for family in FAMILY_COLOURS:
            group = [m for m in models if m.family == family]
            if not group:
                continue
            fig.add_trace(go.Scatter(
                x=[getattr(m, attr) / scale for m in group], y=[m.top1 for m in group], mode="markers+text",
                text=[m.name for m in group], textposition="top center", textfont={"size": 10},
                marker={"size": 10, "color": FAMILY_COLOURS[family]}, name=family, legendgroup=family,
                showlegend=col == 1,
                hovertemplate="%{text}: %{x:.3g}, top-1 %{y:.2f}%<extra></extra>"), row=1, col=col)
        x = (ours.params / 1e6) if col == 1 else ours.gmacs
        if ours.top1 is not None:
            fig.add_trace(go.Scatter(x=[x], y=[ours.top1], mode="markers", name=labels["ours"],
                                     marker={"size": 18, "symbol": "star", "color": OURS_COLOUR,
                                             "line": {"width": 1, "color": "black"}},
                                     legendgroup="ours", showlegend=col == 1,
                                     hovertemplate=labels["ours"] + ": %{x:.3g}, top-1 %{y:.2f}%<extra></extra>"),
                          row=1, col=col)
        elif x > 0:
            fig.add_vline(x=x, line_dash="dash", line_color=OURS_COLOUR, row=1, col=col)
            fig.add_trace(go.Scatter(x=[x], y=[min(m.top1 for m in models)], mode="markers",
                                     marker={"size": 14, "symbol": "star-open", "color": OURS_COLOUR},
                                     name=labels["ours_unknown"], legendgroup="ours", showlegend=col == 1,
                                     hovertemplate=labels["ours_unknown"] + ": %{x:.3g}<extra></extra>"),
                          row=1, col=col)
    fig.update_xaxes(type="log", title_text=labels["params_axis"], row=1, col=1)
    fig.update_xaxes(type="log", title_text=labels["macs_axis"], row=1, col=2)
    fig.update_yaxes(title_text=labels["top1_axis"], row=1, col=1)
    fig.update_layout(height=460, legend={"orientation": "h", "y": -0.2}, margin={"l": 50, "r": 10, "t": 50, "b": 40})
    return fig


def make_memory_figure(curve: list[MemoryPoint], measured: MeasuredMemory | None, current_depth: int,
                       labels: dict[str, str]) -> go.Figure:
    """Activation memory (MiB) against depth: the plan's naive and shared storage, plus measurements."""
    mib = 2.0**20
    depth = [p.depth for p in curve]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=depth, y=[p.naive_bytes / mib for p in curve], mode="lines+markers",
                             name=labels["naive"], line={"color": "#d62728"}))
    fig.add_trace(go.Scatter(x=depth, y=[p.shared_bytes / mib for p in curve], mode="lines+markers",
                             name=labels["shared"], line={"color": "#2ca02c"}))
    if measured is not None and measured.points:
        mdepth = [p.depth for p in measured.points]
        fig.add_trace(go.Scatter(x=mdepth, y=[p.naive_bytes / mib for p in measured.points], mode="markers",
                                 name=labels["measured_naive"],
                                 marker={"symbol": "x", "size": 12, "color": "#7f0000"}))
        fig.add_trace(go.Scatter(x=mdepth, y=[p.shared_bytes / mib for p in measured.points], mode="markers",
                                 name=labels["measured_shared"],
                                 marker={"symbol": "x", "size": 12, "color": "#00441b"}))
    fig.add_vline(x=current_depth, line_dash="dot", line_color="grey")
    fig.update_layout(title=labels["title"], xaxis_title=labels["x"], yaxis_title=labels["y"], height=420,
                      legend={"orientation": "h", "y": -0.2}, margin={"l": 50, "r": 10, "t": 50, "b": 40})
    return fig


def make_live_figure(runs: list, labels: dict, chance: float | None = None) -> go.Figure:
    """Live training curves: loss (left) and accuracy (right) against epochs, one colour per run.

    ``runs``: (label, points) with ``live.LivePoint`` points. Train curves are smoothed running values per
    step; val accuracy is measured at each epoch's end (markers). ``labels``: loss, acc, x, train, val, chance.
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=(labels["loss"], labels["acc"]), horizontal_spacing=0.08)
    colours = ["#1f6f4a", "#b45309", "#2563eb", "#9333ea"]
    for i, (name, points) in enumerate(runs):
        c = colours[i % len(colours)]
        x = [p.epoch for p in points]
        fig.add_trace(go.Scatter(x=x, y=[p.train_loss for p in points], mode="lines", line=dict(color=c),
                                 name=f"{name}: {labels['train']}", legendgroup=name), row=1, col=1)
        fig.add_trace(go.Scatter(x=x, y=[p.train_acc for p in points], mode="lines", showlegend=False,
                                 line=dict(color=c, dash="dot"), name=f"{name}: {labels['train']}",
                                 legendgroup=name), row=1, col=2)
        val = [p for p in points if p.val_acc is not None]
        fig.add_trace(go.Scatter(x=[p.epoch for p in val], y=[p.val_acc for p in val], mode="lines+markers",
                                 line=dict(color=c), marker=dict(size=8), name=f"{name}: {labels['val']}",
                                 legendgroup=name), row=1, col=2)
    if chance is not None:
        fig.add_hline(y=chance, line_dash="dash", line_color="#888", annotation_text=labels["chance"], row=1, col=2)
    fig.update_xaxes(title_text=labels["x"])
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=2)
    fig.update_layout(height=380, margin=dict(l=8, r=8, t=40, b=8), legend=dict(orientation="h", y=-0.25))
    return fig
