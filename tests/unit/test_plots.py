"""Figures carry the plan's numbers (read back from fig.data / fig.layout), in both languages."""

import pytest

from densenet_viz import palette
from densenet_viz.config import PRESETS, DenseNetConfig
from densenet_viz.graph import dense_block_graph, feature_reuse
from densenet_viz.plan import (
    DTYPE_BYTES,
    LAYER_COLUMNS,
    layer_table,
    layer_table_csv,
    plan_metrics,
    plan_network,
    stages,
    transition_table,
)
from densenet_viz.plots.channels import (
    growth_series,
    make_flow_figure,
    make_flow_memory_figure,
    make_growth_figure,
)
from densenet_viz.plots.graph import (
    make_block_graph_figure,
    make_composition_figure,
    make_resnet_block_figure,
    make_reuse_heatmap,
    make_width_contrast_figure,
)

D121 = PRESETS["densenet121"]
TINY = DenseNetConfig(growth_rate=4, block_config=(3, 5), num_init_features=6, bn_size=2, num_classes=3,
                      stem="cifar", input_size=16)


def _widths(plan):
    return [r.in_channels for r in plan.rows if r.stage in ("dense_layer", "transition")]


def test_growth_series_grows_by_k_and_drops_by_theta():
    plan = plan_network(D121)
    s = growth_series(plan)
    assert list(s.channels) == _widths(plan)
    assert s.channels[:7] == (64, 96, 128, 160, 192, 224, 256)  # block 1 then transition 1 receives 256
    assert s.channels[7] == 128  # block 2's first layer: θ·256
    assert s.stages.count("transition") == 3 and len(s.x) == 58 + 3
    assert s.hw[0] == 56 and s.hw[-1] == 7


def test_growth_figure_slider_holds_the_plan_for_every_k():
    fig = make_growth_figure(D121, "en")
    assert list(fig.data[0].y) == _widths(plan_network(D121))
    assert list(fig.data[1].y) == list(growth_series(plan_network(D121)).hw)  # H×W on the second axis
    assert fig.data[1].yaxis == "y2"
    slider = fig.layout.sliders[0]
    assert [st.label for st in slider.steps] == [str(k) for k in range(1, 65)]
    assert slider.steps[slider.active].label == "32"
    for k in (1, 12, 40, 64):
        step = slider.steps[k - 1]
        assert step.method == "update" and list(step.args[2]) == [0]  # restyles trace 0 only, in the browser
        plan_k = plan_network(D121.replace(growth_rate=k))
        assert list(step.args[0]["y"][0]) == _widths(plan_k)
        assert f"k = {k}" in step.args[1]["title.text"]
    assert "7.98M" in fig.layout.title.text and "1024" in fig.layout.title.text


def test_growth_figure_without_in_browser_controls_is_light():
    fig = make_growth_figure(D121, "en", in_browser=False)
    assert list(fig.data[0].y) == _widths(plan_network(D121))
    assert not fig.layout.sliders and not fig.frames and not fig.layout.updatemenus
    assert "7.98M" in fig.layout.title.text and len(fig.layout.annotations) == 4
    heavy = make_growth_figure(D121, "en")
    assert len(heavy.to_json()) > 2.5 * len(fig.to_json())  # what every sidebar change would ship and parse


def test_growth_figure_hover_is_one_template_with_per_point_notes():
    fig = make_growth_figure(D121, "en", in_browser=False)
    trace = fig.data[0]
    assert isinstance(trace.hovertemplate, str)  # one template: a per-point array slows every redraw
    stages = growth_series(plan_network(D121)).stages
    for (name, _hw, compressed, pooled), stage in zip(trace.customdata, stages, strict=True):
        assert bool(compressed) == bool(pooled) == (stage == "transition"), name
    assert list(trace.customdata[6]) == ["features.transition1", 56, " (compressed by θ here)", ", pooled to half"]
    assert not fig.layout.showlegend  # the axis titles name the curves
    assert make_growth_figure(D121, "en", compare=D121.replace(growth_rate=12), in_browser=False).layout.showlegend


