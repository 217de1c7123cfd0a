"""Fails loudly when a Streamlit release changes the private behaviour ``densenet_viz.ui.compat`` relies on."""

import inspect

from densenet_viz.ui import compat


def test_the_pages_directory_flag_still_works_as_compat_assumes():
    from streamlit.commands import navigation
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import script_runner

    assert hasattr(PagesManager, "uses_pages_directory"), "Streamlit dropped PagesManager.uses_pages_directory"
    # The server decides the mode from a pages/ folder beside the main script ...
    assert '/ "pages"' in inspect.getsource(PagesManager.__init__)
    # ... runs page files alone in the old mode ...
    runner = inspect.getsource(script_runner.ScriptRunner)
    assert "PagesManager.uses_pages_directory" in runner and "_mpa_v1" in runner
    # ... and st.navigation leaves it for good by clearing the flag: what compat does for a deep link.
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation.navigation)
    before = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True
        assert compat.uses_pages_directory()
        compat.use_navigation_mode()
        assert PagesManager.uses_pages_directory is False and not compat.uses_pages_directory()
    finally:
        PagesManager.uses_pages_directory = before


def test_the_served_config_turns_off_the_collector_after_each_run():
    """`.streamlit/config.toml` sets ``runner.postScriptGC = false`` (a full collection per rerun cost
    120-140 ms here); a Streamlit that renamed the option or stopped reading it must fail this."""
    import tomllib
    from pathlib import Path

    from streamlit import config
    from streamlit.runtime.scriptrunner import script_runner

    toml = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert toml["runner"]["postScriptGC"] is False
    assert "runner.postScriptGC" in config._config_options_template
    assert 'config.get_option("runner.postScriptGC")' in inspect.getsource(script_runner.ScriptRunner)
