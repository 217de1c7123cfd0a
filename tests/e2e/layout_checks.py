"""Layout checks of Plotly charts in a real browser, shared by the browser tests.

``chart_text_boxes(page)`` reads, for every Plotly chart on the page, each text it draws: the computed font
size and the bounding box on screen. Which texts count, and why:

- Only SVG ``<text>`` inside ``.js-plotly-plot``: everything Plotly writes (tick labels, axis and chart
  titles, legend entries, annotations and subplot titles, colour-bar ticks, bar and marker labels, slider
  and button labels) is one. The mode bar is left out on purpose: it is HTML buttons with icons (no text),
  shown only while the pointer is over the chart, so it is not part of what a class reads.
- Hover labels (``.hoverlayer``) are left out: they exist only while the pointer rests on a point, and a
  tooltip is meant to cover what is under it. Their size is set with the rest (``plots.present``).
- Empty or whitespace-only texts, and texts with no area (zero width or height), are left out: Plotly keeps
  placeholders for titles that are not set and for labels it decided not to show.
- Texts that are not rendered are left out: ``display: none`` or ``visibility: hidden`` on the text or an
  ancestor, or opacity 0 (``Element.checkVisibility``). Plotly hides bar labels that do not fit this way
  (``uniformtext``), and hidden text cannot be too small or overlap anything.

``overlapping(boxes)`` pairs texts of the same chart whose boxes intersect by more than ``tolerance`` px
in both directions (so touching, or antialiasing overhang of a pixel, is not an overlap).
``clipped(boxes)`` lists texts that stick out of their chart's own area (cut off by its edge).
Both work on plain dicts and need no browser.
"""

from __future__ import annotations

# Explain is drawn once its default example's top-5 (horizontal bars) and Grad-CAM strip are.
EXPLAINED_JS = """() => {
    const charts = Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => gd.data || []);
    return charts.some(d => d.some(t => t.orientation === 'h'))
        && charts.some(d => d.some(t => t.type === 'heatmap' && String(t.name || '').startsWith('features.')));
}"""

CHART_TEXT_JS = """() => {
    const charts = Array.from(document.querySelectorAll('.js-plotly-plot'));
    return charts.flatMap((gd, chart) => {
        const area = gd.getBoundingClientRect();
        return Array.from(gd.querySelectorAll('svg text')).flatMap(el => {
            if (el.closest('.hoverlayer, .modebar-container')) return [];
            const text = (el.textContent || '').trim();
            const r = el.getBoundingClientRect();
            if (!text || r.width <= 0 || r.height <= 0) return [];
            if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return [];
            return [{chart, text, px: parseFloat(getComputedStyle(el).fontSize),
                     x: r.left, y: r.top, w: r.width, h: r.height,
                     chart_box: {x: area.left, y: area.top, w: area.width, h: area.height},
                     role: (el.getAttribute('class') || el.parentNode.getAttribute('class') || '')}];
        });
    });
}"""


def chart_text_boxes(page) -> list[dict]:
    """Every visible text of every Plotly chart on ``page`` (a Playwright page): chart index, text, font size
    in px and its box on screen (x, y, w, h), the chart's own box, and Plotly's class of the element."""
    return page.evaluate(CHART_TEXT_JS)


def settled_chart_text_boxes(page, tries: int = 20, pause_ms: int = 300) -> list[dict]:
    """``chart_text_boxes`` once two reads ``pause_ms`` apart agree: Plotly draws a chart again after it has
    measured its labels (automatic margins), so the first read may be a layout in between."""
    last = chart_text_boxes(page)
    for _ in range(tries):
        page.wait_for_timeout(pause_ms)
        now = chart_text_boxes(page)
        if now == last:
            return now
        last = now
    return last


def _intersection(a: dict, b: dict) -> tuple[float, float]:
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]),
            min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]))


def overlapping(boxes: list[dict], tolerance: float = 1.0) -> list[tuple[dict, dict]]:
    """Pairs of texts in the same chart whose boxes overlap by more than ``tolerance`` px each way."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a.get("chart") != b.get("chart"):
                continue
            dx, dy = _intersection(a, b)
            if dx > tolerance and dy > tolerance:
                pairs.append((a, b))
    return pairs


def clipped(boxes: list[dict], tolerance: float = 1.0) -> list[dict]:
    """Texts that reach more than ``tolerance`` px outside their chart's box (the chart cuts them off)."""
    out = []
    for box in boxes:
        area = box.get("chart_box")
        if area is None:
            continue
        if (box["x"] < area["x"] - tolerance or box["y"] < area["y"] - tolerance
                or box["x"] + box["w"] > area["x"] + area["w"] + tolerance
                or box["y"] + box["h"] > area["y"] + area["h"] + tolerance):
            out.append(box)
    return out


def too_small(boxes: list[dict], min_px: float) -> list[dict]:
    """Texts drawn below ``min_px``."""
    return [b for b in boxes if b["px"] < min_px - 0.01]


def describe(items) -> str:
    """A short readable list of boxes or box pairs, for assertion messages."""
    def one(b: dict) -> str:
        where = f"({b['x']:.0f},{b['y']:.0f} {b['w']:.0f}×{b['h']:.0f})"
        return f"chart {b['chart']} {b['text'][:30]!r} {b['px']:g}px at {where}"

    return "; ".join(" / ".join(map(one, it)) if isinstance(it, tuple) else one(it) for it in list(items)[:12])


def open_and_read_charts(page, url: str, has_charts: bool = True, explain: bool = False) -> list[dict]:
    """Open ``url`` (the sidebar may be closed or hold no sliders), wait for its first chart (when it has
    one) and, on Explain, for the default example's explanation; then ``settled_chart_text_boxes``."""
    from bench.harness import wait_idle

    page.goto(url)
    wait_idle(page, need_sidebar=False)
    if has_charts:
        page.locator(".js-plotly-plot").first.wait_for(state="visible")
    if explain:
        page.wait_for_function(EXPLAINED_JS)
        wait_idle(page, need_sidebar=False)
    return settled_chart_text_boxes(page)