def test_growth_figure_margins_are_fixed():
    # Streamlit's theme turns on automargin; with it, plotly.js measured the tick labels after each draw and
    # drew again when k changed their width (about 15 ms of every slider press, bench.slider_latency).
    layout = make_growth_figure(D121, "en", in_browser=False).layout
    assert layout.xaxis.automargin is False and layout.yaxis.automargin is False
    assert layout.yaxis2.automargin is False
    assert layout.margin.l >= 80  # tick labels such as "1000" or "8k" plus the axis title


def test_growth_figure_blocks_annotations_and_play_frames():
    fig = make_growth_figure(D121, "en")
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(rects) == 4 and len(lines) == 3
    assert [a.text for a in fig.layout.annotations] == [f"Block {b} · {h}×{h}" for b, h in
                                                      ((1, 56), (2, 28), (3, 14), (4, 7))]
    # Play: frames grow the x range layer by layer; the last frame shows every point.
    lengths = [len(f.data[0].x) for f in fig.frames]
    assert lengths == list(range(1, 62))
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    deep = DenseNetConfig(growth_rate=8, block_config=(128, 128, 128), input_size=512)
    frames = make_growth_figure(deep, "en", ks=(8,)).frames
    assert len(frames) <= 121 and len(frames[-1].data[0].x) == 128 * 3 + 2


def test_growth_figure_overlay_and_chinese():
    other = D121.replace(growth_rate=12, compression=0.75)
    fig = make_growth_figure(D121, "zh", compare=other)
    assert len(fig.data) == 3
    assert list(fig.data[2].y) == _widths(plan_network(other))
    assert "k = 12" in fig.data[2].name and "0.75" in fig.data[2].name
    assert "通道" in fig.layout.yaxis.title.text and "第 1 块" in fig.layout.annotations[0].text
    assert make_growth_figure(D121, "en").layout.yaxis.title.text != fig.layout.yaxis.title.text


def test_metrics():
    plan, other = plan_network(D121), plan_network(D121.replace(growth_rate=12))
    m = plan_metrics(plan, 8, "float16")
    assert m == {"params": plan.params, "macs": plan.macs, "depth": 121,
                 "act_naive": plan.activation_bytes(8, "float16", "naive"),
                 "act_shared": plan.activation_bytes(8, "float16", "shared")}
    assert m["act_shared"] < m["act_naive"]
    assert plan_metrics(other, 8, "float16")["act_naive"] < m["act_naive"]  # k = 12 keeps fewer maps


def test_layer_table_and_csv():
    plan = plan_network(TINY)
    rows = layer_table(plan)
    assert len(rows) == len(plan.rows) and tuple(rows[0]) == LAYER_COLUMNS
    csv = layer_table_csv(plan).splitlines()
    assert csv[0] == ",".join(LAYER_COLUMNS) and len(csv) == len(plan.rows) + 1
    r = plan.rows[1]  # row 0 is the stem
    assert csv[2].split(",") == [str(getattr(r, c)) for c in LAYER_COLUMNS]


def _segments(trace) -> int:
    return sum(1 for v in trace.x if v is None)


def test_block_graph_figure_highlights_the_selected_layer():
    g = dense_block_graph(in_channels=64, growth_rate=32, n_layers=6)
    fig = make_block_graph_figure(g, "en", selected=4)
    base, hover, highlight, nodes = fig.data
    assert _segments(highlight) == 4  # layer 4 receives from the input and layers 1-3
    assert _segments(base) + _segments(highlight) == len(g.edges) == 21 + 7
    assert len(hover.hovertext) == len(g.edges)
    assert "Block input → Layer 4: 64 channels" in hover.hovertext
    assert "Layer 2 → Layer 4: 32 channels" in hover.hovertext
    colors = list(nodes.marker.color)
    assert colors[4] != colors[5] and colors[0] == colors[1] == colors[3]  # sources share a colour
    symbols = list(nodes.marker.symbol)  # and a shape, not colour alone
    assert symbols[4] == "diamond" and symbols[0] == symbols[3] == "square" and symbols[5] == "circle"
    assert "160" in nodes.hovertext[4]  # layer 4 receives 64 + 3·32
    zh = make_block_graph_figure(g, "zh", selected=4)
    assert "块输入 → 第 4 层：64 个通道" in zh.data[1].hovertext


