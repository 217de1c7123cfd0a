"""Fixtures for the real-browser tests: one ``streamlit run`` server and one headless Chromium per session.

Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright through ``executable_path`` (Playwright's
own browser download is not used). Outside CI a missing browser or Playwright skips these tests; with
``CI`` set they fail instead, because the browser test must never be skipped there.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import ARTIFACTS, CHROMIUM_ARGS, StreamlitServer, chromium_executable  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
SETUP_HINT = "install with: apt-get install -y chromium && .venv/bin/pip install -r requirements-dev.txt"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason}; the browser tests must run in CI ({SETUP_HINT})", pytrace=False)
    pytest.skip(f"{reason} ({SETUP_HINT})")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        _unavailable("chromium is not installed")
    return path


@pytest.fixture(scope="session")
def streamlit_server(chromium_path):
    """The app served on a free loopback port for the whole test session; its log lands in test-artifacts/."""
    with StreamlitServer(log_dir=ARTIFACTS) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # noqa: BLE001 - report why the browser did not start, then stop playwright
        pw.stop()
        _unavailable(f"chromium did not start: {str(exc).splitlines()[0]}")
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture(scope="session")
def warm_server(browser, streamlit_server):
    """Open the home page once so the first test does not pay for importing torch and first runs.

    (A cold deep link is tested on its own, fresh server in test_browser.py.)
    """
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(streamlit_server.url, timeout=180_000)
    pg.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSlider"]', timeout=180_000)
    context.close()
    return streamlit_server


@pytest.fixture
def page(browser, warm_server, request):
    """A fresh browser context (its own Streamlit session) and page; a screenshot is kept if the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=warm_server.url)
    pg = context.new_page()
    pg.set_default_timeout(120_000)  # the first run of a page imports torch and builds models on 2 cores
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.page_errors = errors  # JavaScript exceptions in the page, for tests to assert on
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            pg.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
        except Exception:  # noqa: BLE001 - a screenshot must not hide the real failure
            pass
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item so the page fixture knows whether the test failed.
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep
