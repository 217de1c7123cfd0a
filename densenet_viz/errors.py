"""Errors a user can cause, carrying a code and fields so every UI language can say them.

``str(exc)`` is the English sentence (CLI, logs, tests); pages call ``user_message(exc, lang)``, which
also makes every field inert for Streamlit's Markdown (``markdown_literal``): fields echo what a user typed.
A field that is itself a word to translate (a config field's name) is passed as ``Term(key)``.
"""

from __future__ import annotations

from typing import Any


class Term(str):
    """An i18n key standing in a message field; rendered in the message's language."""


class UserError(ValueError):
    """A bad input, with ``code`` (an i18n key under ``error.``) and the ``fields`` its message needs."""

    def __init__(self, code: str, **fields: Any):
        self.code = code
        self.fields = fields
        super().__init__(render(code, fields, "en"))


def render(code: str, fields: dict[str, Any], lang: str, markdown: bool = False) -> str:
    """The message of ``code`` in ``lang``; with ``markdown`` every non-``Term`` field is made literal text."""
    from .i18n import t

    def word(term: Term) -> str:
        try:
            return t(term, lang)
        except KeyError:  # a name with no label (a training-recipe field): show the name itself
            return term.rsplit(".", 1)[-1]

    def value(v: Any) -> Any:
        return word(v) if isinstance(v, Term) else markdown_literal(v) if markdown else v

    return t(f"error.{code}", lang, **{k: value(v) for k, v in fields.items()})


def user_message(exc: BaseException, lang: str = "en", markdown: bool = True) -> str:
    """The message for ``exc`` in ``lang``; anything that is not a ``UserError`` gets a generic sentence.
    For a page (``markdown``, the default) the fields are literal Markdown; the CLI passes ``markdown=False``."""
    if isinstance(exc, UserError):
        return render(exc.code, exc.fields, lang, markdown)
    return render("unexpected", {"kind": type(exc).__name__}, lang, markdown)


def shorten(text: Any, limit: int = 60) -> str:
    """Echo user input safely: at most ``limit`` characters, with an ellipsis and the full length."""
    s = str(text)
    return s if len(s) <= limit else f"{s[: limit - 1]}… ({len(s):,} characters)"


# Streamlit's Markdown (st.markdown/warning/error/info/caption, image captions) reads these as syntax:
# CommonMark and GFM punctuation, KaTeX's $, directives (:red[...]), HTML and entity references (<, &).
_MARKDOWN_SYNTAX = "\\`*_{}[]()<>#+-.!|~$:&@"
# Some rewrites look past a backslash escape: emoji and icon shortcodes (:smile:, :material/x:, :streamlit:),
# GFM's bare links (www.x.org, http://..., a@b.org) and typographic arrows (-> <- <-> -- >= <= ~=) are found
# in the parsed text, and ':material/' even in the source. An invisible WORD JOINER on both sides of these
# characters keeps those patterns from matching (checked in a browser: tests/e2e/test_hostile_link_live.py).
WORD_JOINER = "\u2060"
_JOINED = ":.@-<>~"
_LITERAL = str.maketrans({
    **{c: f"{WORD_JOINER}\\{c}{WORD_JOINER}" if c in _JOINED else "\\" + c for c in _MARKDOWN_SYNTAX},
    **{chr(i): " " for i in (*range(32), 127)},  # a line break could start a list, a heading or a code block
})


def markdown_literal(text: Any) -> str:
    """``text`` as Streamlit Markdown that shows exactly its characters and nothing live: no link, image,
    emphasis, LaTeX, colour, icon, emoji or HTML. Line breaks and other control characters become spaces."""
    return str(text).translate(_LITERAL)
