"""DenseNet Explorer: the entry point. Sets up the page, the shared sidebar and the navigation."""

import streamlit as st

from densenet_viz.i18n import t
from densenet_viz.serving import freeze_long_lived_objects
from densenet_viz.ui.state import render_sidebar

st.set_page_config(page_title="DenseNet Explorer", page_icon="🌼", layout="wide")
config = render_sidebar()
lang = st.session_state["lang"]


def home() -> None:
    from densenet_viz.ui.home import render_home

    render_home()


pages = [
    st.Page(home, title=t("nav.home", lang), icon="🏠", default=True, url_path="home"),
    st.Page("pages/architecture.py", title=t("nav.architecture", lang), icon="📈", url_path="architecture"),
    st.Page("pages/concat.py", title=t("nav.concat", lang), icon="🕸️", url_path="concat"),
    st.Page("pages/transitions.py", title=t("nav.transitions", lang), icon="🔻", url_path="transitions"),
    st.Page("pages/explain.py", title=t("nav.explain", lang), icon="🔍", url_path="explain"),
    st.Page("pages/walkthrough.py", title=t("nav.walkthrough", lang), icon="🌼", url_path="walkthrough"),
    st.Page("pages/why.py", title=t("nav.why", lang), icon="💡", url_path="why"),
    st.Page("pages/train_live.py", title=t("nav.train_live", lang), icon="🏋️", url_path="train_live"),
]
st.navigation(pages).run()
freeze_long_lived_objects()  # after the first run: imports and first caches are in memory for good