def test_composition_sums_to_each_layers_input():
    g = dense_block_graph(in_channels=10, growth_rate=3, n_layers=5)
    fig = make_composition_figure(g, "en")
    assert len(fig.data) == 5  # the block input plus layers 1..4 (layer 5 feeds no later layer here)
    totals = [sum(trace.y[i] for trace in fig.data) for i in range(5)]
    assert totals == [g.input_width(ell) for ell in range(1, 6)] == [10, 13, 16, 19, 22]
    assert list(fig.data[0].y) == [10] * 5 and list(fig.data[2].y) == [0, 0, 3, 3, 3]


def test_resnet_contrast_keeps_width_constant():
    g = dense_block_graph(in_channels=10, growth_rate=3, n_layers=5)
    fig = make_resnet_block_figure(10, 5, "en")
    assert all(": 10 channels" in h for h in fig.data[2].hovertext) and len(fig.data[2].x) == 6
    w = make_width_contrast_figure(g, "en")
    assert list(w.data[0].y) == [10, 13, 16, 19, 22] and list(w.data[1].y) == [10] * 5


def test_reuse_heatmap_shows_the_matrix():
    from densenet_viz.model import build_densenet

    m = feature_reuse(build_densenet(TINY, device="cpu"), 1)
    fig = make_reuse_heatmap(m, "en", "title")
    z = fig.data[0].z
    assert [list(r) for r in z] == [list(r) for r in m.values]
    assert list(fig.data[0].x) == ["1", "2", "3", "transition"]
    assert list(fig.data[0].y) == ["in", "1", "2", "3"]
    assert make_reuse_heatmap(m, "zh").data[0].x[-1] == "过渡层"


