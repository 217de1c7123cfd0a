"""Chart summaries and data tables (issue 31): each sentence carries the numbers of the data the chart is drawn
from, in both languages, and each table holds the figure's data."""

import ast
import re
from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from densenet_viz import chart_text as ct
from densenet_viz.config import PRESETS, DenseNetConfig
from densenet_viz.efficiency import OurPoint, ReferenceModel
from densenet_viz.gradient_flow import GradientFlow
from densenet_viz.graph import ReuseMatrix, block_graph, dense_block_graph
from densenet_viz.i18n import EN, t
from densenet_viz.memory import MemoryPoint
from densenet_viz.plan import DTYPE_BYTES, format_bytes, plan_network, stages
from densenet_viz.plots.channels import growth_series, make_flow_figure, make_flow_memory_figure, make_growth_figure
from densenet_viz.plots.graph import (
    make_block_graph_figure,
    make_composition_figure,
    make_reuse_heatmap,
    make_width_contrast_figure,
)
from densenet_viz.plots.teaching import (
    make_class_bar_figure,
    make_efficiency_figure,
    make_gradient_flow_figure,
    make_live_figure,
    make_memory_figure,
)
from densenet_viz.train.live import LivePoint
from densenet_viz.walkthrough import FeatureMaps

from testkit import ROOT

D121 = PRESETS["densenet121"]
CONFIGS = [
    D121,
    D121.replace(growth_rate=12, compression=0.25),
    PRESETS["densenet169"],
    DenseNetConfig(growth_rate=4, block_config=(3, 5), num_init_features=6, bn_size=2, num_classes=3, stem="cifar",
                   input_size=16),
    D121.replace(block_config=(6,)),  # one block: no transition
]
HAN = re.compile(r"[\u4e00-\u9fff]")


def _column(rows, header):
    return [r[header] for r in rows]


# ---------------------------------------------------------------------------- the plan's charts
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"k{c.growth_rate}-{'-'.join(map(str, c.block_config))}")
def test_growth_summary_has_the_plans_numbers(config):
    plan = plan_network(config)
    text = ct.growth_summary(plan, "en")
    assert text.startswith(f"Channels grow by {config.growth_rate} per layer")
    for b in range(1, len(config.block_config) + 1):
        layers = [r for r in plan.dense_layers if r.block == b]
        assert f"from {layers[0].in_channels} to {layers[-1].out_channels} in block {b}" in text
    for r in plan.transitions:
        assert f"{r.in_channels} → {r.out_channels}" in text
    assert ("halves them" in text) == (bool(plan.transitions) and config.compression == 0.5)
    assert ("θ = 0.25" in text) == (config.compression == 0.25)
    assert "transition" in text if plan.transitions else "transition" not in text
    assert text.endswith(f"{plan.final_channels} channels reach the classifier.")
    zh = ct.growth_summary(plan, "zh")
    assert HAN.search(zh) and f"最终 {plan.final_channels} 个通道进入分类器" in zh
    assert re.findall(r"\d+", zh.replace("θ = 0.", "")) != []


def test_growth_summary_of_densenet121_reads_as_the_example():
    text = ct.growth_summary(plan_network(D121), "en", compare=plan_network(D121.replace(growth_rate=12)))
    assert text.startswith("Channels grow by 32 per layer in each dense block, from 64 to 256 in block 1, "
                           "from 128 to 512 in block 2")
    assert "each transition halves them (256 → 128, 512 → 256, 1024 → 512)" in text
    assert "1024 channels reach the classifier" in text
    assert f"k = 12 and θ = 0.5: {plan_network(D121.replace(growth_rate=12)).final_channels})" in text


@pytest.mark.parametrize("config", CONFIGS[:4])
def test_growth_table_is_the_figures_data(config):
    compare = config.replace(growth_rate=config.growth_rate + 4)
    fig = make_growth_figure(config, "en", compare, in_browser=True)
    rows = ct.figure_table(fig, "en")
    series = growth_series(plan_network(config))
    assert list(rows[0]) == [EN["arch.x_position"], EN["arch.trace_channels"], EN["arch.trace_hw"],
                             t("arch.trace_compare", k=compare.growth_rate, theta=f"{compare.compression:g}")]
    assert _column(rows, EN["arch.x_position"]) == list(series.x)
    assert _column(rows, EN["arch.trace_channels"]) == list(fig.data[0].y) == list(series.channels)
    assert _column(rows, EN["arch.trace_hw"]) == list(series.hw)
    assert list(rows[-1].values())[3] == list(fig.data[2].y)[-1]


