"""Projector copies of every figure: all text at least 16 px, set where Streamlit's theme would otherwise win,
margins and heights grown, the cached original untouched; and the ``present`` URL value's validation."""

import inspect
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from densenet_viz.config import MAX_INPUT_CHARS, PRESETS, ConfigError, DenseNetConfig
from densenet_viz.efficiency import OurPoint, ReferenceModel
from densenet_viz.errors import user_message
from densenet_viz.explain import DeletionCurve
from densenet_viz.gradient_flow import GradientFlow
from densenet_viz.graph import ReuseMatrix, dense_block_graph
from densenet_viz.memory import MeasuredMemory, MemoryPoint
from densenet_viz.plan import plan_network
from densenet_viz.plots import channels, explain, graph, teaching
from densenet_viz.plots.present import MIN_PX, axis_keys, font_sizes, for_projector
from densenet_viz.train.live import LivePoint
from densenet_viz.walkthrough import FeatureMaps, WalkStage

TINY = DenseNetConfig(growth_rate=4, block_config=(3, 5), num_init_features=6, bn_size=2, num_classes=3,
                      stem="cifar", input_size=16)
MODULES = (channels, explain, graph, teaching)


def _graph():
    return dense_block_graph(16, 4, 6)


def _reuse():
    n = 3
    values = tuple(tuple(None if s > j else (s + j) / 8 for j in range(n + 1)) for s in range(n + 1))
    return ReuseMatrix(1, n, "transition", values, values, "column")


def _maps(n=8):
    return FeatureMaps(tuple(range(n)), np.random.default_rng(0).random((n, 7, 7)).astype(np.float32))


def _stages():
    return tuple(WalkStage(kind, "", i, (1, c, 8, 8), (1, c, 8, 8))
                 for i, (kind, c) in enumerate((("stem", 16), ("block", 40), ("transition", 20), ("norm", 20))))


def _flow():
    rng = np.random.default_rng(0)
    norms = {a: rng.random(12) + 1e-3 for a in ("dense", "plain", "residual")}
    return GradientFlow(norms, norms, {a: 1000 for a in norms}, 12, 8, 4, 16, False, "default", "cpu", 0.5)


def _reference():
    return [ReferenceModel("densenet121", "DenseNet", 7_978_856, 7_978_856, 2.83, 74.434),
            ReferenceModel("resnet18", "ResNet", 11_689_512, 11_689_512, 1.81, 69.758),
            ReferenceModel("vgg16", "VGG", 138_357_544, 138_357_544, 15.47, 71.592)]


def _memory():
    return [MemoryPoint(d, (d,), d * 1000, d * 400, d * 10**6) for d in (10, 20, 40)]


def _runs():
    points = [LivePoint(i, i / 2, float(i), 1.5 - i / 10, 0.2 + i / 20, 0.3 if i % 2 else None) for i in range(1, 5)]
    return [SimpleNamespace(config=TINY, seed=0, points=points),
            SimpleNamespace(config=TINY.replace(growth_rate=8), seed=0, points=points)]


CURVE = DeletionCurve((0.0, 0.5, 1.0), (0.9, 0.4, 0.1), 0.4)
FACTORIES = {  # every figure factory in plots/, with small inputs
    "channels.make_growth_figure": lambda: channels.make_growth_figure(PRESETS["densenet121"], "en", ks=(12, 32)),
    "channels.make_flow_figure": lambda: channels.make_flow_figure(plan_network(PRESETS["densenet121"]), "zh"),
    "channels.make_flow_memory_figure": lambda: channels.make_flow_memory_figure(plan_network(TINY), 2, "float16"),
    "explain.make_top5_figure": lambda: explain.make_top5_figure(
        [("daisy", 0.7), ("roses", 0.2), ("tulips", 0.1)], "en", highlight="daisy", threshold=0.64),
    "explain.make_cam_strip_figure": lambda: explain.make_cam_strip_figure(
        {"features.denseblock1": np.ones((8, 8)), "features.denseblock2": np.eye(4)}, "zh"),
    "explain.make_deletion_figure": lambda: explain.make_deletion_figure(CURVE, CURVE, "daisy", "en"),
    "explain.make_occlusion_figure": lambda: explain.make_occlusion_figure(
        np.zeros((32, 32, 3), np.uint8), None, 8, "en"),
    "explain.make_probability_change_figure": lambda: explain.make_probability_change_figure(
        ("a", "b"), [0.6, 0.4], [0.3, 0.7], "zh"),
    "explain.make_confusion_figure": lambda: explain.make_confusion_figure(
        [[5, 1], [2, 7]], ("daisy", "roses"), "en"),
    "graph.make_block_graph_figure": lambda: graph.make_block_graph_figure(_graph(), "en", selected=4),
    "graph.make_composition_figure": lambda: graph.make_composition_figure(_graph(), "zh", selected=3),
    "graph.make_resnet_block_figure": lambda: graph.make_resnet_block_figure(16, 6, "en"),
    "graph.make_width_contrast_figure": lambda: graph.make_width_contrast_figure(_graph(), "en"),
    "graph.make_reuse_heatmap": lambda: graph.make_reuse_heatmap(_reuse(), "en", "trained"),
    "teaching.make_feature_grid_figure": lambda: teaching.make_feature_grid_figure(_maps(), "en", cols=3),
    "teaching.make_top_entries_figure": lambda: teaching.make_top_entries_figure(
        np.arange(30.0), 20, "zh"),
    "teaching.make_class_bar_figure": lambda: teaching.make_class_bar_figure(
        np.array([0.2, 0.7, 0.1]), ("a", "b", "c"), "en", percent=True),
    "teaching.make_stage_overview_figure": lambda: teaching.make_stage_overview_figure(_stages(), 1),
    "teaching.make_gradient_flow_figure": lambda: teaching.make_gradient_flow_figure(_flow(), "en"),
    "teaching.make_efficiency_figure": lambda: teaching.make_efficiency_figure(
        _reference(), OurPoint(7_978_856, 2.83, 74.434, "DenseNet-121", 224), "zh"),
    "teaching.make_memory_figure": lambda: teaching.make_memory_figure(
        _memory(), MeasuredMemory("saved_tensors", "cpu", (), 0, 0.1), 20, 2, 32, "en"),
    "teaching.make_live_figure": lambda: teaching.make_live_figure(_runs(), "en", chance=1 / 3),
}


