"""The app on a phone (390×844, touch) in a real browser: on every page, in both languages, no two texts of a
chart on top of each other, none cut off by its chart, and no chart wider than the screen; the Grad-CAM maps
on Explain at least 150 px wide each; the Architecture page's own k slider on screen; the camera offered.
Charts that only show when asked are checked too: the growth chart with its own controls and a compared
config, and Explain's deletion curve.
Screenshots of each page go to test-artifacts/ (``phone-<page>-<lang>.png``).
"""

from __future__ import annotations

import pytest
from layout_checks import clipped, describe, open_and_read_charts, overlapping, settled_chart_text_boxes

from bench.harness import error_texts, full_page_screenshot, wait_idle
from densenet_viz.i18n import t

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 390, "height": 844}
MIN_MAP_PX = 150  # each Grad-CAM map of the strip (issue 31)
# Page url path -> the charts it draws in its default state (Architecture's others are in closed sections).
CHARTS = {"home": 0, "architecture": 1, "concat": 4, "transitions": 2, "explain": 2, "walkthrough": 1, "why": 1,
          "train_live": 0, "classroom": 0}
# The on-screen width of each Grad-CAM map in the strip (heat maps named after their layer, "features.*").
CAM_MAP_WIDTHS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(gd => (gd.data || []).some(t => t.type === 'heatmap' && String(t.name || '').startsWith('features.')))
    .flatMap(gd => Array.from(gd.querySelectorAll('g.hm image')).map(img => img.getBoundingClientRect().width))"""
# Charts reaching past the screen's right edge (the page would scroll sideways or cut them off).
WIDE_CHARTS_JS = """(width) => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(gd => gd.getBoundingClientRect()).filter(r => r.right > width + 1).map(r => Math.round(r.right))"""


@pytest.fixture
def phone(browser, warm_server):
    context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True, base_url=warm_server.url)
    pg = context.new_page()
    pg.set_default_timeout(180_000)
    yield pg
    context.close()


def _open(page, path: str, lang: str) -> list[dict]:
    # a phone starts with the sidebar closed
    return open_and_read_charts(page, f"/{'' if path == 'home' else path}?lang={lang}", bool(CHARTS[path]),
                                explain=path == "explain")


def _screenshot(page, name: str) -> None:
    full_page_screenshot(page, name, max_height=12000)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", list(CHARTS))
def test_phone_charts_fit_and_do_not_overlap(phone, path, lang):
    boxes = _open(phone, path, lang)
    _screenshot(phone, f"phone-{path}-{lang}")
    assert error_texts(phone) == [], error_texts(phone)
    assert len({b["chart"] for b in boxes}) >= CHARTS[path], f"/{path}: the page's charts were not read"
    problems = {"overlapping": describe(overlapping(boxes)), "cut off": describe(clipped(boxes)),
                "charts reaching past the screen": phone.evaluate(WIDE_CHARTS_JS, VIEWPORT["width"])}
    assert not any(problems.values()), f"/{path}?lang={lang}: {problems}"
    if path == "explain":
        widths = phone.evaluate(CAM_MAP_WIDTHS_JS)
        assert len(widths) == 4, widths  # the four dense blocks' maps
        assert min(widths) >= MIN_MAP_PX, f"Grad-CAM maps {[round(w) for w in widths]} px wide on a phone"
    if path == "architecture":
        k_slider = phone.locator('[data-testid="stMain"] [data-testid="stSlider"]').filter(
            has_text=t("arch.k_page", lang)).first
        box = k_slider.bounding_box()
        assert box is not None and box["width"] > 0.5 * VIEWPORT["width"], box
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], box


def _switch_on(page, label: str) -> None:
    page.locator('[data-testid="stMain"] [data-testid="stCheckbox"]').filter(has_text=label).first.locator(
        "label").first.click()
    wait_idle(page, need_sidebar=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_phone_growth_chart_with_its_controls_and_a_compared_config(phone, lang):
    _open(phone, "architecture", lang)
    _switch_on(phone, t("arch.in_browser", lang))  # the chart's own k slider and ▶ Play
    phone.get_by_text(t("arch.compare_header", lang)).first.click()
    _switch_on(phone, t("arch.compare_toggle", lang))  # a third curve and a legend
    phone.wait_for_function("""() => { const gd = document.querySelector('.js-plotly-plot');
        return gd && gd.data.length === 3 && (gd.layout.sliders || []).length === 1; }""")
    boxes = [b for b in settled_chart_text_boxes(phone) if b["chart"] == 0]
    assert {b["text"] for b in boxes} >= {t("arch.play", lang), t("arch.trace_compare", lang, k=12, theta="0.5")}
    assert overlapping(boxes) == [] and clipped(boxes) == [], describe(overlapping(boxes) + clipped(boxes))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_phone_deletion_curve(phone, lang):
    _open(phone, "explain", lang)
    _switch_on(phone, t("explain.faithfulness", lang))
    phone.wait_for_function("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .some(gd => (gd.data || []).some(t => String(t.name || '').includes('AUC')))""")
    wait_idle(phone, need_sidebar=False)
    boxes = settled_chart_text_boxes(phone)
    assert any("AUC" in b["text"] for b in boxes), "the deletion curve's legend was not read"
    assert overlapping(boxes) == [] and clipped(boxes) == [], describe(overlapping(boxes) + clipped(boxes))


def test_phone_offers_the_camera(phone):
    _open(phone, "explain", "en")
    phone.locator('[data-testid="stMain"] [data-testid="stRadio"] label').filter(
        has_text=t("explain.source_camera", "en")).first.click()
    camera = phone.locator('[data-testid="stCameraInput"]').first
    camera.wait_for(state="visible")
    box = camera.bounding_box()
    assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= VIEWPORT["width"], box