@pytest.mark.parametrize("config", CONFIGS)
def test_flow_summary_and_table_follow_every_stage(config):
    plan = plan_network(config)
    text = ct.flow_summary(plan, "en")
    for s in stages(plan):
        if s.kind == "block":
            assert f"Block {s.number} widens them to {s.channels}" in text
        elif s.kind == "transition":
            assert f"Transition {s.number} cuts them to {s.channels} at {s.hw}×{s.hw}" in text
    assert text.endswith(f"the final {plan.final_channels} channels into {config.num_classes} class scores.")
    fig = make_flow_figure(plan, "zh")
    rows = ct.figure_table(fig, "zh", category=t("chart.col_stage", "zh"))
    assert list(rows[0]) == ["阶段", t("trans.channels_out", "zh"), t("trans.hw", "zh")]
    assert [list(r.values()) for r in rows] == [list(v) for v in zip(fig.data[0].x, fig.data[0].y, fig.data[1].y)]
    assert HAN.search(ct.flow_summary(plan, "zh"))


@pytest.mark.parametrize("batch, dtype", [(1, "float32"), (8, "float16")])
def test_flow_memory_summary_names_the_largest_tensor_and_each_transitions_cut(batch, dtype):
    plan = plan_network(D121)
    size = {(s.kind, s.number): s.elements * batch * DTYPE_BYTES[dtype] for s in stages(plan)}
    text = ct.flow_memory_summary(plan, batch, dtype, "en")
    assert f"the largest tensor leaves Block 1 ({format_bytes(size[('block', 1)])})" in text
    assert max(size.values()) == size[("block", 1)]
    for b in (1, 2, 3):
        assert f"{format_bytes(size[('block', b)])} → {format_bytes(size[('transition', b)])}" in text
    fig = make_flow_memory_figure(plan, batch, dtype, "en")
    rows = ct.figure_table(fig, "en", category="Stage")
    assert _column(rows, EN["arch.memory_axis"]) == [ct.rounded(v) for v in fig.data[0].y]
    assert _column(rows, EN["chart.col_text"]) == list(fig.data[0].text)  # "12.2 MiB": what the bar says


# ------------------------------------------------------------------------------------ concatenation
@pytest.mark.parametrize("n, k, c0", [(4, 32, 64), (6, 12, 24), (24, 32, 256)])
def test_block_graph_summary_and_table(n, k, c0):
    graph = dense_block_graph(c0, k, n)
    text = ct.block_graph_summary(graph, "en", selected=n)
    assert f"{n} layers joined by {n * (n + 1) // 2} connections" in text
    assert f"layer {n} receives {c0 + (n - 1) * k}" in text
    assert f"Layer {n} receives {c0 + (n - 1) * k} channels from {n} sources" in text
    rows = ct.figure_table(make_block_graph_figure(graph, "en", n), "en")
    described = _column(rows, EN["chart.col_description"])
    # A drawn graph is listed by its hover text (every edge, then every node), without its HTML.
    assert len(described) == len(graph.edges) + len(graph.nodes)
    assert described[0] == "Block input → Layer 1: " + f"{c0} channels"
    assert f"Layer {n} · adds {k} channels · receives {c0 + (n - 1) * k} channels from {n} sources" in described
    assert HAN.search(ct.block_graph_summary(graph, "zh", selected=n))


def test_composition_and_width_tables_are_what_each_layer_receives():
    graph = block_graph(plan_network(D121), 2)
    rows = ct.figure_table(make_composition_figure(graph, "en", 3), "en")
    assert len(rows) == graph.shown_layers
    assert [sum(v for h, v in r.items() if h != EN["concat.x_target"]) for r in rows] == \
        [graph.input_width(ell) for ell in range(1, graph.shown_layers + 1)]
    assert ct.composition_summary(graph, "en", 3).endswith("layer 3 receives 128 + 2 × 32 = 192 channels.")
    rows = ct.figure_table(make_width_contrast_figure(graph, "en"), "en")
    assert _column(rows, EN["concat.dense_width"]) == [graph.input_width(ell) for ell in range(1, 13)]
    assert set(_column(rows, EN["concat.resnet_width"])) == {128}
    assert "from 128 to 480 channels (32 more per layer)" in ct.width_contrast_summary(graph, "en")
    assert "every layer receives the same 128 channels" in ct.resnet_summary(128, 12, "en")


