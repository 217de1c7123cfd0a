"""The one place that touches a private Streamlit API.

The product keeps its page files in ``pages/`` beside ``app.py`` and navigates with ``st.navigation``.
With a ``pages/`` folder, a Streamlit server starts in the old multipage mode (``PagesManager.
uses_pages_directory``), so a shared deep link opened before any other request runs the page file alone,
without ``app.py``'s sidebar. ``st.navigation`` switches the process to the new mode for good, but only
once ``app.py`` has run. Streamlit's own advice is to rename the folder (e.g. to ``views/``), which the
project's layout rules out, so the flag is set here. ``tests/unit/test_streamlit_compat.py`` fails
loudly if a Streamlit release changes any of this.
"""

from __future__ import annotations


def _manager():
    from streamlit.runtime.pages_manager import PagesManager

    return PagesManager


def uses_pages_directory() -> bool:
    """Whether the server process is in the old, ``pages/``-folder mode."""
    return bool(getattr(_manager(), "uses_pages_directory", False))


def use_navigation_mode() -> None:
    """Put the process in ``st.navigation`` mode (what ``st.navigation`` itself does on its first call)."""
    _manager().uses_pages_directory = False