def _font(owner, *path):
    """The size at ``owner[path...]["size"]``, or None where the figure leaves it to the theme."""
    for key in path:
        owner = owner.get(key) if isinstance(owner, dict) else None
    size = owner.get("size") if isinstance(owner, dict) else None
    return size if isinstance(size, (int, float)) else None


def small_text(spec: dict, min_px: float = MIN_PX) -> list[str]:
    """Every text of a figure's JSON that may be drawn below ``min_px``: an explicit size below it, or no size
    where Streamlit's theme sets one of 12–14 px (tick labels, axis and colour-bar titles, legend, hover label)
    or where the text inherits the base font (title, annotations, trace labels)."""
    layout = spec.get("layout", {})
    problems = [f"{path} = {px}" for path, px in font_sizes(spec) if px < min_px]
    required = {"font": ("font",), "hoverlabel": ("hoverlabel", "font"), "legend": ("legend", "font"),
                "title": ("title", "font")}
    for axis in axis_keys(spec):
        required[f"{axis} ticks"] = (axis, "tickfont")
        required[f"{axis} title"] = (axis, "title", "font")
    for i, _ in enumerate(layout.get("annotations", ())):
        required[f"annotation {i}"] = ("annotations", i, "font")
    for name, path in required.items():
        owner = layout
        for key in path[:-1]:
            owner = owner[key] if isinstance(key, int) else (owner.get(key) if isinstance(owner, dict) else None)
        if (_font(owner, path[-1]) or 0) < min_px:
            problems.append(f"{name}: not set to at least {min_px}")
    for i, trace in enumerate(spec.get("data", [])):
        if trace.get("text") is not None and (_font(trace, "textfont") or 0) < min_px:
            problems.append(f"trace {i} text")
        if trace.get("type") == "heatmap" and trace.get("showscale", True):
            if (_font(trace, "colorbar", "tickfont") or 0) < min_px:
                problems.append(f"trace {i} colour bar")
    for name, owner in layout.items():
        if name.startswith("coloraxis") and (_font(owner, "colorbar", "tickfont") or 0) < min_px:
            problems.append(f"{name} colour bar")
    return problems


def test_every_figure_factory_is_checked():
    found = {f"{m.__name__.rsplit('.', 1)[-1]}.{name}" for m in MODULES
             for name, f in inspect.getmembers(m, inspect.isfunction)
             if name.startswith("make_") and f.__module__ == m.__name__}
    assert found == set(FACTORIES), "add the new figure factory to FACTORIES"


@pytest.mark.parametrize("name", list(FACTORIES))
def test_projector_copy_has_no_small_text_and_room_for_it(name):
    fig = FACTORIES[name]()
    before = fig.to_json()
    assert small_text(fig.to_dict()), "the check must be able to fail: the original has small or unset text"
    big = for_projector(fig)
    assert fig.to_json() == before  # the (cached, shared) original is untouched
    spec = big.to_dict()
    assert small_text(spec) == []
    assert all(px >= MIN_PX for _, px in font_sizes(spec))
    layout, original = spec["layout"], fig.to_dict()["layout"]
    assert layout["uniformtext"] == {"minsize": MIN_PX, "mode": "hide"}  # bar labels are hidden, never shrunk
    assert layout["height"] > (original.get("height") or 0) * 1.2  # 16 / 12 px: a third taller
    for side, px in (original.get("margin") or {}).items():
        if side in "tblr":
            assert layout["margin"][side] >= px and (px == 0 or layout["margin"][side] > px)
    assert all(layout[a]["automargin"] is True for a in axis_keys(spec))
    assert [tr["type"] for tr in spec["data"]] == [tr["type"] for tr in fig.to_dict()["data"]]  # same content