def test_reuse_heatmap_table_and_summary():
    values = ((0.2, 0.9, 0.4), (None, 1.0, 0.1), (None, None, 0.6))
    matrix = ReuseMatrix(2, 2, "transition", values, values, "column")
    rows = ct.figure_table(make_reuse_heatmap(matrix, "en", "Trained"), "en")
    assert len(rows) == 6  # the cells that exist (a layer never reads a later one)
    assert rows[0] == {EN["concat.reuse_y"]: "in", EN["concat.reuse_x"]: "1", EN["concat.reuse_colorbar"]: 0.2}
    assert [r[EN["concat.reuse_colorbar"]] for r in rows] == [0.2, 0.9, 0.4, 1.0, 0.1, 0.6]
    text = ct.reuse_summary(matrix, "Trained", "en")
    assert text == ("Trained: links run from 0.10 (Layer 1 → transition) to 1.00 (Layer 1 → Layer 2), 0.53 on "
                    "average, and 3 of the 6 links reach 0.5 or more.")
    assert "（第 1 层 → 过渡层）到 1.00（第 1 层 → 第 2 层）" in ct.reuse_summary(matrix, "T", "zh")


# ------------------------------------------------------------------------------ generic tables
def test_generic_table_of_horizontal_bars_skips_decorations():
    fig = go.Figure([go.Bar(y=["a", "b"], x=[0.25, 0.123456], orientation="h", name="before"),
                     go.Bar(y=["a", "b"], x=[0.5, 0.0], orientation="h", name="after"),
                     go.Scatter(x=[None], y=[None], name="swatch"),
                     go.Scatter(x=[0, 1], y=[0, 1], hoverinfo="skip")])
    fig.update_layout(xaxis_title="Probability")
    assert ct.figure_table(fig, "en", category="Class") == [
        {"Class": "a", "before": 0.25, "after": 0.5}, {"Class": "b", "before": 0.1235, "after": 0.0}]


def test_generic_table_of_named_points_in_two_panels_merges_each_thing_once():
    fig = make_subplots(rows=1, cols=2)
    for col, xs in ((1, [7.98, 25.6]), (2, [2.87, 4.09])):
        fig.add_trace(go.Scatter(x=xs, y=[74.4, 76.1], text=["densenet121", "resnet50"], mode="markers+text",
                                 name="family"), row=1, col=col)
        fig.add_trace(go.Scatter(x=[1.0 * col], y=[70.0], name="ours"), row=1, col=col)
    fig.update_xaxes(title_text="Params", row=1, col=1)
    fig.update_xaxes(title_text="GMACs", row=1, col=2)
    fig.update_yaxes(title_text="Top-1", row=1, col=1)
    rows = ct.figure_table(fig, "en")
    assert rows == [
        {"Series": "family", "Name": "densenet121", "Params": 7.98, "Top-1": 74.4, "GMACs": 2.87},
        {"Series": "family", "Name": "resnet50", "Params": 25.6, "Top-1": 76.1, "GMACs": 4.09},
        {"Series": "ours", "Name": None, "Params": 1.0, "Top-1": 70.0, "GMACs": 2.0},
    ]


def test_generic_table_of_a_heatmap_with_counts_and_of_an_image():
    fig = go.Figure(go.Heatmap(z=[[0.75, 0.25], [0.0, 1.0]], x=["p", "q"], y=["p", "q"], text=[[3, 1], [0, 4]]))
    fig.update_layout(xaxis_title="Predicted", yaxis_title="True")
    rows = ct.figure_table(fig, "en", value="Share", text="Photos")
    assert rows[1] == {"True": "p", "Predicted": "q", "Share": 0.25, "Photos": 1}
    assert [r["Photos"] for r in rows] == [3, 1, 0, 4]
    assert "Photos" not in ct.figure_table(fig, "en")[0]  # numbers on cells are shown only when asked
    photo = go.Figure([go.Image(z=np.zeros((4, 4, 3), np.uint8))])
    assert ct.figure_table(photo, "en") == []


