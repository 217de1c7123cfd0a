"""Plotly figures for the Explain page: top-5 bars, the CAM strip across depth, deletion curves, and the
occlusion playground. Pure functions (no streamlit); like every figure module, each takes ``lang`` and
translates its own text with ``i18n.t``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import palette
from ..explain import PLOTLY_COLORSCALES, DeletionCurve
from ..fit_text import fit_title
from ..i18n import class_label, t
from ..occlusion import GREY


def layer_label(name: str, lang: str = "en") -> str:
    """A readable name for a CAM layer, e.g. 'Block 2 output · features.denseblock2'."""
    if name.startswith("features.denseblock"):
        text = t("explain.layer_block", lang, b=name.removeprefix("features.denseblock"))
    elif name.startswith("features.transition"):
        text = t("explain.layer_transition", lang, b=name.removeprefix("features.transition"))
    else:
        text = t(f"explain.layer_{name.split('.')[-1]}", lang)
    return f"{text} · {name}"


def make_top5_figure(top5: list[tuple[str, float]], lang: str = "en", highlight: str | None = None,
                     threshold: float | None = None) -> go.Figure:
    """Horizontal bars, most likely class on top; ``highlight`` (e.g. the CAM target) drawn darker;
    ``threshold``: a dashed line where the "none of these" rule starts."""
    names = [name for name, _ in top5][::-1]
    probs = [float(p) for _, p in top5][::-1]
    colors = [palette.DENSE_BLOCK if n == highlight else palette.OKABE_ITO["sky_blue"] for n in names]
    fig = go.Figure(go.Bar(x=probs, y=[class_label(n, lang) for n in names], orientation="h", marker_color=colors,
                           text=[f"{p:.1%}" for p in probs], textposition="auto",
                           hovertemplate="%{y}: %{x:.2%}<extra></extra>"))
    fig.update_layout(title=t("explain.top5", lang), height=60 + 34 * max(1, len(names)),
                      margin=dict(l=8, r=8, t=36, b=8), yaxis=dict(title=None),
                      xaxis=dict(range=[0, 1], tickformat=".0%", title=t("explain.probability", lang)),
                      showlegend=False)
    if threshold is not None:
        fig.add_vline(x=float(threshold), line_dash="dash", line_color=palette.TRANSITION,
                      annotation_text=f"{threshold:.0%}", annotation_position="top")
    return fig


def make_cam_strip_figure(maps: dict[str, np.ndarray], lang: str = "en", colormap: str = "viridis",
                          cols: int = 2) -> go.Figure:
    """One heat map per layer at its *own* resolution (e.g. 56², 28², 14², 7²), so the coarsening shows.

    ``maps``: layer -> (h, w) raw CAM; each is normalised by its own maximum for colour. ``cols`` maps to a
    row: the server does not know the screen's width, and two to a row stay wide enough on a phone.
    """
    names = list(maps)
    cols = max(1, min(cols, len(names)))
    rows = max(1, -(-len(names) // cols))
    # The size on a line of its own: two one-line titles side by side overlap at 16 px (projector mode).
    titles = [f"{layer_label(n, lang).split(' · ')[0]}<br>{maps[n].shape[0]}×{maps[n].shape[1]}" for n in names]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.04,
                        vertical_spacing=0.16 if rows > 1 else 0.0)
    for i, name in enumerate(names):
        row, col = divmod(i, cols)
        m = np.asarray(maps[name], dtype=np.float32)
        top = float(m.max()) if m.size else 0.0
        z = m / top if top > 0 else np.zeros_like(m)
        # The colour bar lies below the maps: beside them it would take a phone's width from the maps.
        fig.add_trace(go.Heatmap(z=z, zmin=0, zmax=1, colorscale=PLOTLY_COLORSCALES.get(colormap, "Viridis"),
                                 showscale=i == len(names) - 1, name=name,
                                 colorbar=dict(orientation="h", y=0, yanchor="top", ypad=8, thickness=10, len=0.6),
                                 hovertemplate="x=%{x}, y=%{y}: %{z:.2f}<extra>" + name + "</extra>"),
                      row=row + 1, col=col + 1)
        fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="", constrain="domain",
                         row=row + 1, col=col + 1)
        fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, ticks="", autorange="reversed",
                         scaleanchor=f"x{'' if i == 0 else i + 1}", row=row + 1, col=col + 1)
    fig.update_layout(height=60 + 250 * rows, margin=dict(l=8, r=8, t=48, b=48))
    return fig


def make_deletion_figure(curve: DeletionCurve, random_curve: DeletionCurve, cls: str, lang: str = "en") -> go.Figure:
    """Deletion curves of the Grad-CAM and of a random map (probability of ``cls`` against the fraction
    of pixels removed), AUC in each legend entry."""
    fig = go.Figure()
    for c, key, dash in ((curve, "explain.method_gradcam", "solid"), (random_curve, "explain.deletion_random", "dash")):
        fig.add_trace(go.Scatter(x=list(c.fractions), y=list(c.probs), mode="lines+markers",
                                 name=f"{t(key, lang)} (AUC {c.auc:.3f})", line=dict(dash=dash)))
    title, top = fit_title(t("explain.deletion_title", lang, cls=cls), 40)
    # The legend at the chart's bottom edge, under the axis title: its two entries take two rows on a phone.
    fig.update_layout(title=title, height=340 + top, margin=dict(l=8, r=8, t=top, b=100),
                      xaxis=dict(range=[0, 1], tickformat=".0%", title=t("explain.deletion_x", lang)),
                      yaxis=dict(range=[0, 1.02], title=t("explain.deletion_y", lang)),
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"))
    return fig


def make_occlusion_figure(picture: np.ndarray, square=None, grid_step: int = 8, lang: str = "en") -> go.Figure:
    """The photo (``picture``: (S, S, 3) uint8 at model-input size) with a grid of invisible clickable points
    every ``grid_step`` pixels, and the grey ``square`` (an ``occlusion.Square``) drawn where it covers."""
    side = picture.shape[0]
    fig = go.Figure(go.Image(z=picture, hoverinfo="skip"))
    pts = np.arange(grid_step // 2, side, grid_step)
    xx, yy = np.meshgrid(pts, pts)
    fig.add_trace(go.Scatter(x=xx.ravel(), y=yy.ravel(), mode="markers", showlegend=False,
                             marker=dict(size=grid_step + 2, opacity=0.01, color="white"),
                             hovertemplate="(%{x}, %{y})<extra></extra>"))
    if square is not None:
        left, top, right, bottom = square.box(side)
        fig.add_shape(type="rect", x0=left - 0.5, y0=top - 0.5, x1=right - 0.5, y1=bottom - 0.5,
                      fillcolor="rgb({},{},{})".format(*GREY), opacity=1.0,
                      line=dict(color=palette.TRANSITION, width=2))
    fig.update_xaxes(visible=False, range=[-0.5, side - 0.5])
    fig.update_yaxes(visible=False, range=[side - 0.5, -0.5], scaleanchor="x")
    fig.update_layout(title=t("occ.click", lang), height=420, margin=dict(l=4, r=4, t=36, b=4), dragmode=False,
                      clickmode="event+select")
    return fig


def make_probability_change_figure(class_names, before, after, lang: str = "en") -> go.Figure:
    """Each class's probability before and after covering part of the photo, side by side."""
    names = [class_label(str(n), lang) for n in class_names]
    fig = go.Figure([go.Bar(y=names, x=[float(p) for p in probs], orientation="h", name=t(key, lang),
                            marker_color=colour, hovertemplate="%{y}: %{x:.1%}<extra></extra>")
                     for probs, key, colour in ((before, "occ.before", palette.OKABE_ITO["sky_blue"]),
                                                  (after, "occ.after", palette.TRANSITION))])
    fig.update_layout(barmode="group", height=80 + 40 * len(names), margin=dict(l=8, r=8, t=30, b=8),
                      xaxis=dict(range=[0, 1], tickformat=".0%", title=t("explain.probability", lang)),
                      legend=dict(orientation="h", y=1.1))
    return fig


def make_confusion_figure(confusion, class_names, lang: str = "en", column_names=None,
                          title_key: str = "mistakes.matrix_title", rows_key: str = "mistakes.true") -> go.Figure:
    """A confusion matrix (rows: true class, columns: predicted) as a heat map: colour is the share of the
    row (so a small class's mistakes show as clearly as a big one's), each cell labelled with its count.
    ``column_names`` when the columns differ from the rows (the class room's "none of my five" column);
    row and column names are class names or already translated words."""
    counts = np.asarray(confusion, dtype=int)
    totals = counts.sum(axis=1, keepdims=True)
    share = counts / np.maximum(totals, 1)
    rows = [class_label(str(n), lang) for n in class_names]
    columns = rows if column_names is None else [class_label(str(n), lang) for n in column_names]
    hover = t("mistakes.hover", lang, true="%{y}", pred="%{x}", count="%{text}", share="%{z:.0%}")
    fig = go.Figure(go.Heatmap(z=share, x=columns, y=rows, text=counts, texttemplate="%{text}", zmin=0, zmax=1,
                               colorscale="Blues", showscale=False, hovertemplate=hover + "<extra></extra>"))
    title, top = fit_title(t(title_key, lang), 40)
    fig.update_layout(title=title, height=80 + top + 48 * len(rows), margin=dict(l=8, r=8, t=top, b=8),
                      # Column names upright when they do not fit level: slanted ones reach over their neighbours.
                      xaxis=dict(title=t("mistakes.predicted", lang), side="bottom", constrain="domain",
                                 autotickangles=[0, 90]),
                      # Square cells: on a narrow screen (a phone) the rows shrink with the columns, toward the
                      # title, and the x axis follows them up instead of staying below a gap.
                      yaxis=dict(title=t(rows_key, lang), autorange="reversed", scaleanchor="x", constrain="domain",
                                 constraintoward="top"))
    return fig
