"""Words and tables for readers who cannot see a chart (issue 31, WCAG 2.1 AA).

Every chart in the app gets a one-sentence summary of its key numbers and its data as a table.
``figure_table`` reads any of the app's Plotly figures (bar, scatter, heat map) into rows; each
``*_summary`` function writes one chart's sentence from the same data the figure is drawn from (the plan,
a block graph, an explanation, ...), in English or Chinese. Pure functions, no streamlit; the modules that
need torch are imported by the functions that use them, so the plan's charts stay light.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import markdown_literal
from .graph import BlockGraph, ReuseMatrix
from .i18n import class_label, t
from .plan import DTYPE_BYTES, Plan, format_bytes, format_count
from .plan import stages as plan_stages
from .plots.channels import stage_label
from .train.live_summary import short_run_names

if TYPE_CHECKING:
    from .efficiency import OurPoint, ReferenceModel
    from .explain import DeletionCurve
    from .gradient_flow import GradientFlow
    from .memory import MeasuredMemory, MemoryPoint
    from .occlusion import Square
    from .walkthrough import FeatureMaps, WalkStage

SIGNIFICANT = 4  # digits kept of a measured number in a table (a plan's integers stay exact)
LISTED_CLASSES = 5  # a summary names at most this many classes, largest first


# ------------------------------------------------------------------------------------------- tables
def rounded(value: Any) -> Any:
    """A table cell: integers as they are, other numbers to ``SIGNIFICANT`` digits, NaN and ∞ as None."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return float(f"{number:.{SIGNIFICANT}g}") if math.isfinite(number) else None
    return value


def _seq(value) -> list | None:
    """A per-point array as a list; None for a missing or scalar value (one text for every point)."""
    if isinstance(value, np.ndarray):
        return value.tolist() if value.ndim else None
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def _heading(text: Any) -> str:
    """An axis or colour-bar title as a column header: its line breaks are only layout (a title wrapped to a
    phone's width), so they become spaces."""
    return re.sub(r"\s+", " ", _plain(re.sub(r"<br\s*/?>", " ", str(text))))


def _plain(text: Any) -> str:
    """Hover or title text without its HTML: line breaks become " · ", tags go."""
    text = re.sub(r"<br\s*/?>", " · ", str(text))
    return re.sub(r"<[^>]+>", "", text).strip()


def _axis_title(fig, ref: str | None, letter: str) -> str | None:
    """The title of the axis a trace is drawn on (``ref``: "x", "x2", ...), or None. A panel's axis without a
    title of its own shares the first panel's (subplots side by side title the left one only)."""
    suffix = ref[1:] if ref and len(ref) > 1 else ""
    try:
        axis = fig.layout[f"{letter}axis{suffix}"]
    except (KeyError, ValueError, AttributeError):
        return None
    text = axis.title.text if axis is not None and axis.title is not None else None
    if not text and suffix:
        return _axis_title(fig, None, letter)
    return _heading(text) if text else None


def _axes_hidden(fig) -> bool:
    """Whether both axes are hidden: positions then mean nothing (a drawn graph), only the hover text does."""
    return fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def _is_data(trace, hidden: bool) -> bool:
    """Whether a trace carries data: not a photo, not hidden, not a legend swatch, not a decoration
    (unnamed and without hover, or without hover on a chart whose axes are hidden)."""
    if trace.type == "image" or trace.visible in (False, "legendonly"):
        return False
    if trace.hoverinfo == "skip" and (not trace.name or hidden):
        return False
    if trace.type == "heatmap":
        return trace.z is not None
    points = [v for key in ("x", "y") for v in (_seq(trace[key]) or [])]
    return any(v is not None for v in points)


def _labels(trace, forced: bool) -> list[str] | None:
    """A trace's per-point text when it names something (a model, a size in MiB), not when it only repeats
    the number ("64", "45.1%") or is the same on every point; ``forced``: always, when it exists."""
    seq = _seq(trace.text)
    if not seq:
        return None
    texts = ["" if s is None else _plain(s) for s in seq]
    if forced:
        return texts
    if (len(texts) > 1 and len(set(texts)) < 2) or not any(ch.isalpha() for s in texts for ch in s):
        return None
    return texts