def test_class_bars_table_and_summaries():
    names = ("daisy", "roses", "tulips")
    fig = make_class_bar_figure(np.array([0.1, 0.7, 0.2]), names, "zh", percent=True)
    rows = ct.figure_table(fig, "zh", category=t("chart.col_class", "zh"))
    assert [list(r) for r in rows] == [["类别", t("walk.probability", "zh")]] * 3  # the percentages repeat the bars
    assert [list(r.values()) for r in rows] == [["雏菊", 10.0], ["玫瑰", 70.0], ["郁金香", 20.0]]
    assert ct.class_bar_summary([0.1, 0.7, 0.2], names, "en", percent=True) == \
        "Probabilities, largest first: roses 70.0%, tulips 20.0%, daisy 10.0%."
    assert ct.class_bar_summary([0.5, 2.25, -1.0], names, "en").endswith("the largest, roses, is the prediction.")
    assert "玫瑰 70.0%" in ct.class_bar_summary([0.1, 0.7, 0.2], names, "zh", percent=True)
    many = [f"c{i}" for i in range(8)]
    assert "c4 4.00, c3 3.00 and 3 more; the largest, c7," in ct.class_bar_summary(np.arange(8.0), many, "en")
    assert "c2" not in ct.class_bar_summary(np.arange(8.0), many, "en")  # five named, the rest counted
    assert ct.top5_summary([("roses", 0.9), ("tulips", 0.06)], "en", 0.4) == (
        'The top 2 classes: roses 90.0%, tulips 6.0%; the dashed line at 40% marks where "none of these" starts.')
    assert ct.probability_change_summary(names, [0.1, 0.8, 0.1], [0.3, 0.2, 0.5], "en") == (
        "Covering the square changes these probabilities most: roses 80.0% → 20.0%, tulips 10.0% → 50.0%, "
        "daisy 10.0% → 30.0%.")
    assert ct.confusion_summary([[5, 2], [0, 3]], ("daisy", "roses"), "en") == (
        "8 of the 10 test photos lie on the diagonal, classified correctly; the most common mistake is daisy "
        "taken for roses (2 photos).")


# ---------------------------------------------------------------------------- teaching pages
def _flow() -> GradientFlow:
    norms = {"dense": np.array([1e-3, 2e-3, 5e-3]), "plain": np.array([0.0, 1e-6, 4e-3]),
             "residual": np.array([2e-4, 3e-4, 4e-4])}
    return GradientFlow(norms, norms, {a: 10 for a in norms}, 3, 4, 2, 8, False, "default", "cpu", 0.1)


def test_gradient_flow_summary_and_table():
    flow = _flow()
    text = ct.gradient_flow_summary(flow, "en", "outputs")
    assert "at layer 1 (nearest the input) and at layer 3" in text
    assert "Dense (concatenation) 1.00e-03 and 5.00e-03" in text
    assert "Plain (no shortcuts) 0.00e+00 and 4.00e-03" in text
    rows = ct.figure_table(make_gradient_flow_figure(flow, "en", "outputs"), "en")
    assert _column(rows, EN["why.grad_x"]) == [1, 2, 3]
    assert _column(rows, EN["why.arch_plain"]) == [None, 1e-6, 4e-3]  # a gradient of exactly 0 is not drawn
    assert _column(rows, EN["why.arch_dense"]) == [1e-3, 2e-3, 5e-3]


def test_efficiency_table_has_one_row_per_model_with_both_panels():
    models = [ReferenceModel("densenet121", "DenseNet", 7_978_856, 7_978_856, 2.834, 74.434),
              ReferenceModel("resnet50", "ResNet", 25_557_032, 25_557_032, 4.089, 76.13)]
    ours = OurPoint(7_978_856, 2.834, 74.43, "DenseNet-121", 224)
    rows = ct.figure_table(make_efficiency_figure(models, ours, "en"), "en")
    assert len(rows) == 3
    params, macs, top1 = EN["why.eff_params_axis"], EN["why.eff_macs_axis"], EN["why.eff_top1_axis"]
    assert {r["Name"]: (r[params], r[macs], r[top1]) for r in rows if r["Name"]} == {
        "densenet121": (7.979, 2.834, 74.43), "resnet50": (25.56, 4.089, 76.13)}
    text = ct.efficiency_summary(models, ours, "en")
    assert "from 74.43% (densenet121, 7.98M parameters) to 76.13% (resnet50, 25.6M)" in text
    assert text.endswith("7.98M parameters and 2.83 GMACs and a published top-1 of 74.43%.")


def test_memory_summary_and_table():
    curve = [MemoryPoint(d, (d,), d * d * 2**20, d * 2**20, 0) for d in (10, 20, 40)]
    text = ct.memory_summary(curve, None, 20, 4, 64, "en")
    assert "this depth (20) keeps 400 MiB with naive storage and 20 MiB with shared buffers (20.00× less)" in text
    assert "from depth 10 to 40 the naive cost grows 16× and the shared one 4×." in text
    rows = ct.figure_table(make_memory_figure(curve, None, 20, 4, 64, "en"), "en")
    assert _column(rows, EN["why.mem_x"]) == [10, 20, 40]
    assert _column(rows, EN["why.mem_naive"]) == [100.0, 400.0, 1600.0]


