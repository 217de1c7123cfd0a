"""Plotly figures for the Explain page: top-5 bars, the CAM strip across depth, deletion curves.

Pure functions (no streamlit): labels come in as arguments so the page can pass translated text.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .explain import PLOTLY_COLORSCALES, DeletionCurve


def make_top5_figure(top5: list[tuple[str, float]], title: str = "", prob_label: str = "probability",
                     highlight: str | None = None) -> go.Figure:
    """Horizontal bars, most likely class on top; ``highlight`` (e.g. the CAM target) drawn darker."""
    names = [name for name, _ in top5][::-1]
    probs = [float(p) for _, p in top5][::-1]
    colors = ["#1f6f4a" if n == highlight else "#7fbf9a" for n in names]
    fig = go.Figure(go.Bar(x=probs, y=names, orientation="h", marker_color=colors,
                           text=[f"{p:.1%}" for p in probs], textposition="auto",
                           hovertemplate="%{y}: %{x:.2%}<extra></extra>"))
    fig.update_layout(title=title or None, height=60 + 34 * max(1, len(names)), margin=dict(l=8, r=8, t=36, b=8),
                      xaxis=dict(range=[0, 1], tickformat=".0%", title=prob_label), yaxis=dict(title=None),
                      showlegend=False)
    return fig


def make_cam_strip_figure(maps: dict[str, np.ndarray], titles: list[str] | None = None,
                          colormap: str = "viridis") -> go.Figure:
    """One heat map per layer at its *own* resolution (e.g. 56², 28², 14², 7²), so the coarsening shows.

    ``maps``: layer -> (h, w) raw CAM; each is normalised by its own maximum for colour.
    """
    names = list(maps)
    titles = titles or [f"{n} ({maps[n].shape[0]}×{maps[n].shape[1]})" for n in names]
    fig = make_subplots(rows=1, cols=max(1, len(names)), subplot_titles=titles, horizontal_spacing=0.03)
    for i, name in enumerate(names, start=1):
        m = np.asarray(maps[name], dtype=np.float32)
        top = float(m.max()) if m.size else 0.0
        z = m / top if top > 0 else np.zeros_like(m)
        fig.add_trace(go.Heatmap(z=z, zmin=0, zmax=1, colorscale=PLOTLY_COLORSCALES.get(colormap, "Viridis"),
                                 showscale=i == len(names), name=name,
                                 hovertemplate="x=%{x}, y=%{y}: %{z:.2f}<extra>" + name + "</extra>"),
                      row=1, col=i)
        fig.update_xaxes(showticklabels=False, constrain="domain", row=1, col=i)
        fig.update_yaxes(showticklabels=False, autorange="reversed", scaleanchor=f"x{'' if i == 1 else i}",
                         row=1, col=i)
    fig.update_layout(height=260, margin=dict(l=8, r=8, t=40, b=8))
    return fig


def make_deletion_figure(curves: dict[str, DeletionCurve], title: str = "", x_label: str = "pixels removed",
                         y_label: str = "class probability") -> go.Figure:
    """Deletion curves (probability against fraction of pixels removed), AUC in each legend entry."""
    fig = go.Figure()
    dashes = ["solid", "dash", "dot", "dashdot"]
    for i, (label, c) in enumerate(curves.items()):
        fig.add_trace(go.Scatter(x=list(c.fractions), y=list(c.probs), mode="lines+markers",
                                 name=f"{label} (AUC {c.auc:.3f})", line=dict(dash=dashes[i % len(dashes)])))
    fig.update_layout(title=title or None, height=300, margin=dict(l=8, r=8, t=40, b=8),
                      xaxis=dict(range=[0, 1], tickformat=".0%", title=x_label),
                      yaxis=dict(range=[0, 1.02], title=y_label), legend=dict(orientation="h", y=-0.25))
    return fig
