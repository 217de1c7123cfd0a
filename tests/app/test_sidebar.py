"""The shared sidebar: URL round trip, tampered links, invalid edits, language, reset, parity badge."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.config import PRESETS
from densenet_viz.plan import plan_network
from densenet_viz.urlstate import config_to_query

from testkit import open_page, shown_text

ARCH = "pages/architecture.py"




def _app(query: dict | None = None) -> AppTest:
    return open_page(None, query=query)


def _growth_y(at: AppTest) -> list[int]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]


def _widths(config) -> list[int]:
    return [r.in_channels for r in plan_network(config).rows if r.stage in ("dense_layer", "transition")]


def test_query_string_round_trips_the_config():
    config = PRESETS["densenet169"].replace(growth_rate=12, compression=0.75, drop_rate=0.1, input_size=160,
                                            memory_efficient=True)
    query = {**config_to_query(config, "densenet169"), "lang": "zh"}
    at = _app(query)
    assert at.session_state["config"] == config
    assert at.sidebar.slider(key="cfg_k").value == 12
    assert at.sidebar.text_input(key="cfg_blocks").value == "6,12,32,32"
    assert at.sidebar.selectbox(key="lang").value == "zh"
    assert not at.sidebar.warning
    assert at.query_params == query  # written back unchanged
    # Editing a widget rewrites the link; opening that link restores the edited config.
    at.sidebar.slider(key="cfg_k").set_value(20).run()
    assert at.query_params["k"] == "20"
    again = _app(dict(at.query_params))
    assert again.session_state["config"] == config.replace(growth_rate=20)


def test_a_link_opens_a_page_with_its_config():
    config = PRESETS["densenet121"].replace(growth_rate=12)
    at = _app(config_to_query(config))
    at.switch_page(ARCH).run()
    assert not at.exception
    assert _growth_y(at) == _widths(config)


@pytest.mark.parametrize("query, reason", [
    ({"preset": "densenet121", "k": "abc"}, "Growth rate k: 'abc' is not a whole number"),
    ({"preset": "densenet121", "k": "100"}, "Growth rate k = 100 is not allowed: a whole number from 1 to 64"),
    ({"preset": "densenet121", "drop": "0.95"}, "Dropout rate = 0.95 is not allowed"),
    ({"preset": "<script>alert(1)</script>"}, "is not a preset"),
    ({"preset": "densenet169", "theta": "0"}, "Compression θ = 0.0 is not allowed"),
    ({"preset": "densenet121", "blocks": "6-12-24-16", "size": "9"}, "Input size (pixels) = 9 is too small"),
    ({"preset": "densenet121", "mem": "maybe"}, "'maybe' is not on/off"),
    ({"preset": "densenet121", "typo": "1", "k": "3.5"}, "'3.5' is not a whole number"),
    ({"preset": "densenet121", "blocks": "1-" * 120 + "1"}, "characters) is not allowed: 1 to 8 dense blocks"),
    ({"preset": "densenet121", "blocks": "1-" * 5000 + "1"}, "10,001 characters long; at most 256 are allowed"),
    ({"preset": "densenet121", "k": "9" * 400}, "400 characters long"),
])
def test_tampered_link_falls_back_with_a_notice(query, reason):
    at = _app(query)
    warnings = [shown_text(w.value) for w in at.sidebar.warning]
    assert len(warnings) == 1 and reason in warnings[0], warnings
    assert len(warnings[0]) < 400  # long input is shortened, not echoed in full
    preset = query["preset"] if query["preset"] in PRESETS else "densenet121"
    assert at.session_state["config"] == PRESETS[preset]
    assert preset in warnings[0]


def test_invalid_combination_keeps_the_last_valid_charts():
    at = _app()
    at.switch_page(ARCH).run()
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    valid = _widths(PRESETS["densenet121"].replace(growth_rate=12))
    assert _growth_y(at) == valid
    at.sidebar.text_input(key="cfg_blocks").set_value("6,x,24").run()
    assert not at.exception
    error = at.sidebar.error[0].value
    assert "Layers per dense block: '6,x,24'" in error and "last valid" in error
    assert _growth_y(at) == valid
    at.sidebar.text_input(key="cfg_blocks").set_value("6,12,24,16").run()
    at.sidebar.number_input(key="cfg_size").set_value(8).run()
    assert "Input size (pixels) = 8 is too small: at least 29" in at.sidebar.error[0].value
    at.sidebar.text_input(key="cfg_blocks").set_value("-3").run()  # a minus sign is no separator
    assert "'-3'" in shown_text(at.sidebar.error[0].value)
    at.sidebar.text_input(key="cfg_blocks").set_value("6,12,24,16").run()
    assert _growth_y(at) == valid
    at.sidebar.number_input(key="cfg_size").set_value(224).run()
    assert not at.sidebar.error


def test_language_switch_changes_visible_text():
    at = _app()
    assert at.sidebar.header[0].value == "Model configuration"
    assert at.title[0].value == "DenseNet Explorer"
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert at.sidebar.header[0].value == "模型配置"
    assert at.title[0].value == "DenseNet 探索器"
    assert at.sidebar.slider(key="cfg_k").label == "增长率 k"
    assert at.query_params["lang"] == "zh"


def test_reset_to_preset_and_preset_picker():
    at = _app()
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    at.sidebar.slider(key="cfg_theta").set_value(0.25).run()
    assert at.session_state["config"] == PRESETS["densenet121"].replace(growth_rate=12, compression=0.25)
    at.sidebar.button[0].click().run()
    assert at.sidebar.slider(key="cfg_k").value == 32 and at.sidebar.slider(key="cfg_theta").value == 0.5
    assert at.session_state["config"] == PRESETS["densenet121"]
    at.sidebar.selectbox(key="cfg_preset").set_value("densenet_bc100_k12").run()
    assert at.session_state["config"] == PRESETS["densenet_bc100_k12"]
    assert at.sidebar.text_input(key="cfg_blocks").value == "16,16,16"


def test_parity_badge():
    at = _app()
    badge = [s.value for s in at.sidebar.success]
    assert len(badge) == 1 and "DenseNet-121" in badge[0] and "7,978,856" in badge[0] and "74.43" in badge[0]
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    assert not at.sidebar.success  # no longer a published model
    at.sidebar.selectbox(key="cfg_preset").set_value("densenet_bc100_k12").run()
    badge = [s.value for s in at.sidebar.success]
    assert "800,000" in badge[0] and "95.49" in badge[0] and "CIFAR-10+" in badge[0]
    at.sidebar.selectbox(key="cfg_preset").set_value("densenet264").run()
    assert "not reported" in at.sidebar.success[0].value


def test_a_widget_created_afresh_takes_the_config_not_its_minimum():
    # Under load a browser can re-create a sidebar widget; it then starts from the widget's default. That
    # default must be the last valid config's value: minimums and an empty blocks box made an invalid
    # config that froze the sidebar (seen in the 30-session load test).
    config = PRESETS["densenet169"].replace(num_init_features=48, input_size=160)
    at = _app(config_to_query(config, "densenet169"))
    assert at.sidebar.number_input(key="cfg_init").proto.default == 48
    assert at.sidebar.number_input(key="cfg_size").proto.default == 160
    assert at.sidebar.text_input(key="cfg_blocks").proto.default == "6,12,32,32"
    assert list(at.sidebar.slider(key="cfg_k").proto.default) == [32]
    at.sidebar.number_input(key="cfg_init").set_value(40).run()  # a real edit: the config follows at once
    assert at.session_state["config"].num_init_features == 40
    at.run()  # and the next run's widgets default to it (defaults come from the last valid config)
    assert at.sidebar.number_input(key="cfg_init").proto.default == 40
    assert at.sidebar.number_input(key="cfg_init").value == 40
    assert not at.sidebar.error and not at.exception