def test_live_summary_and_table():
    config = DenseNetConfig(growth_rate=12, block_config=(2, 2), num_init_features=8, stem="cifar", input_size=32,
                            num_classes=2)
    points = [LivePoint(1, 0.5, 1.0, 0.9, 0.5), LivePoint(2, 1.0, 2.0, 0.7, 0.6, 0.625),
              LivePoint(3, 1.5, 3.0, 0.6, 0.7)]
    runs = [SimpleNamespace(config=config, seed=0, epochs=2, points=points),
            SimpleNamespace(config=config.replace(growth_rate=24), seed=0, epochs=2, points=[])]
    make_live_figure(runs, "en", chance=0.5)  # the figure draws from the same objects
    assert ct.live_chart_summary(runs, "en", 0.5) == (
        "A: k=12 at epoch 1.50 of 2: training loss 0.600, validation accuracy 62.5%; B: k=24 has no points yet; "
        "guessing would score 50.0%.")
    rows = ct.live_table(runs, "en")
    assert [r[EN["live.epoch"]] for r in rows] == [1.0, 1.5]  # the epoch's end and the latest step
    assert rows[0][EN["chart.col_val_acc"]] == 0.625 and rows[1][EN["chart.col_val_acc"]] is None


def test_feature_grid_summary_and_table():
    maps = np.zeros((2, 6, 6), np.float32)
    maps[0, :2, :2] = 3.0  # upper left
    maps[1, :2, :2] = 1.0
    grid = FeatureMaps((7, 40), maps, (0, 2))
    text = ct.feature_grid_summary(grid, 64, "en")
    assert text.startswith("The 2 most active of 64 feature maps (6×6; channels #7, #40)")
    assert text.endswith("brightest in the upper left.")
    assert "第 3 层刚刚新增的 4 张" in ct.feature_grid_summary(grid, 64, "zh", newest={"k": 4, "n": 3})
    rows = ct.feature_maps_table(grid, "en")
    assert rows[0] == {"Channel": "#7", "Added by": "block input", "Size": "6×6", "Lowest value": 0.0,
                       "Highest value": 3.0, "Mean": pytest.approx(1 / 3, abs=1e-3),
                       "Strongest": "in the upper left"}
    assert rows[1]["Added by"] == "layer 2"


def test_explain_summaries():
    cams = {"features.denseblock1": np.eye(8), "features.denseblock2": np.pad(np.ones((2, 2)), ((4, 0), (4, 0)))}
    text = ct.cam_strip_summary(cams, "roses", "en")
    assert text.startswith("Grad-CAM for roses at 2 depths, coarser with depth: Block 1 output (8×8) strongest ")
    assert "(6×6) strongest in the lower right" in text
    curve = SimpleNamespace(fractions=(0.0, 0.25, 0.5, 1.0), probs=(0.9, 0.5, 0.2, 0.1), auc=0.31)
    rand = SimpleNamespace(fractions=(0.0, 1.0), probs=(0.9, 0.1), auc=0.52)
    assert ct.deletion_summary(curve, rand, "roses", "en") == (
        "Removing the pixels the Grad-CAM ranks highest first takes P(roses) from 90.0% to 20.0% with 50% removed "
        "(AUC 0.310); removing them in random order gives AUC 0.520, and lower is better.")
    assert "(40, 24)" in ct.occlusion_summary(224, SimpleNamespace(cx=40, cy=24, size=56), "en")
    assert "224×224" in ct.occlusion_summary(224, None, "zh")


# ------------------------------------------------------------------------------------ call sites
def test_every_chart_in_the_app_passes_a_summary_and_its_language():
    files = [*ROOT.joinpath("densenet_viz").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py")]
    calls = [(path.name, node) for path in files for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "show_chart"]
    assert len(calls) >= 28
    missing = [(name, node.lineno) for name, node in calls if not {"summary", "lang"} <= {k.arg for k in node.keywords}]
    assert not missing, missing


def test_reading_a_figure_leaves_it_as_it_was():
    # Figures are cached and shared between sessions: building their table must not touch them.
    plan = plan_network(D121)
    models = [ReferenceModel("resnet18", "ResNet", 11_689_512, 11_689_512, 1.814, 69.758)]
    figures = [make_growth_figure(D121, "en", D121.replace(growth_rate=12)), make_flow_figure(plan, "en"),
               make_block_graph_figure(dense_block_graph(64, 32, 5), "en", 3),
               make_efficiency_figure(models, OurPoint(7_978_856, 2.834, None, None, 224), "en")]
    for fig in figures:
        before = fig.to_json()
        assert ct.figure_table(fig, "en")
        assert fig.to_json() == before
