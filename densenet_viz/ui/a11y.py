"""What every page shares for accessibility: its own browser title, the document's language, readable
captions and links (WCAG 2.1 AA; checked by axe-core in tests/e2e/test_accessibility.py)."""

from __future__ import annotations

import streamlit as st

APP_TITLE = "DenseNet Explorer"
HTML_LANG = {"en": "en", "zh": "zh-CN"}  # BCP 47 tags for <html lang>, from the UI language

# Streamlit greys captions to 3.9:1 on white and their links to 3.0:1 (AA asks 4.5:1): take the body
# text's colour, slightly lighter (about 7:1 on white, in the dark theme too), and underline links so they
# do not rely on colour to stand out from the text around them.
_CSS = """<style>
[data-testid="stCaptionContainer"], [data-testid="stImageCaption"] { color: inherit; opacity: 0.82; }
[data-testid="stCaptionContainer"] a, [data-testid="stImageCaption"] a {
    color: inherit; text-decoration: underline;
}
</style>"""
# Streamlit's <html> always says lang="en"; screen readers read 中文 with the wrong voice unless it changes.
_LANG_JS = "<script>document.documentElement.lang = {tag!r};</script>"


def page_title(page_name: str) -> str:
    """The browser tab's title for a page: its own name first, then the app's."""
    return f"{page_name} · {APP_TITLE}"


def frame_page(page_name: str, lang: str) -> None:
    """Call once per run after ``st.navigation``: the page's browser title, ``<html lang>``, readable captions."""
    st.set_page_config(page_title=page_title(page_name))
    st.html(_CSS + _LANG_JS.format(tag=HTML_LANG.get(lang, "en")), unsafe_allow_javascript=True)

