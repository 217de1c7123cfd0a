"""All user-facing text. One catalogue per page or feature (``architecture.py``, ``explain.py``, ...), each
entry holding its English and Chinese side by side; pages look strings up with ``t(key, lang)``.

Conventions: keys start with their page's prefix (``arch.``, ``explain.``, ...); every figure function
(``plots*.py``) takes ``lang`` and looks up its own titles, axis labels and hover text, so a page passes
data and the language, never translated fragments. Tests check that every entry has both languages with
the same ``{placeholders}`` and that every key is used somewhere.
"""

from __future__ import annotations

from . import (
    architecture,
    charts,
    classroom,
    common,
    concat,
    errors,
    explain,
    lesson,
    present,
    training,
    transitions,
    walkthrough,
    why,
)

LANGUAGES = {"en": "English", "zh": "简体中文"}
CATALOGUES = (common, errors, architecture, concat, transitions, explain, walkthrough, why, training, lesson, present,
              charts, classroom)

EN: dict[str, str] = {}
ZH: dict[str, str] = {}
for _catalogue in CATALOGUES:
    for _key, (_en, _zh) in _catalogue.STRINGS.items():
        if _key in EN:
            raise ValueError(f"UI string {_key!r} is defined twice")
        EN[_key], ZH[_key] = _en, _zh
TABLES = {"en": EN, "zh": ZH}


def t(key: str, lang: str = "en", **values) -> str:
    """The string for ``key`` in ``lang`` (English if missing), formatted with ``values``."""
    table = TABLES.get(lang, EN)
    text = table.get(key) or EN.get(key)
    if text is None:
        raise KeyError(f"no UI string {key!r}")
    return text.format(**values) if values else text


def class_label(name: str, lang: str = "en") -> str:
    """A flower class name for display in ``lang``; unknown names (custom data sets) pass through."""
    key = f"class.{name}"
    return t(key, lang) if key in EN else name


def class_list(names, lang: str = "en") -> str:
    """Class names for display in ``lang``, as a list in a sentence ("daisy, tulips"; "雏菊、郁金香")."""
    return ("、" if lang == "zh" else ", ").join(class_label(n, lang) for n in names)
