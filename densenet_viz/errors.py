"""Errors a user can cause, carrying a code and fields so every UI language can say them.

``str(exc)`` is the English sentence (CLI, logs, tests); pages call ``user_message(exc, lang)``.
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


def render(code: str, fields: dict[str, Any], lang: str) -> str:
    from .i18n import t

    def word(term: Term) -> str:
        try:
            return t(term, lang)
        except KeyError:  # a name with no label (a training-recipe field): show the name itself
            return term.rsplit(".", 1)[-1]

    values = {k: (word(v) if isinstance(v, Term) else v) for k, v in fields.items()}
    return t(f"error.{code}", lang, **values)


def user_message(exc: BaseException, lang: str = "en") -> str:
    """The message for ``exc`` in ``lang``; anything that is not a ``UserError`` gets a generic sentence."""
    if isinstance(exc, UserError):
        return render(exc.code, exc.fields, lang)
    return render("unexpected", {"kind": type(exc).__name__}, lang)


def shorten(text: Any, limit: int = 60) -> str:
    """Echo user input safely: at most ``limit`` characters, with an ellipsis and the full length."""
    s = str(text)
    return s if len(s) <= limit else f"{s[: limit - 1]}… ({len(s):,} characters)"
