"""axe-core (WCAG 2.1 A/AA and best practice) on every page in both languages, fully rendered, by default
and after each page's main interaction (an explained upload, an occlusion square placed by keyboard, an
open lesson panel with feedback, a finished training run, a class board with a shared photo): no critical
or serious violation the app causes, headings in order, each page its own browser title and the document's
language set. The same
audit prints the table in docs/accessibility.md: ``python -m bench.a11y_audit --interact``."""

from __future__ import annotations

import re

import pytest

from bench.a11y_audit import (
    STREAMLIT_TEXTS,
    answer_lesson_wrong,
    audit,
    audit_after,
    occlude_by_keyboard,
    open_page,
    start_class_with_a_photo,
    train_small_network,
    upload_photo,
)
from bench.classroom_browser import IMAGE_ALTS_JS
from bench.harness import PAGES, choose_upload
from densenet_viz.i18n import class_label, t
from densenet_viz.ui.a11y import HTML_LANG, page_title

pytestmark = pytest.mark.e2e

NAV_KEYS = {"": "nav.home", "architecture": "nav.architecture", "concat": "nav.concat",
            "transitions": "nav.transitions", "explain": "nav.explain", "walkthrough": "nav.walkthrough",
            "why": "nav.why", "train_live": "nav.train_live", "classroom": "nav.classroom"}


def blocking(violations) -> list[str]:
    """Critical and serious violations not waiting on a Streamlit issue, plus any heading-order one."""
    return [f"{v.rule} ({v.impact}) x{len(v.targets)}: {v.snippets[0][:200]}" for v in violations
            if (v.impact in ("critical", "serious") or v.rule == "heading-order") and not v.allowed_by]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", list(PAGES), ids=[p or "home" for p in PAGES])
def test_page_passes_axe(browser, warm_server, path, lang):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        open_page(page, warm_server.url, path, lang)
        assert page.title() == page_title(t(NAV_KEYS[path], lang))
        assert page.evaluate("() => document.documentElement.lang") == HTML_LANG[lang]
        assert blocking(audit(page)) == []
    finally:
        page.close()


GROUPED_BARS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(gd => (gd.data || []).length === 2 && gd.data.every(tr => tr.type === 'bar')).length"""


@pytest.fixture
def tall_page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explain_after_an_upload_passes_axe(tall_page, warm_server, lang):
    found = audit_after(upload_photo, tall_page, warm_server.url, lang)
    # the upload's crop and Grad-CAM overlay, each with alt text
    alts = tall_page.locator('[data-testid="stMain"] [data-testid="stImage"] img').evaluate_all(
        "imgs => imgs.map(img => img.alt)")
    assert len(alts) >= 2 and all(alts)
    assert blocking(found) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_occlusion_square_placed_by_keyboard_then_axe(tall_page, warm_server, lang):
    # Tab and Enter only (occlude_by_keyboard): the square is placed, the covered photo's probability and the
    # before/after chart appear; then the page is audited.
    found = audit_after(occlude_by_keyboard, tall_page, warm_server.url, lang)
    assert tall_page.locator('[data-testid="stMain"] [data-testid="stMetric"]').count() == 1
    assert tall_page.evaluate(GROUPED_BARS_JS) == 1
    assert blocking(found) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_open_lesson_panel_with_feedback_passes_axe(tall_page, warm_server, lang):
    found = audit_after(answer_lesson_wrong, tall_page, warm_server.url, lang)
    assert tall_page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]').count() >= 1
    assert blocking(found) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_finished_training_run_passes_axe(tall_page, warm_server, lang):
    found = audit_after(train_small_network, tall_page, warm_server.url, lang)
    assert t("live.state_done", lang, label="") in tall_page.locator('[data-testid="stMain"]').inner_text()
    assert blocking(found) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_class_board_with_a_shared_photo_passes_axe(tall_page, warm_server, lang):
    found = audit_after(start_class_with_a_photo, tall_page, warm_server.url, lang)
    alts = tall_page.evaluate(IMAGE_ALTS_JS)  # the QR code, the shared photo and its Grad-CAM, each described
    assert t("room.photo_alt", lang, n=1, label=class_label("dandelion", lang)) in alts
    assert t("room.cam_alt", lang, n=1) in alts and any("/classroom?room=" in a for a in alts)  # the QR code
    assert tall_page.get_by_text(t("room.confusion_header", lang)).count() == 1
    assert tall_page.locator('[data-testid="stMain"] .js-plotly-plot').count() == 1  # the confusion matrix
    # A new page: held to moderate too (heading order, landmarks), not only critical and serious.
    assert [v.rule for v in found if v.impact != "minor" and not v.allowed_by] == []


ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?:[ '-][A-Za-z]{2,}){2,}")  # three or more English words in a row
NAMES = ("Guided Grad-CAM", "van der Maaten")  # a method's and an author's name stay as they are


@pytest.mark.parametrize("path", ["", "architecture", "explain", "walkthrough"], ids=["home", "architecture",
                                                                                       "explain", "walkthrough"])
def test_chinese_pages_have_no_english_sentences_but_streamlits_own(tall_page, warm_server, path):
    open_page(tall_page, warm_server.url, path, "zh")
    if path == "explain":
        choose_upload(tall_page, "zh")
    text = tall_page.locator("body").inner_text()
    for own in (*STREAMLIT_TEXTS, *NAMES):
        text = text.replace(own, "")
    assert ENGLISH_PHRASE.findall(text) == [], ENGLISH_PHRASE.findall(text)
