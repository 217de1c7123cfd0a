"""DenseNet Explorer: the entry point. Sets up the page, the shared sidebar and the navigation."""

import streamlit as st

from densenet_viz.i18n import t
from densenet_viz.serving import freeze_long_lived_objects
from densenet_viz.ui.a11y import APP_TITLE, frame_page
from densenet_viz.ui.lesson_view import remember_pages
from densenet_viz.ui.state import render_sidebar, start_run

st.set_page_config(page_title=APP_TITLE, page_icon="🌼", layout="wide")
lang = start_run()


pages = {  # page id (its url path; densenet_viz.lesson.STEP_IDS) -> page
    # The default page is served at "/"; its url_path "" leaves "home" to the hidden twin below.
    "home": st.Page("pages/home.py", title=t("nav.home", lang), icon="🏠", default=True, url_path=""),
    "architecture": st.Page("pages/architecture.py", title=t("nav.architecture", lang), icon="📈",
                            url_path="architecture"),
    "concat": st.Page("pages/concat.py", title=t("nav.concat", lang), icon="🕸️", url_path="concat"),
    "transitions": st.Page("pages/transitions.py", title=t("nav.transitions", lang), icon="🔻",
                           url_path="transitions"),
    "explain": st.Page("pages/explain.py", title=t("nav.explain", lang), icon="🔍", url_path="explain"),
    "walkthrough": st.Page("pages/walkthrough.py", title=t("nav.walkthrough", lang), icon="🌼",
                           url_path="walkthrough"),
    "why": st.Page("pages/why.py", title=t("nav.why", lang), icon="💡", url_path="why"),
    "train_live": st.Page("pages/train_live.py", title=t("nav.train_live", lang), icon="🏋️", url_path="train_live"),
    "classroom": st.Page("pages/classroom.py", title=t("nav.classroom", lang), icon="🧑‍🏫", url_path="classroom"),
}
# Streamlit serves the default page only at "/": this hidden twin serves /home.
home_path = st.Page("pages/home.py", title=t("nav.home", lang), icon="🏠", url_path="home", visibility="hidden")
page = st.navigation([*pages.values(), home_path])  # the page to run; the sidebar depends on it
remember_pages(pages)
frame_page(page.title, lang)
render_sidebar(page.url_path or "home")
page.run()
freeze_long_lived_objects()  # after the first run: imports and first caches are in memory for good
