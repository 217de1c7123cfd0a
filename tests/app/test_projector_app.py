"""Projector mode in the app: ``?present=1`` and the sidebar toggle, large chart text, teaching text as body
text, the URL kept in step, and a tampered ``present`` value refused with the usual message."""

import json
import math

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.config import MAX_INPUT_CHARS
from densenet_viz.i18n import EN, ZH, t
from densenet_viz.plots.present import MIN_PX, font_sizes

from testkit import open_page

ARCH = "pages/architecture.py"
CONCAT = "pages/concat.py"


def _specs(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _large(spec: dict) -> bool:
    """Whether a chart sets every font it has, and the tick labels Streamlit's theme would set, to >= 16 px."""
    layout = spec["layout"]
    sizes = [px for _, px in font_sizes(spec)]
    ticks = [layout[k].get("tickfont", {}).get("size", 0) for k in layout if k[1:5] == "axis"]
    return bool(sizes) and min(sizes) >= MIN_PX and bool(ticks) and min(ticks) >= MIN_PX


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_a_present_link_opens_projector_mode_and_the_toggle_turns_it_off():
    at = open_page(ARCH, query={"present": "1"})
    assert at.sidebar.toggle(key="present").value is True
    assert at.query_params["present"] == "1"  # kept in the address, so a copied link opens the same way
    assert _large(_specs(at)[0])
    caption = EN["arch.growth_caption"]
    assert caption in _markdown(at) and caption not in _captions(at)  # teaching text as body text
    assert EN["arch.build_caption"] in _captions(at)  # a technical note stays a caption

    at.sidebar.toggle(key="present").set_value(False).run()
    assert "present" not in at.query_params
    assert not _large(_specs(at)[0])
    assert caption in _captions(at) and caption not in _markdown(at)


def test_the_toggle_turns_it_on_in_chinese_and_every_concat_chart_follows():
    at = open_page(CONCAT, query={"lang": "zh"})
    toggle = at.sidebar.toggle(key="present")
    assert toggle.value is False and toggle.label == ZH["present.toggle"]
    specs = _specs(at)
    assert specs and not any(_large(s) for s in specs)
    at.sidebar.toggle(key="present").set_value(True).run()
    assert at.query_params["present"] == "1"
    big = _specs(at)
    assert len(big) == len(specs) and all(_large(s) for s in big)
    for before, after in zip(specs, big, strict=True):  # same charts, taller to fit the text
        assert after["layout"]["height"] >= math.floor(before["layout"].get("height", 450) * MIN_PX / 12)
    assert ZH["concat.graph_caption"] in _markdown(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("raw, needle", [("yes", "parse_bool"), ("1" * (MAX_INPUT_CHARS + 5), "too_long")])
def test_a_tampered_present_value_is_refused_with_a_reason(lang, raw, needle):
    at = open_page(ARCH, query={"present": raw, "lang": lang})
    assert at.sidebar.toggle(key="present").value is False
    warnings = [w.value for w in at.sidebar.warning]
    intro = t("present.bad_link", lang, reason="").split("（" if lang == "zh" else "(")[0]
    ours = [w for w in warnings if w.startswith(intro)]
    assert len(ours) == 1, warnings
    if needle == "too_long":
        assert str(MAX_INPUT_CHARS) in ours[0] and f"{len(raw):,}" in ours[0]
    else:
        assert t("field.present", lang) in ours[0] and "yes" in ours[0]
    assert "present" not in at.query_params  # the bad value is not written back
    assert not _large(_specs(at)[0])
    at.sidebar.toggle(key="present").set_value(True).run()  # the user's own choice clears the notice
    assert not [w.value for w in at.sidebar.warning if w.value.startswith(intro)]
    assert _large(_specs(at)[0])
