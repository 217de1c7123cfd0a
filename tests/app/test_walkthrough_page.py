"""AppTest: the Follow-a-flower page steps through every stage of one cached forward pass."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.i18n import EN, ZH
from densenet_viz.walkthrough import stage_plan_shapes
from densenet_viz.weights import SHIPPED_MODEL, load_card

from testkit import APP, charts, decode, shown_text

pytestmark = pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")






def open_walkthrough() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page("pages/walkthrough.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expected_shapes() -> list[str]:
    card = load_card(SHIPPED_MODEL)
    from densenet_viz.plan import plan_network

    plan = plan_network(card.config.replace(input_size=card.preprocessing.input_size))
    return ["×".join(str(d) for d in shape) for _, _, shape in stage_plan_shapes(plan)]


def shape_metric(at) -> str:
    return next(m.value for m in at.metric if m.label == EN["walk.shape"])


def test_steps_through_every_stage_from_a_single_forward_pass(monkeypatch):
    import densenet_viz.walkthrough as view  # Predictor.walk calls it from here
    from densenet_viz.ui.workers import _worker

    calls = []
    real = view.walk_through

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(view, "walk_through", counting)
    _worker.clear()  # a fresh inference worker: nothing cached from earlier tests
    at = open_walkthrough()
    assert calls == [1]
    shapes = expected_shapes()
    assert len(shapes) == 12  # DenseNet-121: stem, 4 blocks, 3 transitions, norm5, pool, classifier, softmax
    assert at.select_slider(key="walk_stage").value == 0
    assert at.button(key="walk_prev").disabled
    seen = [shape_metric(at)]
    assert any(EN["walk.plan_ok"] == c.value for c in at.caption)
    for _ in range(len(shapes) - 1):
        at.button(key="walk_next").click().run()
        assert not at.exception
        seen.append(shape_metric(at))
        assert not at.warning, [w.value for w in at.warning]  # no plan mismatch anywhere
    assert seen == shapes
    assert at.select_slider(key="walk_stage").value == len(shapes) - 1
    assert at.button(key="walk_next").disabled

    # The last stage: softmax probabilities (5 classes, summing to 100%) and the pooled vector's top entries.
    figs = charts(at)
    probs = figs["walk_probs"]["data"][0]
    assert probs["x"] == list(load_card(SHIPPED_MODEL).class_names)
    assert sum(decode(probs["y"])) == pytest.approx(100.0, abs=1e-3)
    pooled = decode(figs["walk_pooled_final"]["data"][0]["y"])
    assert len(pooled) == 20 and pooled == sorted(pooled, reverse=True)

    at.button(key="walk_prev").click().run()
    assert at.select_slider(key="walk_stage").value == len(shapes) - 2
    assert "walk_logits" in charts(at)
    assert len(calls) == 1  # stepping back and forth never ran the model again


def test_slider_jumps_to_a_dense_block_with_both_grids():
    at = open_walkthrough()
    at.select_slider(key="walk_stage").set_value(3).run()  # stem, block 1, transition 1, block 2
    assert shape_metric(at) == expected_shapes()[3]
    figs = charts(at)
    active = [tr for tr in figs["walk_active"]["data"] if tr["type"] == "heatmap"]
    newest = [tr for tr in figs["walk_newest"]["data"] if tr["type"] == "heatmap"]
    assert len(active) == 8 and len(newest) == 8
    for tr in active + newest:
        z = np.asarray(decode(tr["z"]), dtype=float)
        side = int(expected_shapes()[3].split("×")[-1])  # block 2 runs at input/8
        assert z.shape == (side, side) and z.min() >= 0.0 and z.max() <= 1.0
    # Block 2 of DenseNet-121: 128 + 12·32 = 512 channels; the last layer added channels 480–511.
    titles = [a["text"] for a in figs["walk_newest"]["layout"]["annotations"]]
    assert all(480 <= int(s.split()[-1]) <= 511 for s in titles)
    text = " ".join(m.value for m in at.markdown)
    assert "from 128 to **512**" in text


def test_chinese_from_a_shared_link_and_another_example():
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params["lang"] = "zh"  # a shared link in Chinese
    at.run()
    at.switch_page("pages/walkthrough.py").run()
    assert not at.exception
    assert at.title[0].value == ZH["walk.title"]
    assert any("主干" in m.value for m in at.markdown)
    assert at.sidebar.selectbox(key="lang").value == "zh"
    box = at.selectbox(key="walk_examples")
    assert len(box.options) >= 1
    if len(box.options) > 1:
        from densenet_viz.weights import list_examples

        box.set_value(list_examples()[1]).run()
        assert not at.exception and not at.error
        assert at.title[0].value == ZH["walk.title"]
        assert any(m.label == ZH["walk.shape"] for m in at.metric)
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == EN["walk.title"]


def test_upload_mode_without_a_file_asks_for_one():
    at = open_walkthrough()
    at.radio(key="walk_source").set_value("upload").run()
    assert not at.exception and not at.error
    assert [i.value for i in at.info][-1] == EN["walk.upload_hint"]


def test_a_broken_example_file_shows_a_message_not_a_traceback(monkeypatch, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    import densenet_viz.weights as weights

    monkeypatch.setattr(weights, "list_examples", lambda folder=None: [broken])
    at = open_walkthrough()
    assert not at.exception
    assert len(at.error) == 1 and "broken.jpg" in shown_text(at.error[0].value)
