"""Transitions page: the whole-network chart and each transition's before/after follow θ and k."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.config import PRESETS
from densenet_viz.plan import plan_network

from testkit import open_page, tables

PAGE = "pages/transitions.py"




def _open() -> AppTest:
    return open_page(PAGE)


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _expected_bars(config) -> list[int]:
    plan = plan_network(config)
    out = [plan.rows[0].out_channels]
    for b in range(1, len(config.block_config) + 1):
        out.append([r for r in plan.dense_layers if r.block == b][-1].out_channels)
        out += [r.out_channels for r in plan.transitions if r.block == b]
    return out + [plan.final_channels, config.num_classes]


def test_loads_with_densenet121_flow():
    at = _open()
    flow = _charts(at)[0]
    assert flow["data"][0]["y"] == [64, 256, 128, 512, 256, 1024, 512, 1024, 1024, 1000]
    assert flow["data"][0]["y"] == _expected_bars(PRESETS["densenet121"])
    assert flow["data"][1]["y"] == [56, 56, 28, 28, 14, 14, 7, 7, 7, 1]
    values = [m.value for m in at.metric]
    assert values[:2] == ["256 → 128", "56×56 → 28×28"]
    table = tables(at)[0]
    assert list(table.iloc[:, 2]) == [256, 512, 1024]  # channels after each transition


def test_theta_and_k_update_every_stage():
    at = _open()
    at.sidebar.slider(key="cfg_theta").set_value(0.25).run()
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    assert not at.exception
    config = PRESETS["densenet121"].replace(compression=0.25, growth_rate=12)
    flow = _charts(at)[0]
    assert flow["data"][0]["y"] == _expected_bars(config)
    assert flow["data"][0]["y"][:3] == [64, 136, 34]
    assert "θ = 0.25" in flow["layout"]["title"]["text"]
    memory = _charts(at)[1]["data"][0]
    plan = plan_network(config)
    assert memory["customdata"][2] == plan.transitions[0].act_elems  # 34 × 28 × 28


def test_batch_and_dtype_scale_memory():
    at = _open()
    at.number_input(key="trans_batch").set_value(8).run()
    at.selectbox(key="trans_dtype").set_value("float16").run()
    memory = _charts(at)[1]["data"][0]
    assert memory["y"][0] == pytest.approx(64 * 56 * 56 * 8 * 2 / 2**20)
    assert "batch 8, float16" in _charts(at)[1]["layout"]["title"]["text"]


def test_single_block_has_no_transition():
    at = _open()
    at.sidebar.text_input(key="cfg_blocks").set_value("6").run()
    assert not at.exception
    assert any("no transition" in i.value for i in at.info)


def test_language_switch():
    at = _open()
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert at.title[0].value == "过渡层"
    assert _charts(at)[0]["data"][0]["x"][2] == "过渡层 1"
