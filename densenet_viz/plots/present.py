"""Projector copies of figures: every text at least ``min_px`` pixels, with room to fit (pure, no streamlit).

Streamlit draws a chart with its own theme, which sets explicit sizes of 12–14 px on tick labels, axis
titles, legends, hover labels and colour bars. Only what the figure itself sets wins over the theme, so
``for_projector`` writes a size into every place a text can take one, instead of raising the base font
alone. Then it grows margins and the height by the same factor as the text, turns on automatic margins
(tick labels and titles push the plot area instead of being clipped) and hides bar labels that would
have to shrink below ``min_px`` to fit (``uniformtext``), so nothing is drawn small or on top of another.
"""

from __future__ import annotations

import re
from typing import Any

import plotly.graph_objects as go

from ..fit_text import LINE_EM

MIN_PX = 16  # the smallest chart text readable from the back of a classroom (issue 30)
PLOTLY_FONT_PX = 12  # plotly.js's default font size, which a figure without layout.font.size inherits
PLOTLY_HEIGHT_PX = 450  # plotly.js's default figure height
TITLE_GROWTH = 1.15  # a chart title stays a little larger than the rest
AXIS_KEY = re.compile(r"^[xy]axis\d*$")
NOT_CARTESIAN = frozenset({"pie", "sunburst", "treemap", "icicle", "funnelarea", "table", "indicator", "sankey",
                           "parcoords", "parcats", "scattergeo", "choropleth", "scatterpolar", "barpolar",
                           "scatterternary", "scattermap", "scattermapbox", "choroplethmap", "densitymap"})
COLOUR_SCALED = frozenset({"heatmap", "contour", "histogram2d", "histogram2dcontour", "surface"})
TEXT_TRACES = frozenset({"bar", "histogram", "funnel", "waterfall"})  # drawn with inside/outside text fonts


def for_projector(fig: go.Figure, min_px: int = MIN_PX, height_scale: float | None = None) -> go.Figure:
    """A copy of ``fig`` for a projector: every text at least ``min_px`` px, margins and height grown to fit.

    ``fig`` is left as it is (figures are cached and shared between sessions). ``height_scale``: how much
    taller the copy is (pictures ask for 2); by default it grows as much as the text does."""
    spec = fig.to_dict()  # a deep copy
    layout = spec.setdefault("layout", {})
    base = _size(layout.get("font")) or PLOTLY_FONT_PX
    grow = max(1.0, min_px / base)
    _raise_sizes(spec, min_px)  # every size a figure already set
    for owner in (layout, layout.setdefault("hoverlabel", {}), layout.setdefault("legend", {})):
        _at_least(owner, "font", min_px)
    _title(layout, round(min_px * TITLE_GROWTH))
    legend_title = layout["legend"].get("title")
    if isinstance(legend_title, dict):
        _at_least(legend_title, "font", min_px)
    for name in axis_keys(spec):
        axis = layout.setdefault(name, {})
        _at_least(axis, "tickfont", min_px)
        _title(axis, min_px)
        axis["automargin"] = True
    for name, owner in list(layout.items()):
        if name.startswith("coloraxis") and isinstance(owner, dict):
            _colorbar(owner, min_px)
    for trace in spec.get("data", []):
        _trace(trace, min_px)
    for annotation in layout.get("annotations", ()):  # subplot titles, hline labels: set, never inherited
        if isinstance(annotation, dict):
            _at_least(annotation, "font", min_px)
    for control in (*layout.get("sliders", ()), *layout.get("updatemenus", ())):
        _at_least(control, "font", min_px)
        if isinstance(control.get("currentvalue"), dict):
            _at_least(control["currentvalue"], "font", min_px)
    layout["uniformtext"] = {"minsize": min_px, "mode": "hide"}  # a bar label never shrinks below min_px
    margin = layout.get("margin") or {}
    for side in ("t", "b", "l", "r"):
        if isinstance(margin.get(side), (int, float)):
            margin[side] = round(margin[side] * grow)
    if isinstance(layout.get("title"), dict) and layout["title"].get("text"):
        layout["title"].setdefault("automargin", True)  # a longer title pushes the plot down, never onto it
        # Streamlit hangs the title from the chart's top edge (y=1, yanchor top, no padding), which leaves the
        # top of its line box, where CJK glyphs and accents reach, 0.3 em outside the chart; plotly.js centres
        # the lines of a multi-line title on that edge, so each further line moves it up half a line more.
        extra_lines = str(layout["title"]["text"]).count("<br>")
        pad_em = 0.4 + extra_lines * LINE_EM / 2
        layout["title"].update(yref="container", y=1, yanchor="top",
                               pad={**layout["title"].get("pad", {}), "t": round(min_px * TITLE_GROWTH * pad_em)})
    for name in axis_keys(spec):
        if name.startswith("x") and _long_categories(spec, name, min_px):
            layout[name]["tickangle"] = -90  # upright labels take no room from their neighbours
    layout["height"] = round((layout.get("height") or PLOTLY_HEIGHT_PX) * (height_scale or grow))
    return go.Figure(spec)


