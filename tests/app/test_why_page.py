"""AppTest: the Why-DenseNet page computes gradient flow, efficiency and memory from real models."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.config import PRESETS
from densenet_viz.i18n import EN, ZH
from densenet_viz.plan import format_bytes, plan_network

from testkit import APP, charts, decode, tables


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=240).run()
    app.switch_page("pages/why.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_gradient_flow_default_shows_vanishing_plain_gradients(at):
    grad = charts(at)["why_grad_chart"]
    names = [tr["name"] for tr in grad["data"]]
    assert names == [EN["why.arch_dense"], EN["why.arch_plain"], EN["why.arch_residual"]]
    assert all(len(decode(tr["y"])) == 40 for tr in grad["data"])
    assert grad["layout"]["yaxis"]["type"] == "log"
    assert grad["layout"]["yaxis"]["title"]["text"] == EN["why.grad_y_outputs"]
    plain_y = decode(grad["data"][1]["y"])
    assert plain_y[0] < plain_y[-1] * 1e-6  # the plain net's gradient vanishes on its way to the input
    first = {m.label: float(m.value) for m in at.metric if m.label.endswith(": layer 1")}
    dense, plain = first[f"{EN['why.arch_dense']}: layer 1"], first[f"{EN['why.arch_plain']}: layer 1"]
    assert plain < dense * 1e-3
    assert [s.value for s in at.success if s.value.startswith("The first layer")] == [
        EN["why.grad_vanish"].format(times=f"{dense / plain:.2g}")]


def test_weight_gradients_on_the_same_pass(at):
    at.radio(key="why_grad_kind").set_value("weights").run()
    assert not at.exception
    grad = charts(at)["why_grad_chart"]
    assert grad["layout"]["yaxis"]["title"]["text"] == EN["why.grad_y_weights"]
    assert all(len(decode(tr["y"])) == 40 for tr in grad["data"])


def test_depth_and_batch_norm_from_the_form(at):
    at.slider(key="why_depth").set_value(12)
    at.toggle(key="why_bn").set_value(True)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    grad = charts(at)["why_grad_chart"]
    assert all(len(decode(tr["y"])) == 12 for tr in grad["data"])
    assert EN["why.grad_title"].format(depth=12, width=12) == grad["layout"]["title"]["text"].replace("<br>", " ")


def test_efficiency_chart_follows_the_sidebar(at):
    eff = charts(at)["why_eff_chart"]
    stars = [tr for tr in eff["data"] if tr.get("marker", {}).get("symbol") == "star"]
    assert len(stars) == 2
    assert decode(stars[0]["x"])[0] == pytest.approx(7.978856)  # DenseNet-121 from the plan, in millions
    assert decode(stars[0]["y"])[0] == pytest.approx(74.434)
    families = {tr["name"] for tr in eff["data"]}
    assert {"DenseNet", "ResNet", "VGG"} <= families
    table = tables(at)[0]
    assert "densenet121" in list(table.iloc[:, 0]) and "7,978,856" in list(table.iloc[:, 3])  # plan beside torchvision

    at.sidebar.slider(key="cfg_k").set_value(12).run()
    assert not at.exception
    eff = charts(at)["why_eff_chart"]
    assert not [tr for tr in eff["data"] if tr.get("marker", {}).get("symbol") == "star"]
    params = plan_network(PRESETS["densenet121"].replace(growth_rate=12)).params
    assert eff["layout"]["shapes"][0]["x0"] == pytest.approx(params / 1e6)


def test_memory_plan_and_measurement(at):
    config = PRESETS["densenet121"].replace(input_size=64)
    plan = plan_network(config)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[EN["why.mem_plan_naive"]] == format_bytes(plan.activation_bytes(4, "float32", "naive"))
    assert metrics[EN["why.mem_plan_shared"]] == format_bytes(plan.activation_bytes(4, "float32", "shared"))
    assert len(charts(at)["why_mem_chart"]["data"]) == 2
    assert any(EN["why.mem_pleiss"] == i.value for i in at.info)

    # Measure a small case: batch 2 at 32×32 (the button runs real models on the CPU).
    at.number_input(key="why_mem_batch").set_value(2)
    at.number_input(key="why_mem_size").set_value(32).run()
    at.button(key="why_mem_measure").click().run()
    assert not at.exception
    mem = charts(at)["why_mem_chart"]
    assert len(mem["data"]) == 4
    measured_naive = decode(mem["data"][2]["y"])
    plan_naive = dict(zip(decode(mem["data"][0]["x"]), decode(mem["data"][0]["y"]), strict=True))
    for depth, value in zip(decode(mem["data"][2]["x"]), measured_naive, strict=True):
        assert value == pytest.approx(plan_naive[depth], rel=0.15)  # the plan predicts what autograd keeps
    assert len(tables(at)) == 2  # the efficiency table and the measured-vs-plan table
    assert len(tables(at)[1]) == len(measured_naive)


def test_batch_of_one_at_1x1_cannot_be_measured(at):
    at.number_input(key="why_mem_batch").set_value(1)
    at.number_input(key="why_mem_size").set_value(32).run()
    assert at.button(key="why_mem_measure").disabled
    assert [w.value for w in at.warning] == [EN["why.mem_bn_batch"]]


def test_invalid_input_size_is_a_message(at):
    at.number_input(key="why_mem_size").set_value(16).run()  # too small for four blocks: the map would shrink below 1×1
    assert not at.exception
    assert len(at.error) == 1


def test_chinese(at):
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == ZH["why.title"]
    assert [h.value for h in at.header][:3] == [ZH["why.grad_header"], ZH["why.eff_header"], ZH["why.mem_header"]]
