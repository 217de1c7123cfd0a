"""AppTest of the classroom features: a camera photo (Explain and Follow a flower), the occlusion
playground, and Train it live, in English and Chinese."""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest
from PIL import Image

from densenet_viz.i18n import EN, ZH
from densenet_viz.plots.teaching import live_run_label
from densenet_viz.weights import SHIPPED_MODEL, load_card

from testkit import open_page, tables

pytestmark = pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")
CLASSES = set(load_card(SHIPPED_MODEL).class_names) if SHIPPED_MODEL.is_file() else set()


def camera_jpeg(seed: int = 3) -> bytes:
    buf = io.BytesIO()
    rng = np.random.default_rng(seed)
    Image.fromarray((rng.random((480, 640, 3)) * 255).astype(np.uint8)).save(buf, "JPEG")
    return buf.getvalue()


def predictions(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith(("Prediction:", "预测："))]


@pytest.mark.parametrize("page, prefix", [("pages/explain.py", "ex"), ("pages/walkthrough.py", "walk")])
def test_a_camera_photo_goes_through_the_same_pipeline(page, prefix):
    at = open_page(page, timeout=300)
    at.radio(key=f"{prefix}_source").set_value("camera").run()
    assert at.camera_input(key=f"{prefix}_camera").label == EN["explain.camera"]
    at.camera_input(key=f"{prefix}_camera").set_value(("shot.jpg", camera_jpeg(), "image/jpeg")).run()
    assert not at.exception and not at.error
    if page == "pages/explain.py":
        [pred] = predictions(at)
        assert any(f"**{c}**" in pred for c in CLASSES)
    else:  # the stepper is there for the camera photo; its last stage shows the probabilities
        stepper = at.select_slider(key="walk_stage")
        assert stepper.value == 0
        stepper.set_value(len(stepper.options) - 1).run()
    rule = [c.value for c in at.caption if c.value.startswith("Rule: when the top probability is below")]
    assert rule, "the none-of-these rule is shown next to the probabilities"


def test_occlusion_playground_centre_and_sweep():
    at = open_page("pages/explain.py", timeout=300)
    assert [s.value for s in at.header if s.value == EN["occ.title"]]
    at.button(key="occ_centre").click().run()
    assert not at.exception and not at.error
    [metric] = [m for m in at.metric if m.label.startswith("Probability of")]
    before_after = [json.loads(el.proto.spec) for el in at.get("plotly_chart")
                    if len(json.loads(el.proto.spec)["data"]) == 2
                    and all(tr["type"] == "bar" for tr in json.loads(el.proto.spec)["data"])]
    assert before_after, "no before/after probability chart"
    bars = before_after[0]["data"]
    assert [tr["name"] for tr in bars] == [EN["occ.before"], EN["occ.after"]]
    assert sum(bars[0]["x"]) == pytest.approx(1, abs=1e-4) and sum(bars[1]["x"]) == pytest.approx(1, abs=1e-4)
    assert bars[0]["x"] != bars[1]["x"]  # covering the centre changed the answer
    drop = float(metric.proto.delta.rstrip("%")) / 100
    cls = metric.label.split("“")[1].split("”")[0]
    i = bars[0]["y"].index(cls)
    assert drop == pytest.approx(bars[1]["x"][i] - bars[0]["x"][i], abs=1e-3)
    at.toggle(key="occ_sweep").set_value(True).run()
    assert not at.exception
    captions = [img.caption for el in at.get("image") for img in el.proto.imgs]
    assert any(c.startswith("Occlusion sensitivity") for c in captions)
    assert EN["occ.gradcam"] in captions


def wait_runs(at, timeout_s: float = 600) -> list:
    deadline = time.monotonic() + timeout_s
    runs = at.session_state["live_runs"]
    while any(r.active for r in runs) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(r.active for r in runs), "live training did not finish"
    return runs


def test_train_live_trains_compares_and_shares():
    tiny = {"preset": "densenet121", "k": "8", "blocks": "2-2-2", "bn": "0", "init": "16"}
    at = open_page("pages/train_live.py", timeout=300, query=tiny)
    at.selectbox(key="live_compare").set_value("k12").run()
    at.select_slider(key="live_epochs").set_value(1).run()
    at.button(key="live_start").click().run()
    runs = wait_runs(at)
    assert [r.config.growth_rate for r in runs] == [8, 12] and all(r.state == "done" for r in runs)
    assert all(r.val_accuracy is not None and r.val_accuracy > 0.2 for r in runs), [r.val_accuracy for r in runs]
    assert runs[0].config.input_size == 64 and runs[0].config.num_classes == 5
    assert runs[1].params > runs[0].params
    at.run()
    assert not at.exception and not at.error
    table = tables(at)[0]
    assert len(table) == 2 and list(table[EN["live.col_config"]]) == [live_run_label(r, "en") for r in runs]
    # A second session asking the same question gets the same runs, not new ones.
    other = open_page("pages/train_live.py", timeout=300, query=tiny)
    other.selectbox(key="live_compare").set_value("k12").run()
    other.select_slider(key="live_epochs").set_value(1).run()
    other.button(key="live_start").click().run()
    assert [id(r) for r in other.session_state["live_runs"]] == [id(r) for r in runs]


def test_train_live_in_chinese():
    at = open_page("pages/train_live.py", timeout=300, query={"lang": "zh"})
    assert at.title[0].value == ZH["live.title"]
    assert at.button(key="live_start").label == ZH["live.start"]
    assert not at.exception
