"""axe-core (WCAG 2.1 A/AA and best practice) on every page in both languages, fully rendered, by default
and after Explain's main interaction: no critical or serious violation the app causes, headings in order,
each page its own browser title and the document's language set. The same audit prints the table in
docs/accessibility.md: ``python -m bench.a11y_audit``."""

from __future__ import annotations

import pytest

from bench.a11y_audit import audit, grow_to_page, open_page
from bench.harness import PAGES, choose_upload, make_photo, wait_idle
from densenet_viz.i18n import t
from densenet_viz.ui.a11y import HTML_LANG, page_title

pytestmark = pytest.mark.e2e

NAV_KEYS = {"": "nav.home", "architecture": "nav.architecture", "concat": "nav.concat",
            "transitions": "nav.transitions", "explain": "nav.explain", "walkthrough": "nav.walkthrough",
            "why": "nav.why", "train_live": "nav.train_live"}


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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_explain_after_an_upload_passes_axe(browser, warm_server, lang, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        open_page(page, warm_server.url, "explain", lang)
        choose_upload(page, lang)
        photo = tmp_path / "upload.jpg"
        photo.write_bytes(make_photo(31))
        page.locator('[data-testid="stMain"] input[type="file"]').set_input_files(str(photo))
        wait_idle(page, timeout_ms=180_000)
        page.wait_for_selector('[data-testid="stMain"] img', timeout=60_000)
        grow_to_page(page)
        wait_idle(page, timeout_ms=180_000)
        assert blocking(audit(page)) == []
    finally:
        page.close()
