"""Shared fixtures: the repo root on sys.path, small thread counts, generated images."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True, scope="session")
def _small_thread_pool():
    # The CI machine has 2 cores; tiny test models run faster single-threaded and leave room for others.
    try:
        import torch

        torch.set_num_threads(int(os.environ.get("TEST_TORCH_THREADS", "1")))
    except ImportError:
        pass
    yield


def make_flower_folder(root: Path, classes=("daisy", "roses"), per_class=6, size=48, seed=0) -> Path:
    """A tiny class folder of generated images, one colour pattern per class, plus a stray text file."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    for c, name in enumerate(classes):
        d = root / name
        d.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            base = np.zeros((size, size, 3), np.float32)
            base[..., c % 3] = 200
            img = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
            Image.fromarray(img).save(d / f"img{i}.jpg", quality=90)
    (root / classes[0] / "notes.txt").write_text("not an image")
    return root


APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _navigation_v2(request, monkeypatch):
    """Run AppTests the way a live server runs after its first request: in st.navigation mode.

    With a pages/ folder beside app.py, Streamlit treats the app as an old-style multipage app until
    st.navigation has run once in the process. A live server switches for good on its first run
    (ui.state.ensure_app_navigation covers a first request that is a deep link); AppTest resets that
    flag on every run, so it is pinned here, or a switched-to page would run without app.py's sidebar.
    """
    if "app" not in request.node.path.parts[-2:-1]:
        yield
        return
    from streamlit.runtime import pages_manager

    init = pages_manager.PagesManager.__init__

    def v2_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", v2_init)
    yield


def open_page(page: str | None, timeout: float = 120, query: dict | None = None):
    """An AppTest of app.py (sidebar included), switched to ``page`` (e.g. "pages/concat.py")."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
