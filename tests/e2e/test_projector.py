"""Projector mode in a real browser at 1280×720: every chart text at least 16 px, no two texts of a chart on
top of each other, none cut off, and pictures twice as wide; the default mode has smaller text (so the
check can fail). Screenshots of each page go to test-artifacts/ (``projector-<page>-<lang>.png``).
"""

from __future__ import annotations

import pytest
from layout_checks import clipped, describe, open_and_read_charts, overlapping, too_small

from bench.harness import full_page_screenshot
from densenet_viz.i18n import t
from densenet_viz.plots.present import MIN_PX

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1280, "height": 720}
PAGES = ("architecture", "concat", "transitions", "explain")
# Charts each page draws in its default state (Architecture's others are in closed sections).
CHARTS = {"architecture": 1, "concat": 4, "transitions": 2, "explain": 4}
# The width of each picture in the page body (st.image) by its caption.
IMAGE_WIDTHS_JS = """() => Object.fromEntries(Array.from(
    document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"]')).map(box => {
        const img = box.querySelector('img');
        return [(box.innerText || '').trim(), img ? img.getBoundingClientRect().width : 0];
    }))"""


@pytest.fixture
def small_page(browser, warm_server):
    context = browser.new_context(viewport=VIEWPORT, base_url=warm_server.url)
    pg = context.new_page()
    pg.set_default_timeout(180_000)
    yield pg
    context.close()


def _open(page, path: str, present: bool, lang: str = "en") -> list[dict]:
    query = f"?lang={lang}" + ("&present=1" if present else "")
    return open_and_read_charts(page, f"/{path}{query}", explain=path == "explain")


def _screenshot(page, name: str) -> None:
    full_page_screenshot(page, name, max_height=9000)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", PAGES)
def test_projector_chart_text_is_large_and_apart(small_page, path, lang):
    boxes = _open(small_page, path, present=True, lang=lang)
    assert len({b["chart"] for b in boxes}) >= CHARTS[path] and len(boxes) >= 20, "the page's charts were not read"
    assert too_small(boxes, MIN_PX) == [], describe(too_small(boxes, MIN_PX))
    assert overlapping(boxes) == [], describe(overlapping(boxes))
    assert clipped(boxes) == [], describe(clipped(boxes))
    _screenshot(small_page, f"projector-{path}-{lang}")


@pytest.mark.parametrize("path", PAGES)
def test_default_mode_has_smaller_chart_text(small_page, path):
    boxes = _open(small_page, path, present=False)
    assert boxes and too_small(boxes, MIN_PX), "without present=1 the charts keep their usual smaller text"


def test_explain_pictures_are_twice_as_wide(small_page):
    _open(small_page, "explain", present=False)
    normal = small_page.evaluate(IMAGE_WIDTHS_JS)
    _open(small_page, "explain", present=True)
    big = small_page.evaluate(IMAGE_WIDTHS_JS)
    # The photo the model sees and its Grad-CAM overlay, found by their captions: twice as wide as usual.
    photo = t("explain.photo", "en")
    overlay = t("explain.overlay", "en", cls="", layer="", h="", w="").split("“")[0]
    for prefix in (photo, overlay):
        before = [w for caption, w in normal.items() if caption.startswith(prefix)]
        after = [w for caption, w in big.items() if caption.startswith(prefix)]
        assert before and after and before[0] > 50, (prefix, normal, big)
        assert after[0] >= 2 * before[0] - 1, (prefix, before, after)
