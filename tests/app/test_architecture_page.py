"""Architecture page: the growth chart follows the sidebar's k, metrics, code, build on the device."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.config import PRESETS
from densenet_viz.i18n import EN
from densenet_viz.plan import format_bytes, plan_network

from testkit import open_page, open_sections, tables

PAGE = "pages/architecture.py"




def _open() -> AppTest:
    return open_page(PAGE)


def _spec(at: AppTest, i: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def _widths(config) -> list[int]:
    return [r.in_channels for r in plan_network(config).rows if r.stage in ("dense_layer", "transition")]


def test_loads_with_the_plan_of_densenet121():
    at = open_sections(_open(), "arch_code_open")
    spec = _spec(at)
    assert spec["data"][0]["y"] == _widths(PRESETS["densenet121"])
    # The chart's own k slider and Play only when asked: they make every sidebar change heavier to redraw.
    assert "sliders" not in spec["layout"] and "frames" not in spec and "updatemenus" not in spec["layout"]
    at.toggle(key="arch_in_browser").set_value(True).run()
    spec = _spec(at)
    assert spec["layout"]["sliders"][0]["active"] == 31  # k = 32 among 1..64
    assert len(spec["frames"]) == 61  # the play animation
    assert at.title[0].value == "Architecture and channel growth"
    values = {m.label: m.value for m in at.metric}
    assert values["Depth L"] == "121" and values["Parameters"] == "7.98M"
    assert "DenseNetConfig(" in at.code[0].value and "growth_rate=32" in at.code[0].value
    assert "torchvision.models.DenseNet(" in at.code[1].value


def test_table_and_code_are_sent_only_while_their_section_is_open():
    at = _open()
    labels = [e.label for e in at.expander]
    assert labels[0].startswith("📘 Lesson, step 3 of 8")  # the lesson panel, then the page's own sections
    # The chart's data (issue 31), then the page's own sections.
    assert labels[1:] == ["Chart data as a table", "Overlay a second configuration", "Per-layer table",
                          "Copy as PyTorch"]
    assert not at.code and not tables(at) and not at.get("download_button")
    open_sections(at, "arch_code_open")
    assert len(at.code) == 2 and not tables(at)
    open_sections(at, "arch_table_open")
    assert len(tables(at)) == 1 and len(at.get("download_button")) == 1
    at.session_state["arch_code_open"] = False
    at.run()
    assert not at.code and len(tables(at)) == 1


def test_layer_table_is_the_plan_and_follows_k():
    at = open_sections(_open(), "arch_table_open")
    out = EN["arch.col_out_channels"]
    for config in (PRESETS["densenet121"], PRESETS["densenet121"].replace(growth_rate=12)):
        at.sidebar.slider(key="cfg_k").set_value(config.growth_rate).run()
        table = tables(at)[0]
        rows = plan_network(config).rows
        assert list(table[EN["arch.col_name"]]) == [r.name for r in rows]
        assert list(table[out]) == [r.out_channels for r in rows]


def test_moving_k_redraws_with_the_plan_and_builds_nothing():
    at = _open()
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    assert not at.exception
    spec = _spec(at)
    config = PRESETS["densenet121"].replace(growth_rate=12)
    assert spec["data"][0]["y"] == _widths(config)
    assert spec["layout"]["title"]["text"].startswith("k = 12")
    assert {m.label: m.value for m in at.metric}["Parameters"] != "7.98M"
    assert "arch_build_result" not in at.session_state  # moving a slider never builds a model


def test_overlay_second_config():
    at = _open()
    at.toggle(key="arch_compare").set_value(True).run()
    at.slider(key="arch_k2").set_value(12).run()
    spec = _spec(at)
    assert len(spec["data"]) == 3
    assert spec["data"][2]["y"] == _widths(PRESETS["densenet121"].replace(growth_rate=12))
    assert len(at.metric) == 10  # two rows of five: this config, then the compared one
    compared = plan_network(PRESETS["densenet121"].replace(growth_rate=12))
    values = [m.value for m in at.metric]
    assert values[8:] == [format_bytes(compared.activation_bytes(32, "float32", s)) for s in ("naive", "shared")]


def test_language_switch():
    at = _open()
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert at.title[0].value == "网络结构与通道增长"
    assert "通道" in _spec(at)["layout"]["yaxis"]["title"]["text"]


def _tiny(at: AppTest) -> AppTest:
    at.sidebar.text_input(key="cfg_blocks").set_value("2,3").run()
    at.sidebar.slider(key="cfg_k").set_value(4).run()
    at.sidebar.number_input(key="cfg_size").set_value(32).run()
    assert not at.sidebar.error
    return at


def test_build_on_device_agrees_with_the_plan():
    at = _tiny(_open())
    at.button(key="arch_build").click().run()
    assert not at.exception
    assert any("agrees with the plan at all" in s.value for s in at.success), [s.value for s in at.success]
    labels = [m.label for m in at.metric]
    assert "Forward time (1 image)" in labels and "Peak CUDA memory" in labels


def test_build_refuses_what_does_not_fit():
    from densenet_viz.budget import limit_for_tests

    at = _tiny(_open())
    with limit_for_tests(1024):
        at.button(key="arch_build").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("Refused: this needs about") and "1 KiB" in e for e in errors), errors


@pytest.mark.parametrize("stem", ["cifar"])
def test_torchvision_code_refused_for_cifar(stem):
    at = open_sections(_open(), "arch_code_open")
    at.sidebar.radio(key="cfg_stem").set_value(stem).run()
    at.sidebar.number_input(key="cfg_size").set_value(32).run()
    assert len(at.code) == 1
    assert any("Plain torchvision cannot build" in i.value for i in at.info)
