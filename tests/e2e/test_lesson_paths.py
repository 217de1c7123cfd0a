"""In a real browser on a real server: every page's own path opens that page on a freshly started server
(``/home`` included, which Streamlit alone answers with "Page not found"), and a lesson link opens its
step's page with the lesson panel open and only the chosen sidebar controls."""

from __future__ import annotations

import pytest

from bench.harness import PAGES, SLIDER_THUMB, StreamlitServer, error_texts, wait_idle
from densenet_viz.i18n import t
from densenet_viz.lesson import goal, step_by_id

pytestmark = pytest.mark.e2e

TITLES = {"home": "home.title", "concat": "concat.title", "architecture": "arch.title",
          "transitions": "trans.title", "walkthrough": "walk.title", "explain": "explain.title", "why": "why.title",
          "train_live": "live.title", "classroom": "room.title"}


def _title(pg) -> str:
    return pg.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def test_every_path_opens_its_page_on_a_fresh_server(browser):
    # /home is the first request this server sees: before the fix it said "Page not found" (Streamlit serves
    # the default page only at "/"). Every other path is then opened by its own new session.
    paths = ["home", *(p for p in PAGES if p), ""]
    with StreamlitServer() as fresh:
        context = browser.new_context(viewport={"width": 1300, "height": 900}, base_url=fresh.url)
        pg = context.new_page()
        try:
            for path in paths:
                pg.goto(f"/{path}", timeout=180_000)
                wait_idle(pg, timeout_ms=180_000)
                body = pg.locator("body").inner_text()
                assert "Page not found" not in body, f"/{path}"
                assert _title(pg) == t(TITLES[path or "home"], "en"), f"/{path}"
                assert error_texts(pg) == [], f"/{path}: {error_texts(pg)}"
        finally:
            context.close()


def test_a_lesson_link_opens_its_step_with_only_the_chosen_controls(page):
    page.goto("/?preset=densenet121&k=12&theta=0.75&lang=zh&step=architecture&show=k")
    wait_idle(page)
    page.wait_for_url("**/architecture**")
    wait_idle(page)  # the URL changes when the switch starts; the architecture page's run comes after
    assert _title(page) == t("arch.title", "zh")
    assert page.locator(SLIDER_THUMB).count() == 1  # only k; θ and the rest are hidden but still apply
    assert page.get_by_text(goal(step_by_id("architecture"), "zh")).first.is_visible()  # the panel is open
    assert "theta=0.75" in page.url and "show=k" in page.url
    assert error_texts(page) == []
