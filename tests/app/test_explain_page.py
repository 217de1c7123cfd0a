"""The Explain page through AppTest, with the shipped model: examples, uploads (good, bad, hostile names),
predictions, overlays, the CAM strip, and the optional attributions and deletion curve."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from densenet_viz.weights import SHIPPED_MODEL, list_examples, load_card

from testkit import APP, shown_text

pytestmark = pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")
CLASSES = set(load_card(SHIPPED_MODEL).class_names) if SHIPPED_MODEL.is_file() else set()


def png(seed: int, w: int = 120, h: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.fromarray((np.random.default_rng(seed).random((h, w, 3)) * 255).astype(np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def explain_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page("pages/explain.py").run()
    return at


def captions(at: AppTest) -> list[str]:
    return [img.caption for el in at.get("image") for img in el.proto.imgs]


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def rows(z) -> int:
    # Plotly ships numpy arrays as typed arrays: {"dtype": ..., "bdata": ..., "shape": "40, 40"}.
    return int(str(z["shape"]).split(",")[0]) if isinstance(z, dict) else len(z)


def predictions(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("Prediction:")]


def test_example_is_explained_on_first_view():
    at = explain_page()
    assert not at.exception and not at.error
    # The default example: the first built-in one, a real photo (tests/app/test_examples_and_mistakes.py).
    assert [m.value for m in at.markdown if m.value.startswith("## ")] == [f"## `{list_examples()[0].name}`"]
    [pred] = predictions(at)
    assert any(f"**{c}**" in pred for c in CLASSES)
    caps = captions(at)
    assert any(c.startswith("Grad-CAM for") and "features.denseblock4" in c for c in caps)
    # The third: the occlusion playground's photo; then the section "Where the model goes wrong".
    top5, strip, playground = chart_specs(at)[:3]
    assert playground["data"][0]["type"] == "image"
    bars = top5["data"][0]
    assert set(bars["y"]) == CLASSES and sum(bars["x"]) == pytest.approx(1.0, abs=1e-4)
    assert bars["y"][-1] in pred  # the longest bar is the prediction
    # The strip: one heat map per block at the block's own resolution: input/4, then halved at each transition.
    side = load_card(SHIPPED_MODEL).preprocessing.input_size // 4
    assert [rows(tr["z"]) for tr in strip["data"]] == [side, side // 2, side // 4, side // 8]
    assert at.get("progress")[0].proto.value == 100
    assert [b.proto.label for b in at.get("download_button")] == ["Overlay (PNG)", "Raw CAM (.npy)"]


def test_upload_good_bad_and_hostile_files():
    at = explain_page()
    at.radio(key="ex_source").set_value("upload").run()
    assert at.file_uploader(key="ex_upload").accept_multiple_files
    at.file_uploader(key="ex_upload").set_value([
        ("rose.png", png(1), "image/png"),
        ("<img src=x onerror=alert(1)>.png", png(2, 200, 150), "image/png"),
        ("notes <script>.jpg", b"just some text, renamed", "image/jpeg"),
        ("tiny.png", png(3, 8, 8), "image/png"),
    ]).run()
    assert not at.exception
    heads = [m.value for m in at.markdown if m.value.startswith("## ")]
    assert heads == ["## `rose.png`", "## `_img src_x onerror_alert(1)_.png`", "## `notes _script_.jpg`",
                     "## `tiny.png`"]
    assert len(predictions(at)) == 2
    errors = [e.value for e in at.error]
    assert len(errors) == 2
    assert shown_text(errors[0]).startswith("notes _script_.jpg cannot be used") and "not an image" in errors[0]
    assert errors[0].startswith("notes \\_script\\_\u2060\\.\u2060jpg")  # the name is literal text, not Markdown
    assert "8×8" in errors[1]
    everything = " ".join(m.value for m in at.markdown) + " ".join(errors)
    assert "<script>" not in everything and "<img" not in everything
    assert sum(c.startswith("Grad-CAM for") for c in captions(at)) == 2
    assert at.get("progress")[0].proto.text == "Explained 2 photo(s); 2 could not be used."


def test_target_layer_and_language_controls():
    at = explain_page()
    at.selectbox(key="ex_target").set_value(0).run()  # explain class 0 instead of the prediction
    first = sorted(CLASSES)[0]
    assert any(c.startswith(f"Grad-CAM for “{first}”") for c in captions(at))
    at.selectbox(key="ex_layer").set_value("features.transition2").run()
    side = load_card(SHIPPED_MODEL).preprocessing.input_size // 16  # stem /4, then two transitions /2 each
    assert any("features.transition2" in c and f"{side}×{side}" in c for c in captions(at))
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "解释预测"
    assert any(m.value.startswith("预测：") for m in at.markdown)


@pytest.mark.slow
def test_attributions_and_deletion_curve_behind_toggles():
    at = explain_page()
    n_images = len(at.get("image"))
    at.toggle(key="ex_extras").set_value(True)
    at.toggle(key="ex_faithful").set_value(True).run()
    assert not at.exception and not at.error
    caps = captions(at)
    assert len(at.get("image")) == n_images + 4
    window = load_card(SHIPPED_MODEL).preprocessing.input_size // 4  # occlusion window: a quarter of the side
    assert {"Guided Grad-CAM", "Integrated Gradients (16 steps)", f"Occlusion ({window}×{window} window)"} <= set(caps)
    deletion = next(s for s in chart_specs(at) if any("AUC" in tr.get("name", "") for tr in s["data"]))
    names = [tr["name"] for tr in deletion["data"]]
    assert names[0].startswith("Grad-CAM (AUC ") and names[1].startswith("random map (AUC ")
    assert all(len(tr["x"]) == 17 and tr["x"][0] == 0 and tr["x"][-1] == 1 for tr in deletion["data"])
    assert any("area under the curve" in c.value for c in at.caption)


def test_chinese_page_names_classes_in_chinese_and_describes_every_picture():
    from densenet_viz.i18n import ZH, class_label

    from testkit import open_page

    at = open_page("pages/explain.py", timeout=240, query={"lang": "zh"})
    assert not at.exception
    zh_names = {class_label(c, "zh") for c in CLASSES}
    assert zh_names == {"雏菊", "蒲公英", "玫瑰", "向日葵", "郁金香"}
    [pred] = [m.value for m in at.markdown if m.value.startswith("预测")]
    assert any(f"**{n}**" in pred for n in zh_names) and not any(c in pred for c in CLASSES)
    top5 = next(s for s in chart_specs(at)
                if s["data"][0].get("type") == "bar" and s["data"][0].get("orientation") == "h")
    assert set(top5["data"][0]["y"]) <= zh_names and len(top5["data"][0]["y"]) == 5
    imgs = [img for el in at.get("image") for img in el.proto.imgs]
    assert imgs and all(img.alt for img in imgs)  # every photo, map and thumbnail is described
    where = ZH["alt.map"].split("{where}")[0].split("：")[-1]  # "权重最集中在"
    cam_alts = [img.alt for img in imgs if img.caption.startswith("“") and "Grad-CAM" in img.caption]
    assert cam_alts and all(where in a and "%" in a for a in cam_alts)