def _points(trace) -> tuple[str, list, list]:
    """(letter of the category axis, categories, values) of a bar or scatter trace."""
    cat, val = ("y", "x") if getattr(trace, "orientation", None) == "h" else ("x", "y")
    values = _seq(trace[val]) or []
    categories = _seq(trace[cat]) or list(range(len(values)))
    return cat, categories, values


def _unique_header(header: str, taken: set[str]) -> str:
    name, n = header, 2
    while name in taken:
        name, n = f"{header} ({n})", n + 1
    taken.add(name)
    return name


def _same_columns(rows: list[dict]) -> list[dict]:
    """Every row with every column (None where a row has none), columns in order of first appearance."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return [{c: row.get(c) for c in columns} for row in rows]


def figure_table(fig, lang: str = "en", *, category: str | None = None, value: str | None = None,
                 text: str | None = None) -> list[dict]:
    """The data of a Plotly figure as rows of a table (dicts with the same keys, the column headers).

    Bars and lines that share their categories (the x of a vertical bar or a line, the y of a horizontal
    bar) become one row per category and one column per trace; other points (a scatter of named models)
    one row per point, with the trace's name and text. Heat maps give one row per cell. Headers come from
    the axis titles, else the trace names; ``category``, ``value`` and ``text`` name the category column,
    the value column (of a single trace or a heat map) and the per-point text (shown even when numeric).
    Photos, legend swatches and decorations are left out; a drawn graph (both axes hidden) is listed by
    its hover text. Numbers keep ``SIGNIFICANT`` digits.
    """
    hidden = _axes_hidden(fig)
    traces = [tr for tr in fig.data if _is_data(tr, hidden)]
    if hidden:
        return _hover_rows(traces, lang)
    maps = [tr for tr in traces if tr.type == "heatmap"]
    lines = [tr for tr in traces if tr.type != "heatmap"]
    rows = _joined_rows(fig, lines, lang, category, value, text) if _can_join(lines, text) else \
        _point_rows(fig, lines, lang, category, value, text)
    rows += _cell_rows(fig, maps, lang, value, text)
    return _same_columns(rows)


def _hover_rows(traces, lang: str) -> list[dict]:
    header = t("chart.col_description", lang)
    rows = []
    for tr in traces:
        texts = _seq(tr.hovertext) or _seq(tr.text) or []
        rows += [{header: _plain(s)} for s in texts if s]
    return rows


def _can_join(traces, text: str | None) -> bool:
    """Whether the traces are series over mostly the same categories, each category once per trace."""
    if not traces:
        return False
    seen, longest = set(), 0
    for tr in traces:
        _, categories, _ = _points(tr)
        present = [rounded(c) for c in categories if c is not None]
        if len(set(present)) != len(present) or (len(traces) > 1 and _labels(tr, text is not None)):
            return False
        seen.update(present)
        longest = max(longest, len(present))
    return len(seen) <= 1.5 * longest


def _value_header(fig, tr, letter: str, lang: str) -> str:
    return _axis_title(fig, getattr(tr, f"{letter}axis"), letter) or t(f"chart.col_{letter}", lang)


def _joined_rows(fig, traces, lang, category, value, text) -> list[dict]:
    first = traces[0]
    cat_letter = _points(first)[0]
    cat_header = category or _value_header(fig, first, cat_letter, lang)
    taken = {cat_header}
    by_category: dict[Any, dict] = {}
    for tr in traces:
        letter, categories, values = _points(tr)
        val_letter = "x" if letter == "y" else "y"
        if len(traces) == 1:
            header = value or _axis_title(fig, getattr(tr, f"{val_letter}axis"), val_letter) or \
                (_plain(tr.name) if tr.name else t(f"chart.col_{val_letter}", lang))
        else:
            header = _plain(tr.name) if tr.name else _value_header(fig, tr, val_letter, lang)
        header = _unique_header(header, taken)
        labels = _labels(tr, text is not None)
        label_header = _unique_header(text or (t("chart.col_text", lang) if len(traces) == 1 else
                                               t("chart.col_text_of", lang, series=header)), taken) if labels else None
        for i, (c, v) in enumerate(zip(categories, values)):
            if c is None:
                continue
            row = by_category.setdefault(rounded(c), {cat_header: rounded(c)})
            row[header] = rounded(v)
            if labels:
                row[label_header] = labels[i]
    keys = list(by_category)
    if all(isinstance(k, (int, float)) for k in keys):
        keys.sort()
    return [by_category[k] for k in keys]


def _point_rows(fig, traces, lang, category, value, text) -> list[dict]:
    names = {tr.name for tr in traces}
    series = t("chart.col_series", lang)
    label_header = text or t("chart.col_label", lang)
    rows: list[dict] = []
    merged: dict[tuple, dict] = {}
    for tr in traces:
        letter, categories, values = _points(tr)
        val_letter = "x" if letter == "y" else "y"
        cat_header = category or _value_header(fig, tr, letter, lang)
        val_header = value if value and len(traces) == 1 else _value_header(fig, tr, val_letter, lang)
        labels = _labels(tr, text is not None)
        for i, (c, v) in enumerate(zip(categories, values)):
            if c is None and v is None:
                continue
            row = {series: _plain(tr.name)} if len(names) > 1 and tr.name else {}
            if labels:
                row[label_header] = labels[i]
            row[cat_header], row[val_header] = rounded(c), rounded(v)
            # One named thing drawn in two panels (a model's parameters and its MACs) is one row.
            key = (tr.name, labels[i]) if labels else ((tr.name, None) if len(values) == 1 else None)
            other = merged.get(key) if key else None
            if other is not None and all(other.get(k, val) == val for k, val in row.items()):
                other.update(row)
                continue
            rows.append(row)
            if key:
                merged[key] = row
    return rows


def _cell_rows(fig, maps, lang, value, text) -> list[dict]:
    rows: list[dict] = []
    series = t("chart.col_series", lang)
    for tr in maps:
        z = np.asarray(tr.z, dtype=object)
        if z.ndim != 2:
            continue
        xs = _seq(tr.x) or list(range(z.shape[1]))
        ys = _seq(tr.y) or list(range(z.shape[0]))
        y_header = _axis_title(fig, tr.yaxis, "y") or t("chart.col_row", lang)
        x_header = _axis_title(fig, tr.xaxis, "x") or t("chart.col_column", lang)
        colorbar = tr.colorbar.title.text if tr.colorbar is not None and tr.colorbar.title is not None else None
        z_header = value or (_heading(colorbar) if colorbar else None) or (_plain(tr.name) if tr.name else None) \
            or t("chart.col_value", lang)
        cells = np.asarray(tr.text, dtype=object) if tr.text is not None and not isinstance(tr.text, str) else None
        shown = cells is not None and cells.shape == z.shape and (
            text is not None or any(ch.isalpha() for s in cells.ravel() for ch in str(s)))
        for i in range(z.shape[0]):
            for j in range(z.shape[1]):
                if rounded(z[i, j]) is None:
                    continue
                row = {series: _plain(tr.name)} if len(maps) > 1 and tr.name else {}
                row.update({y_header: rounded(ys[i]), x_header: rounded(xs[j]), z_header: rounded(z[i, j])})
                if shown:
                    row[text or t("chart.col_text", lang)] = rounded(cells[i, j])
                rows.append(row)
    return rows


# ------------------------------------------------------------------------------------ shared pieces
def _join(items: Sequence[str], lang: str) -> str:
    return t("chart.sep_list", lang).join(items)


def _clause(text: str, lang: str) -> str:
    """``text`` as a further clause of a sentence ("; …"), or nothing."""
    return t("chart.sep_clause", lang) + text if text else ""


def _class(name: str, lang: str) -> str:
    """A class name for a summary (shown as Markdown: a custom data set's names are escaped)."""
    return markdown_literal(class_label(str(name), lang))


def _percent(p: float) -> str:
    return f"{float(p):.1%}"


def _ranked(names: Sequence[str], values, lang: str, fmt) -> str:
    """'roses 92.1%, tulips 4.3%, …' largest first, at most ``LISTED_CLASSES`` named."""
    order = np.argsort(-np.asarray(values, dtype=float), kind="stable")
    items = [f"{_class(names[i], lang)} {fmt(values[i])}" for i in order[:LISTED_CLASSES]]
    more = len(order) - LISTED_CLASSES
    return _join(items, lang) + (t("chart.more", lang, n=more) if more > 0 else "")


def _where(heatmap: np.ndarray, lang: str) -> str:
    """Where a map holds most of its weight ("in the upper left"), as its alt text says it."""
    from .explain.describe import weight_region  # the explain package loads torch

    return t(f"alt.region.{weight_region(heatmap)[0]}", lang)


def _side(n: int) -> str:
    return f"{n}×{n}"


# ---------------------------------------------------------------------- Architecture and Transitions
def growth_summary(plan: Plan, lang: str = "en", compare: Plan | None = None) -> str:
    """The growth chart: k per layer in each block (first and last width), each transition's cut, the
    map size and what reaches the classifier; ``compare``: the overlaid config's final width."""
    config = plan.config
    blocks = []
    for b in range(1, len(config.block_config) + 1):
        layers = [r for r in plan.dense_layers if r.block == b]
        blocks.append(t("chart.growth_block", lang, b=b, start=layers[0].in_channels, end=layers[-1].out_channels))
    cuts = _join([f"{r.in_channels} → {r.out_channels}" for r in plan.transitions], lang)
    theta = f"{config.compression:g}"
    transitions = t("chart.growth_halves" if config.compression == 0.5 else "chart.growth_theta", lang,
                    theta=theta, pairs=cuts) if plan.transitions else ""
    dense = plan.dense_layers
    other = ""
    if compare is not None:
        other = t("chart.growth_compare", lang, k=compare.config.growth_rate,
                  theta=f"{compare.config.compression:g}", final=compare.final_channels)
    return t("chart.growth", lang, k=config.growth_rate, blocks=_join(blocks, lang),
             transitions=_clause(transitions, lang), hw0=_side(dense[0].in_hw), hw1=_side(dense[-1].in_hw),
             final=plan.final_channels, compare=other)


def flow_summary(plan: Plan, lang: str = "en") -> str:
    """The whole-network flow: the stem's output, what each block and transition leaves, the classifier."""
    stages = plan_stages(plan)
    steps = []
    for s in stages:
        if s.kind == "block":
            steps.append(t("chart.flow_block", lang, stage=stage_label(s, lang), c=s.channels))
        elif s.kind == "transition":
            steps.append(t("chart.flow_transition", lang, stage=stage_label(s, lang), c=s.channels, hw=_side(s.hw)))
    stem = stages[0]
    return t("chart.flow", lang, c0=stem.channels, hw0=_side(stem.hw), steps=_join(steps, lang),
             final=plan.final_channels, n=plan.config.num_classes)


def flow_memory_summary(plan: Plan, batch_size: int = 1, dtype: str = "float32", lang: str = "en") -> str:
    """The tensor-size bars: the largest tensor, each transition's shrink, the classifier's output."""
    stages = plan_stages(plan)
    size = {(s.kind, s.number): s.elements * batch_size * DTYPE_BYTES[dtype] for s in stages}
    largest = max(stages, key=lambda s: size[(s.kind, s.number)])
    cuts = [f"{format_bytes(size[('block', s.number)])} → {format_bytes(size[('transition', s.number)])}"
            for s in stages if s.kind == "transition"]
    transitions = t("chart.flow_memory_cuts", lang, pairs=_join(cuts, lang)) if cuts else ""
    return t("chart.flow_memory", lang, batch=batch_size, dtype=dtype, largest=stage_label(largest, lang),
             size=format_bytes(size[(largest.kind, largest.number)]), transitions=_clause(transitions, lang),
             last=format_bytes(size[("classifier", 0)]))


# ------------------------------------------------------------------------------------ Concatenation
def _node_name(graph: BlockGraph, index: int, lang: str) -> str:
    kind = graph.nodes[index].kind
    if kind == "input":
        return t("concat.node_input", lang)
    return t("concat.node_output", lang) if kind == "output" else t("concat.node_layer", lang, i=index)


def block_graph_summary(graph: BlockGraph, lang: str = "en", selected: int | None = None) -> str:
    """The block's graph: layers, connections, what every layer and the chosen node receive."""
    n = graph.shown_layers
    chosen = ""
    if selected is not None and 0 < selected < len(graph.nodes):
        chosen = t("chart.graph_selected", lang, node=_node_name(graph, selected, lang),
                   width=graph.input_width(selected), sources=len(graph.incoming(selected)))
    return t("chart.graph", lang, b=graph.block, n=n, edges=len(graph.dense_edges), c0=graph.in_channels,
             k=graph.growth_rate, last=graph.input_width(n), selected=_clause(chosen, lang))


def resnet_summary(width: int, n_layers: int, lang: str = "en") -> str:
    """The ResNet-style contrast block (drawn with at most 24 layers, as ``make_resnet_block_figure``)."""
    return t("chart.resnet", lang, n=min(n_layers, 24), width=width)


def width_contrast_summary(graph: BlockGraph, lang: str = "en") -> str:
    """Input width per layer: DenseNet's growth against a ResNet-style sum's constant width."""
    n = graph.shown_layers
    return t("chart.width", lang, n=n, first=graph.input_width(1), last=graph.input_width(n), k=graph.growth_rate,
             c0=graph.in_channels)


def composition_summary(graph: BlockGraph, lang: str = "en", selected: int | None = None) -> str:
    """What a layer's input is made of, for the chosen layer (else the last one drawn)."""
    layer = selected if selected is not None and 1 <= selected <= graph.shown_layers else graph.shown_layers
    return t("chart.composition", lang, c0=graph.in_channels, k=graph.growth_rate, layer=layer, m=layer - 1,
             total=graph.input_width(layer))


def reuse_summary(matrix: ReuseMatrix, title: str, lang: str = "en") -> str:
    """A feature-reuse heat map: its weakest and strongest links, the average link and how many are strong."""
    cells = [(v, s, j) for s, row in enumerate(matrix.values) for j, v in enumerate(row) if v is not None]

    def link(source: int, target: int) -> str:
        src = t("concat.node_input", lang) if source == 0 else t("concat.node_layer", lang, i=source)
        dst = t("concat.node_layer", lang, i=target + 1) if target < matrix.n_layers else \
            t(f"concat.target_{matrix.last_target}", lang)
        return f"{src} → {dst}"

    lo, hi = min(cells, key=lambda c: c[0]), max(cells, key=lambda c: c[0])
    mean = sum(c[0] for c in cells) / len(cells)
    return t("chart.reuse", lang, title=title, lo=f"{lo[0]:.2f}", lo_link=link(*lo[1:]), hi=f"{hi[0]:.2f}",
             hi_link=link(*hi[1:]), mean=f"{mean:.2f}", strong=sum(c[0] >= 0.5 for c in cells), cells=len(cells))


# --------------------------------------------------------------------------------- Follow a flower
def stage_overview_summary(stages: Sequence[WalkStage], current: int, lang: str = "en") -> str:
    """The route through the stages: where the reader is and the channels (or vector length) at each."""
    from .plots.teaching import stage_label as walk_label

    here = stages[current]
    route = " → ".join(f"{walk_label(s, lang)} {s.shape[1]}" for s in stages)
    return t("chart.overview", lang, i=current + 1, n=len(stages), stage=walk_label(here, lang),
             shape="×".join(map(str, here.shape)), route=route)


def feature_grid_summary(maps: FeatureMaps, total: int, lang: str = "en", newest: dict | None = None) -> str:
    """A grid of feature maps: how many of the stage's ``total`` channels, which, their size, and where the
    grid as a whole is brightest. ``newest``: the block stage's numbers, when the grid is its last layer's."""
    norm = maps.normalised()
    where = _where(norm.mean(axis=0), lang)
    h, w = maps.maps.shape[1:]
    channels = _join([f"#{c}" for c in maps.channels], lang)
    if newest is not None:
        return t("chart.grid_newest", lang, n=len(maps), k=newest["k"], layer=newest["n"], h=h, w=w,
                 channels=channels, where=where)
    return t("chart.grid_active", lang, n=len(maps), c=total, h=h, w=w, channels=channels, where=where)


def feature_maps_table(maps: FeatureMaps, lang: str = "en") -> list[dict]:
    """One row per map of a feature grid: channel, where it comes from, size, range, mean, brightest region
    (a table of every pixel would tell a reader nothing)."""
    rows = []
    for i, channel in enumerate(maps.channels):
        m = maps.maps[i]
        row = {t("chart.col_channel", lang): f"#{channel}"}
        if maps.origins:
            o = maps.origins[i]
            row[t("chart.col_origin", lang)] = t("walk.origin_input", lang) if o == 0 else \
                t("walk.origin_layer", lang, i=o)
        lo = float(m.min())
        row.update({
            t("chart.col_size", lang): f"{m.shape[0]}×{m.shape[1]}",
            t("chart.col_min", lang): rounded(lo), t("chart.col_max", lang): rounded(m.max()),
            t("chart.col_mean", lang): rounded(m.mean()),
            t("chart.col_where", lang): _where(m - lo, lang),
        })
        rows.append(row)
    return rows


def top_entries_summary(vector: np.ndarray, n: int = 20, lang: str = "en") -> str:
    """The pooled vector's largest entries: the top two and the last one drawn."""
    from .walkthrough import top_entries

    idx, values = top_entries(vector, n)
    fmt = "{:.3g}".format
    return t("chart.top_entries", lang, n=len(idx), c=len(vector), i1=int(idx[0]), v1=fmt(values[0]),
             i2=int(idx[min(1, len(idx) - 1)]), v2=fmt(values[min(1, len(idx) - 1)]), ilast=int(idx[-1]),
             vlast=fmt(values[-1]))


def class_bar_summary(values, class_names: Sequence[str], lang: str = "en", percent: bool = False) -> str:
    """One bar per class: logits or probabilities, largest first."""
    values = np.asarray(values, dtype=float)
    if percent:
        return t("chart.probs", lang, ranked=_ranked(class_names, values, lang, _percent))
    best = _class(class_names[int(np.argmax(values))], lang)
    return t("chart.logits", lang, ranked=_ranked(class_names, values, lang, "{:.2f}".format), best=best)


# --------------------------------------------------------------------------------------- Why DenseNet
def gradient_flow_summary(flow: GradientFlow, lang: str = "en", kind: str = "outputs") -> str:
    """Each architecture's gradient norm at the first and the last layer."""
    items = [t("chart.grad_item", lang, arch=t(f"why.arch_{arch}", lang), first=f"{norms[0]:.2e}",
               last=f"{norms[-1]:.2e}") for arch, norms in flow.series(kind).items()]
    return t("chart.grad", lang, what=t(f"why.grad_kind_{kind}", lang), depth=flow.depth, items=_join(items, lang))


def efficiency_summary(models: Sequence[ReferenceModel], ours: OurPoint, lang: str = "en") -> str:
    """The published models' top-1 range and your DenseNet's size and cost."""
    lo, hi = min(models, key=lambda m: m.top1), max(models, key=lambda m: m.top1)
    top1 = t("chart.eff_top1", lang, top1=f"{ours.top1:.2f}") if ours.top1 is not None else \
        t("chart.eff_unknown", lang)
    return t("chart.eff", lang, n=len(models), lo=f"{lo.top1:.2f}", lo_name=lo.name, lo_params=format_count(lo.params),
             hi=f"{hi.top1:.2f}", hi_name=hi.name, hi_params=format_count(hi.params), params=format_count(ours.params),
             gmacs=f"{ours.gmacs:.3g}", top1=top1)


def memory_summary(curve: Sequence[MemoryPoint], measured: MeasuredMemory | None, current_depth: int,
                   batch_size: int, input_size: int, lang: str = "en") -> str:
    """Activation memory against depth: this depth's naive and shared cost, how both grow, measurements."""
    here = min(curve, key=lambda p: abs(p.depth - current_depth))
    first, last = curve[0], curve[-1]
    done = t("chart.mem_measured", lang, n=len(measured.points)) if measured is not None and measured.points else ""
    return t("chart.mem", lang, batch=batch_size, size=input_size, depth=here.depth,
             naive=format_bytes(here.naive_bytes), shared=format_bytes(here.shared_bytes),
             ratio=f"{here.naive_bytes / here.shared_bytes:.2f}", d0=first.depth, d1=last.depth,
             grow_naive=f"{last.naive_bytes / first.naive_bytes:.3g}",
             grow_shared=f"{last.shared_bytes / first.shared_bytes:.3g}", measured=_clause(done, lang))


# ------------------------------------------------------------------------------------- Train it live
def live_chart_summary(runs: Sequence, lang: str = "en", chance: float | None = None) -> str:
    """Each run's latest epoch, training loss and validation accuracy, and the chance level."""
    items = []
    for run, name in zip(runs, short_run_names(list(runs), lang), strict=True):
        points = list(run.points)
        if not points:
            items.append(t("chart.live_waiting", lang, name=name))
            continue
        vals = [p.val_acc for p in points if p.val_acc is not None]
        val = _percent(vals[-1]) if vals else "—"
        items.append(t("chart.live_item", lang, name=name, epoch=f"{points[-1].epoch:.2f}", epochs=run.epochs,
                       loss=f"{points[-1].train_loss:.3f}", val=val))
    rest = t("chart.live_chance", lang, chance=_percent(chance)) if chance is not None else ""
    return t("chart.live", lang, items=t("chart.sep_clause", lang).join(items), chance=_clause(rest, lang))


def live_table(runs: Sequence, lang: str = "en") -> list[dict]:
    """The live curves at every epoch's end (where validation accuracy is measured) and at the latest step."""
    cols = [t(k, lang) for k in ("chart.col_run", "live.epoch", "chart.col_train_loss", "chart.col_train_acc",
                                 "chart.col_val_acc")]
    rows = []
    for run, name in zip(runs, short_run_names(list(runs), lang), strict=True):
        points = list(run.points)
        shown = [p for p in points if p.val_acc is not None]
        if points and (not shown or shown[-1] is not points[-1]):
            shown.append(points[-1])
        rows += [dict(zip(cols, (name, rounded(p.epoch), rounded(p.train_loss), rounded(p.train_acc),
                                 rounded(p.val_acc)), strict=True)) for p in shown]
    return rows


# ------------------------------------------------------------------------------------------- Explain
def top5_summary(top5: Sequence[tuple[str, float]], lang: str = "en", threshold: float | None = None) -> str:
    """The top classes with their probabilities, and where the "none of these" rule starts."""
    names, probs = [n for n, _ in top5], [float(p) for _, p in top5]
    rule = t("chart.top5_rule", lang, threshold=f"{threshold:.0%}") if threshold is not None else ""
    return t("chart.top5", lang, n=len(top5), ranked=_ranked(names, probs, lang, _percent), rule=_clause(rule, lang))


def cam_strip_summary(maps: dict[str, np.ndarray], cls: str, lang: str = "en") -> str:
    """The Grad-CAM strip: each depth's map size and the region holding most of its weight."""
    from .plots.explain import layer_label

    items = [t("chart.cam_item", lang, layer=layer_label(name, lang).split(" · ")[0], h=m.shape[0], w=m.shape[1],
               where=_where(m, lang)) for name, m in maps.items()]
    return t("chart.cam_strip", lang, cls=_class(cls, lang), n=len(items), items=_join(items, lang))


def deletion_summary(curve: DeletionCurve, random_curve: DeletionCurve, cls: str, lang: str = "en") -> str:
    """The deletion curves: the class probability at the start and half-way, and both areas."""
    half = int(np.argmin([abs(f - 0.5) for f in curve.fractions]))
    return t("chart.deletion", lang, cls=_class(cls, lang), p0=_percent(curve.probs[0]),
             p_half=_percent(curve.probs[half]), half=f"{curve.fractions[half]:.0%}", auc=f"{curve.auc:.3f}",
             rand=f"{random_curve.auc:.3f}")


def occlusion_summary(side: int, square: Square | None, lang: str = "en") -> str:
    """The clickable photo: its size, and where the grey square is (or how to place one)."""
    if square is None:
        return t("chart.occ_none", lang, side=side)
    return t("chart.occ_square", lang, side=side, size=square.size, cx=square.cx, cy=square.cy)


def probability_change_summary(class_names: Sequence[str], before, after, lang: str = "en") -> str:
    """Before and after covering: the classes whose probability changed most."""
    before, after = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    order = np.argsort(-np.abs(after - before), kind="stable")[:3]
    items = [f"{_class(class_names[i], lang)} {_percent(before[i])} → {_percent(after[i])}" for i in order]
    return t("chart.occ_change", lang, items=_join(items, lang))


def confusion_summary(confusion, classes: Sequence[str], lang: str = "en") -> str:
    """The confusion matrix: photos on the diagonal, and the most common mistake."""
    from .mistakes import top_confusions

    counts = np.asarray(confusion, dtype=int)
    worst = top_confusions(counts, classes, k=1)
    mistake = t("chart.confusion_worst", lang, true=_class(worst[0][0], lang), pred=_class(worst[0][1], lang),
                count=worst[0][2]) if worst else ""
    return t("chart.confusion", lang, correct=int(np.trace(counts)), n=int(counts.sum()),
             mistake=_clause(mistake, lang))
