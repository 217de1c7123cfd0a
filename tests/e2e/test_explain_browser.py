"""Real browser (headless Chromium): upload a photo on the Explain page; the overlay renders, no error shows."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]


def _free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("playwright")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.skip("no Chromium")
    port = _free_port(int(os.environ.get("EXPLAIN_E2E_PORT", "8622")))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the streamlit server did not start")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_upload_shows_overlay_and_no_error(server, tmp_path):
    from playwright.sync_api import sync_playwright

    photo = tmp_path / "flower <b>x<b>.png"
    rng = np.random.default_rng(0)
    Image.fromarray((rng.random((300, 400, 3)) * 255).astype(np.uint8)).save(photo)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(server)
        page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=60_000)
        page.get_by_role("link", name="Explain a prediction").first.click()
        page.get_by_text("Upload photos").click()
        page.set_input_files('[data-testid="stFileUploaderDropzoneInput"]', str(photo))
        overlay = page.locator('[data-testid="stImage"]', has_text="Grad-CAM for").first
        overlay.wait_for(timeout=180_000)
        img = overlay.locator("img").first
        page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle(),
                               timeout=60_000)
        assert img.evaluate("el => el.naturalWidth") >= 160
        page.get_by_text("Explained 1 photo(s).").wait_for(timeout=60_000)
        out = ROOT / "test-artifacts"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / "explain-upload.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        main = page.locator('[data-testid="stMain"]')  # the sidebar belongs to app.py, not to this page
        errors = main.locator('[data-testid="stAlertContentError"]')
        assert errors.count() == 0, errors.all_inner_texts()
        assert page.get_by_text("flower _b_x_b_.png").count() >= 1  # the hostile name, made safe
        assert page.locator("b", has_text="x").count() == 0  # and never rendered as HTML
        browser.close()