def font_sizes(fig: go.Figure | dict) -> list[tuple[str, float]]:
    """Every font size set anywhere in the figure, as (JSON path, px): for tests and checks."""
    spec = fig.to_dict() if isinstance(fig, go.Figure) else fig
    found: list[tuple[str, float]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if _is_font(key) and isinstance(value, dict) and "size" in value:
                    sizes = value["size"] if isinstance(value["size"], (list, tuple)) else [value["size"]]
                    found.extend((f"{path}.{key}.size", float(s)) for s in sizes if isinstance(s, (int, float)))
                walk(value, f"{path}.{key}")
        elif isinstance(node, (list, tuple)):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(spec, "")
    return found


def _is_font(key: str) -> bool:
    return key == "font" or key.endswith("font")  # font, textfont, tickfont, insidetextfont, ...


def _size(font: Any) -> float | None:
    size = font.get("size") if isinstance(font, dict) else None
    return float(size) if isinstance(size, (int, float)) else None


def _raise_sizes(node: Any, min_px: int) -> None:
    """Every explicit font size under ``node`` (numbers and per-point lists) raised to ``min_px``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if _is_font(key) and isinstance(value, dict) and "size" in value:
                size = value["size"]
                if isinstance(size, (list, tuple)):
                    value["size"] = [max(s, min_px) if isinstance(s, (int, float)) else min_px for s in size]
                elif isinstance(size, (int, float)):
                    value["size"] = max(size, min_px)
            _raise_sizes(value, min_px)
    elif isinstance(node, list):
        for value in node:
            _raise_sizes(value, min_px)


def _at_least(owner: dict, key: str, min_px: float) -> None:
    """``owner[key]`` (a font) at least ``min_px``, set explicitly so no theme default replaces it."""
    font = owner.get(key)
    if not isinstance(font, dict):
        font = owner[key] = {}
    size = font.get("size")
    if not isinstance(size, (list, tuple)):
        font["size"] = max(size, min_px) if isinstance(size, (int, float)) else min_px


def _title(owner: dict, min_px: float) -> None:
    title = owner.get("title")
    if isinstance(title, str):
        title = owner["title"] = {"text": title}
    elif not isinstance(title, dict):
        title = owner["title"] = {}
    _at_least(title, "font", min_px)


def _colorbar(owner: dict, min_px: int) -> None:
    bar = owner.get("colorbar")
    if not isinstance(bar, dict):
        bar = owner["colorbar"] = {}
    _at_least(bar, "tickfont", min_px)
    _title(bar, min_px)
    bar["title"]["side"] = "right"  # beside the bar: on top it would sit on the highest tick label


def _trace(trace: dict, min_px: int) -> None:
    kind = trace.get("type", "scatter")
    if trace.get("text") is not None or "text" in str(trace.get("mode", "")):
        _at_least(trace, "textfont", min_px)
    if kind in TEXT_TRACES:
        for key in ("insidetextfont", "outsidetextfont"):
            _at_least(trace, key, min_px)
    if kind in COLOUR_SCALED:
        _colorbar(trace, min_px)
    marker = trace.get("marker")
    if isinstance(marker, dict) and (marker.get("showscale") or "colorbar" in marker):
        _colorbar(marker, min_px)
    if isinstance(trace.get("hoverlabel"), dict):
        _at_least(trace["hoverlabel"], "font", min_px)


CATEGORY_ROOM_PX = 700  # about the plot width a chart gets at 1280 px with the sidebar open
CHAR_EM = 0.6  # a Latin character's average width, in em


def _long_categories(spec: dict, axis: str, min_px: int) -> bool:
    """Whether the text categories along ``axis`` would need more room side by side than the plot has at
    ``min_px``, so that Plotly would slant them into each other's boxes."""
    ref = "x" + axis[len("xaxis"):]
    labels: list[str] = []
    for trace in spec.get("data", []):
        if trace.get(ref[0] + "axis", ref[0]) == ref and trace.get("orientation") != "h":
            labels += [v for v in (trace.get("x") or ()) if isinstance(v, str) and v not in labels]
    if not labels:
        return False
    widest = max(sum(1 if ord(c) < 0x2E80 else 1 / CHAR_EM for c in label) for label in labels)
    return len(labels) * widest * CHAR_EM * min_px > CATEGORY_ROOM_PX


def axis_keys(spec: dict) -> list[str]:
    """The layout keys of every cartesian axis of a figure's JSON: those the layout sets and those a trace
    draws on (a trace with no ``xaxis`` draws on ``xaxis``, which the layout may never mention)."""
    names = {key for key in spec.get("layout", {}) if AXIS_KEY.match(key)}
    for trace in spec.get("data", []):
        if trace.get("type", "scatter") in NOT_CARTESIAN:
            continue
        names.update(_axis_key(trace.get(ref, ref[0])) for ref in ("xaxis", "yaxis"))
    return sorted(names)


def _axis_key(ref: str) -> str:
    """'x2' -> 'xaxis2', 'y' -> 'yaxis'."""
    return f"{ref[0]}axis{ref[1:]}"


