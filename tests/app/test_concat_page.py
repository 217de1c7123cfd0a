"""Concatenation graph page: all connections of a block, highlighting, composition, feature reuse."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.config import PRESETS
from densenet_viz.plan import plan_network
from densenet_viz.weights import SHIPPED_MODEL

from testkit import open_page

PAGE = "pages/concat.py"




def _open() -> AppTest:
    return open_page(PAGE)


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _segments(trace: dict) -> int:
    return sum(1 for v in trace["x"] if v is None)


def test_loads_with_all_connections_of_block_1():
    at = _open()
    graph = _charts(at)[0]
    assert "Block 1: 6 layers, 21 connections" in graph["layout"]["title"]["text"]
    # default selection: the last layer (6), which receives the input and layers 1..5
    assert _segments(graph["data"][2]) == 6
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Direct connections L(L+1)/2"] == "21"
    assert metrics["Channels into Layer 6"] == str(64 + 5 * 32)


def test_selecting_a_layer_and_block():
    at = _open()
    at.selectbox(key="concat_layer").set_value(3).run()
    graph = _charts(at)[0]
    assert _segments(graph["data"][2]) == 3
    assert "Block input → Layer 3: 64 channels" in graph["data"][1]["hovertext"]
    at.selectbox(key="concat_block").set_value(3).run()
    assert not at.exception
    graph = _charts(at)[0]
    assert "Block 3: 24 layers, 300 connections" in graph["layout"]["title"]["text"]
    assert {m.label: m.value for m in at.metric}["Channels into Layer 3"] == str(256 + 2 * 32)


def test_moving_k_changes_the_composition_to_the_plan():
    at = _open()
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    plan = plan_network(PRESETS["densenet121"].replace(growth_rate=12))
    widths = [r.in_channels for r in plan.dense_layers if r.block == 1]
    composition = next(c for c in _charts(at) if c["layout"].get("barmode") == "stack")
    totals = [sum(tr["y"][i] for tr in composition["data"]) for i in range(len(widths))]
    assert totals == widths == [64 + i * 12 for i in range(6)]
    resnet = _charts(at)[1]
    assert all(": 64 channels" in h for h in resnet["data"][2]["hovertext"])


def test_feature_reuse_heatmaps():
    at = _open()
    heatmaps = [c for c in _charts(at) if c["data"][0]["type"] == "heatmap"]
    titles = [h["layout"]["title"]["text"] for h in heatmaps]
    if SHIPPED_MODEL.is_file():
        assert titles == ["Shipped flower model, block 1", "Random initialisation, block 1"]
    else:
        assert titles == ["Random initialisation, block 1"]
    z = heatmaps[-1]["data"][0]["z"]
    assert len(z) == 7 and len(z[0]) == 7  # sources: input + 6 layers; targets: 6 layers + transition
    assert heatmaps[-1]["data"][0]["x"][-1] == "transition"
    assert max(v for row in z for v in row if v is not None) == pytest.approx(1.0)
    at.selectbox(key="concat_reuse_block").set_value(4).run()
    last = [c for c in _charts(at) if c["data"][0]["type"] == "heatmap"][-1]
    assert last["data"][0]["x"][-1] == "classifier"


def test_language_switch():
    at = _open()
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert at.title[0].value == "拼接连接图"
    assert "第 1 块" in _charts(at)[0]["layout"]["title"]["text"]