def test_flow_figure_runs_through_the_network():
    plan = plan_network(D121)
    fig = make_flow_figure(plan, "en")
    assert list(fig.data[0].x) == ["Stem", "Block 1", "Transition 1", "Block 2", "Transition 2", "Block 3",
                                   "Transition 3", "Block 4", "Final norm", "Classifier"]
    assert list(fig.data[0].y) == [64, 256, 128, 512, 256, 1024, 512, 1024, 1024, 1000]
    assert list(fig.data[1].y) == [56, 56, 28, 28, 14, 14, 7, 7, 7, 1]
    theta = plan_network(D121.replace(compression=0.25, growth_rate=12))
    assert [s.channels for s in stages(theta)][:3] == [64, 64 + 6 * 12, (64 + 6 * 12) // 4]
    assert list(make_flow_figure(theta, "en").data[0].y)[:3] == [64, 136, 34]
    assert "θ = 0.25" in make_flow_figure(theta, "en").layout.title.text
    assert "过渡层 1" in make_flow_figure(plan, "zh").data[0].x


def test_flow_memory_and_transition_table():
    plan = plan_network(D121)
    fig = make_flow_memory_figure(plan, 4, "float16", "en")
    elems = [s.elements for s in stages(plan)]
    assert list(fig.data[0].customdata) == elems
    assert list(fig.data[0].y) == pytest.approx([e * 4 * DTYPE_BYTES["float16"] / 2**20 for e in elems])
    rows = transition_table(plan, 2, "float32")
    assert [(r["channels_before"], r["channels_after"], r["hw_before"], r["hw_after"]) for r in rows] == [
        (256, 128, 56, 28), (512, 256, 28, 14), (1024, 512, 14, 7)]
    assert rows[0]["elements_before"] == 256 * 56 * 56 and rows[0]["bytes_after"] == 128 * 28 * 28 * 2 * 4
    assert transition_table(plan_network(D121.replace(block_config=(6,), input_size=64))) == []


def test_explain_figures_show_chinese_class_names_in_zh():
    from densenet_viz.plots.explain import make_confusion_figure, make_top5_figure

    top5 = make_top5_figure([("roses", 0.7), ("daisy", 0.2)], lang="zh", highlight="roses")
    assert list(top5.data[0].y) == ["雏菊", "玫瑰"]
    assert top5.data[0].marker.color[1] == palette.DENSE_BLOCK  # highlight still matches the English name
    confusion = make_confusion_figure([[3, 1], [0, 4]], ["tulips", "sunflowers"], lang="zh")
    assert list(confusion.data[0].x) == ["郁金香", "向日葵"]
    assert list(make_top5_figure([("roses", 0.7)], lang="en").data[0].y) == ["roses"]


def test_cam_strip_is_two_by_two_with_its_colour_bar_below():
    import numpy as np

    from densenet_viz.plots.explain import make_cam_strip_figure

    sides = (56, 28, 14, 7)
    fig = make_cam_strip_figure({f"features.denseblock{b}": np.ones((s, s)) for b, s in enumerate(sides, 1)}, "en")
    heat = [tr for tr in fig.data if tr.type == "heatmap"]
    assert [tr.name for tr in heat] == [f"features.denseblock{b}" for b in range(1, 5)]
    x = [fig.layout[f"xaxis{'' if i == 1 else i}"].domain for i in range(1, 5)]
    y = [fig.layout[f"yaxis{'' if i == 1 else i}"].domain for i in range(1, 5)]
    # Two maps a row, each about half the width (wide enough on a phone), the rows one above the other.
    assert x[0] == x[2] and x[1] == x[3] and x[0][1] < x[1][0] and x[0][1] - x[0][0] > 0.45
    assert y[0] == y[1] and y[2] == y[3] and y[2][1] < y[0][0]
    assert [tr.showscale for tr in heat] == [False, False, False, True] and heat[3].colorbar.orientation == "h"
    assert [a.text for a in fig.layout.annotations][:2] == ["Block 1 output<br>56×56", "Block 2 output<br>28×28"]
    row = make_cam_strip_figure({"features.denseblock1": np.ones((4, 4))}, "en")
    assert row.layout.xaxis.domain[1] - row.layout.xaxis.domain[0] > 0.9  # one map: the whole width


def test_growth_figure_texts_fit_a_phone():
    fig = make_growth_figure(D121, "en", in_browser=False)
    # Neighbouring block labels on two rows: block 1 (6 layers) is narrower than its label on a phone.
    assert [a.yshift for a in fig.layout.annotations] == [0, 16, 0, 16]
    assert fig.layout.title.text == "k = 32: 7.98M parameters,<br>1024 channels before the classifier"
    assert fig.layout.xaxis.title.text == "Position in the network<br>(dense layers and transitions, in order)"
    # Below the plot, each in its own rows: ▶ Play, the slider across the whole width, the compared legend.
    heavy = make_growth_figure(D121, "en", compare=D121.replace(growth_rate=12))
    play, slider = heavy.layout.updatemenus[0], heavy.layout.sliders[0]
    assert play.pad.t < slider.pad.t and slider.x == 0 and slider.len == 1
    assert heavy.layout.legend.yref == "container" and heavy.layout.legend.y == 0
    assert heavy.layout.margin.b > fig.layout.margin.b + 100


def test_transition_figures_texts_fit_a_phone():
    plan = plan_network(D121)
    sizes = make_flow_figure(plan, "en").data[1].text
    assert list(sizes) == ["56×56", "", "28×28", "", "14×14", "", "7×7", "", "", "1×1"]  # where the size changes
    memory = make_flow_memory_figure(plan, 1, "float32", "en")
    assert list(memory.layout.xaxis.autotickangles) == [0, 90] and memory.layout.uniformtext.minsize >= 10
    assert memory.layout.title.text == "Size of the tensor leaving each stage,<br>batch 1, float32"
    assert memory.layout.margin.t > make_flow_memory_figure(plan, 1, "float32", "zh").layout.margin.t
