"""Issue 31 item 5: what the mouse does in a chart has a keyboard way (Streamlit widgets): the Architecture
page's own k slider and ▶ Play, the occlusion square placed and moved by buttons."""

from __future__ import annotations

import json

import pytest

from densenet_viz.config import PRESETS
from densenet_viz.i18n import EN, ZH
from densenet_viz.plan import plan_network
from densenet_viz.ui.architecture_view import PLAY_KS
from densenet_viz.weights import SHIPPED_MODEL

from testkit import open_page


def _channels(at) -> list[int]:
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["y"]


def _widths(config) -> list[int]:
    return [r.in_channels for r in plan_network(config).rows if r.stage in ("dense_layer", "transition")]


def _after_bars(at) -> list[float]:
    """The "after" probabilities of the before/after chart (the square's effect)."""
    [after] = [tr["x"] for el in at.get("plotly_chart") for tr in json.loads(el.proto.spec)["data"]
               if tr.get("name") == EN["occ.after"]]
    return after


def test_page_k_slider_and_sidebar_k_stay_in_sync():
    at = open_page("pages/architecture.py")
    assert at.slider(key="arch_k").value == 32 and at.slider(key="arch_k").label == EN["arch.k_page"]
    at.slider(key="arch_k").set_value(12).run()
    assert at.slider(key="cfg_k").value == 12
    assert at.query_params["k"] == "12"  # the URL follows
    assert _channels(at) == _widths(PRESETS["densenet121"].replace(growth_rate=12))
    at.slider(key="cfg_k").set_value(20).run()  # and the sidebar moves the page's slider
    assert at.slider(key="arch_k").value == 20
    assert _channels(at) == _widths(PRESETS["densenet121"].replace(growth_rate=20))


def test_play_button_steps_k_and_comes_back():
    at = open_page("pages/architecture.py", query={"lang": "zh"})
    assert at.button(key="arch_play").label == ZH["arch.play_k"]
    at.button(key="arch_play").click().run()
    assert not at.exception
    # The placeholder ends on the sidebar's k, not on the last k played.
    assert _channels(at) == _widths(PRESETS["densenet121"])
    assert at.slider(key="cfg_k").value == 32 and PLAY_KS[-1] != 32


@pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")
def test_occlusion_square_placed_and_moved_by_buttons():
    at = open_page("pages/explain.py", timeout=300)
    at.button(key="occ_move_right").click().run()  # no square yet: the first move places one at the centre
    assert not at.exception and not at.error
    squares = {k: v for k, v in at.session_state._state.filtered_state.items() if k.startswith("occ_square_")}
    assert len(squares) == 1, squares
    [(state_key, first)] = squares.items()
    after_first = _after_bars(at)
    at.button(key="occ_move_down").click().run()
    at.button(key="occ_move_down").click().run()
    second = at.session_state[state_key]
    assert second == (first[0], first[1] + 16)
    at.button(key="occ_move_left").click().run()
    at.button(key="occ_move_up").click().run()
    assert at.session_state[state_key] == (first[0] - 8, first[1] + 8)
    # The square is what the model sees: moving it changes the probability change.
    after_moved = _after_bars(at)
    at.button(key="occ_centre").click().run()  # the mouse-free "Hide the centre" still sets the same state
    side = 2 * at.session_state[state_key][0]
    assert first == (side // 2 + 8, side // 2)
    assert after_moved != after_first and sum(after_moved) == pytest.approx(1, abs=1e-4)
