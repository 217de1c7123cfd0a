"""Explain and Follow a flower through AppTest: a real photo is the default example and its credit shows
under it; the picker names photos, the out-of-set dahlia and drawings; "Where the model goes wrong" shows
the precomputed confusion matrix, the thumbnails and their credits, in English and Chinese."""

from __future__ import annotations

import json

import numpy as np
import pytest

from densenet_viz.credits import CC_BY_2_URL
from densenet_viz.errors import markdown_literal
from densenet_viz.i18n import EN, ZH
from densenet_viz.mistakes import load_mistakes
from densenet_viz.weights import SHIPPED_MODEL, example_credits, list_examples

from testkit import decode, open_page

pytestmark = pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")


def matrix_spec(at) -> dict:
    [spec] = [s for s in (json.loads(el.proto.spec) for el in at.get("plotly_chart"))
              if s["data"] and s["data"][0].get("type") == "heatmap" and s["data"][0].get("texttemplate")]
    return spec


def test_the_default_example_is_a_real_photo_and_its_credit_is_shown():
    at = open_page("pages/explain.py", timeout=240)
    assert not at.error
    first = list_examples()[0]
    credit = example_credits()[first.name]
    assert credit.kind == "photo"
    assert [m.value for m in at.markdown if m.value.startswith("## ")] == [f"## `{first.name}`"]
    [line] = [c.value for c in at.caption if markdown_literal(credit.author) in c.value]
    assert f"({CC_BY_2_URL})" in line and f"({credit.source_url})" in line
    labels = at.multiselect(key="ex_examples").options
    assert labels[0] == f"Photo: {credit.label} (1)"
    assert sum(label.startswith("Photo: ") for label in labels) == len(labels) - 3  # 3 drawings
    assert labels[-3:] == [f"Drawing, not a photo: {c}" for c in ("daisy", "sunflowers", "tulips")]
    assert "Photo: dahlia, not one of the five" in labels


def test_the_dahlia_says_it_is_none_of_the_five():
    at = open_page("pages/explain.py", timeout=240)
    dahlia = next(p for p in list_examples() if example_credits()[p.name].kind == "out_of_set")
    at.multiselect(key="ex_examples").set_value([dahlia]).run()
    assert not at.exception and not at.error
    assert any("vultilion" in c.value and "**not** one of the model's flowers" in c.value for c in at.caption)


def test_where_the_model_goes_wrong_shows_the_matrix_and_the_mistakes():
    report = load_mistakes()
    assert report is not None
    at = open_page("pages/explain.py", timeout=240)
    assert EN["mistakes.title"] in [s.value for s in at.header]
    spec = matrix_spec(at)
    heat = spec["data"][0]
    assert np.array_equal(np.asarray(decode(heat["text"])), np.asarray(report.confusion))
    assert heat["x"] == list(report.classes) == heat["y"]
    intro = next(m.value for m in at.markdown if m.value.startswith("On the "))
    assert f"{report.n} test photos" in intro and f"wrong on {report.wrong}" in intro
    assert f"{report.top1:.1%}" in intro
    items = [m.value for m in at.markdown if m.value.startswith("true **")]
    assert items == [f"true **{m.true}**, predicted **{m.predicted}** ({m.prob:.0%})" for m in report.drawn]
    credited = [c.value for c in at.caption if c.value.startswith("Photo by ")]
    for m in report.drawn:
        assert any(markdown_literal(m.credit.author) in c and m.credit.source_url in c for c in credited)
    true, pred, count = max(((report.classes[i], report.classes[j], report.confusion[i][j])
                             for i in range(len(report.classes)) for j in range(len(report.classes)) if i != j),
                            key=lambda c: c[2])
    assert any(f"{true} taken for {pred} ({count})" in m.value for m in at.markdown)  # the bias paragraph


def test_the_section_in_chinese():
    at = open_page("pages/explain.py", timeout=240, query={"lang": "zh"})
    assert ZH["mistakes.title"] in [s.value for s in at.header]
    spec = matrix_spec(at)
    assert spec["layout"]["title"]["text"] == ZH["mistakes.matrix_title"]
    assert spec["layout"]["xaxis"]["title"]["text"] == ZH["mistakes.predicted"]
    assert any(m.value.startswith("**模型只能学到训练照片里有的东西。**") for m in at.markdown)
    assert any(c.value.startswith("照片作者：") for c in at.caption)


def test_follow_a_flower_uses_the_same_examples_and_credits():
    at = open_page("pages/walkthrough.py", timeout=240)
    assert not at.error
    first = list_examples()[0]
    credit = example_credits()[first.name]
    box = at.selectbox(key="walk_examples")
    assert box.value == first and box.options[0] == f"Photo: {credit.label} (1)"
    assert any(markdown_literal(credit.author) in c.value and CC_BY_2_URL in c.value for c in at.caption)
