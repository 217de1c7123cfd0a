"""Shared fixtures: import paths, small thread counts, AppTest in st.navigation mode."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):  # the package, and tests/testkit.py
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


@pytest.fixture(autouse=True, scope="session")
def _small_thread_pool():
    # The CI machine has 2 cores; tiny test models run faster single-threaded and leave room for others.
    try:
        import torch

        torch.set_num_threads(int(os.environ.get("TEST_TORCH_THREADS", "1")))
    except ImportError:
        pass
    yield


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

    from densenet_viz.ui.compat import use_navigation_mode

    init = pages_manager.PagesManager.__init__

    def v2_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        use_navigation_mode()

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", v2_init)
    yield