def test_pictures_grow_twice_and_explicit_sizes_only_grow():
    fig = teaching.make_feature_grid_figure(_maps(6), "en", cols=3)
    assert fig.layout.annotations[0].font.size == 11  # the factory's own small subplot titles
    big = for_projector(fig, height_scale=2)
    assert big.layout.height == 2 * fig.layout.height
    assert {a.font.size for a in big.layout.annotations} == {MIN_PX}
    assert for_projector(fig, min_px=20).layout.annotations[0].font.size == 20
    titled = teaching.make_class_bar_figure(np.array([1.0, 2.0]), ("a", "b"), "en")
    assert for_projector(titled).layout.title.font.size > MIN_PX  # titles stay larger than the rest
    strip = explain.make_cam_strip_figure({"features.denseblock1": np.ones((4, 4))}, "en")
    assert strip.layout.annotations[0].font.size == 16  # plotly's subplot titles: already big enough, kept
    assert for_projector(strip, min_px=12).layout.annotations[0].font.size == 16


def test_growth_figure_controls_and_frames_are_scaled_too():
    fig = channels.make_growth_figure(PRESETS["densenet121"], "en", ks=(12, 32))
    big = for_projector(fig)
    assert big.layout.sliders[0].font.size >= MIN_PX and big.layout.updatemenus[0].font.size >= MIN_PX
    assert big.layout.sliders[0].currentvalue.font.size >= MIN_PX
    assert len(big.frames) == len(fig.frames) and [s.label for s in big.layout.sliders[0].steps] == ["12", "32"]


@pytest.mark.parametrize("raw, on", [("1", True), ("0", False), ("true", True), ("FALSE", False), (" 1 ", True),
                                     (None, False)])
def test_present_url_values(raw, on):
    from densenet_viz.ui.present import url_value

    assert url_value(raw) == (on, None)


@pytest.mark.parametrize("raw, needle_en, needle_zh", [
    ("yes", "is not on/off (1/0)", "不是开/关"),
    ("<b>2</b>", "is not on/off (1/0)", "不是开/关"),
    ("1" * (MAX_INPUT_CHARS + 1), f"at most {MAX_INPUT_CHARS} are allowed", f"最多允许 {MAX_INPUT_CHARS} 个"),
])
def test_bad_present_values_are_refused_with_a_reason(raw, needle_en, needle_zh):
    from densenet_viz.ui.present import url_value

    on, problem = url_value(raw)
    assert on is False and isinstance(problem, ConfigError)
    assert needle_en in user_message(problem, "en") and "Projector mode" in user_message(problem, "en")
    assert needle_zh in user_message(problem, "zh") and "投影模式" in user_message(problem, "zh")
    assert "<b>" not in user_message(problem, "en")  # echoed as plain text


def test_every_chart_of_the_app_goes_through_show_chart():
    root = Path(__file__).resolve().parents[2]
    sources = [*sorted((root / "densenet_viz" / "ui").glob("*.py")), *sorted((root / "pages").glob("*.py")),
               root / "app.py"]
    direct = [p.name for p in sources if p.name != "present.py" and "plotly_chart(" in p.read_text()]
    assert len(sources) > 10 and direct == [], "draw charts with ui.present.show_chart (projector mode)"


def test_long_stage_labels_stand_upright_and_short_ones_stay():
    long_labels = for_projector(channels.make_flow_figure(plan_network(PRESETS["densenet121"])))
    assert long_labels.layout.xaxis.tickangle == -90 and long_labels.layout.xaxis2.tickangle == -90
    short = go_bar(["a", "b", "c"])
    assert for_projector(short).layout.xaxis.tickangle is None
    sideways = go_bar(["a long category name"] * 1 + [f"another long name {i}" for i in range(9)], horizontal=True)
    assert for_projector(sideways).layout.xaxis.tickangle is None  # categories on y: nothing to turn


def test_titles_hang_inside_the_chart_and_colour_bar_titles_stand_beside_the_bar():
    fig = for_projector(graph.make_reuse_heatmap(_reuse(), "en", title="Block 1"))
    assert fig.layout.title.yanchor == "top" and fig.layout.title.pad.t >= 0.3 * MIN_PX * 1.15
    assert fig.data[0].colorbar.title.side == "right"
    # plotly.js centres a multi-line title's lines on its anchor: each further line needs more padding above.
    one, two = (for_projector(graph.make_reuse_heatmap(_reuse(), "en", title=text)).layout.title.pad.t
                for text in ("Block 1", "Block 1<br>second line"))
    assert two >= one + 0.6 * MIN_PX * 1.15


def go_bar(categories: list[str], horizontal: bool = False):
    import plotly.graph_objects as go

    values = list(range(len(categories)))
    if horizontal:
        return go.Figure(go.Bar(x=values, y=categories, orientation="h"))
    return go.Figure(go.Bar(x=categories, y=values))
