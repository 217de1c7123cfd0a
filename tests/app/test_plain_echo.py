"""Nothing a user typed is rendered as Markdown, LaTeX or HTML (issue 29): link values and file names
echoed in messages arrive as literal text (``errors.markdown_literal``)."""

from __future__ import annotations

import re

import pytest

from densenet_viz.config import PRESETS
from densenet_viz.errors import WORD_JOINER, markdown_literal, user_message
from densenet_viz.urlstate import config_from_query
from densenet_viz.weights import SHIPPED_MODEL

from testkit import open_page, shown_text

J = WORD_JOINER


def joined(c: str) -> str:
    """How ``markdown_literal`` writes ':', '.', '@', '-', '<', '>' and '~': escaped, between word joiners."""
    return f"{J}\\{c}{J}"


C, D, AT, LT, GT, TL = joined(":"), joined("."), joined("@"), joined("<"), joined(">"), joined("~")

# (query, the text a reader must see, how it must arrive in the warning's Markdown)
HOSTILE_LINKS = [
    ({"preset": "[Login](http://127.0.0.1:9/phish)"}, "'[Login](http://127.0.0.1:9/phish)'",
     f"\\[Login\\]\\(http{C}//127{D}0{D}0{D}1{C}9/phish\\)"),
    ({"preset": "densenet121", "k": "**bold**"}, "'**bold**'", "\\*\\*bold\\*\\*"),
    ({"preset": "densenet121", "blocks": "$x^2$"}, "'$x^2$'", "\\$x^2\\$"),
    ({"preset": "densenet121", "size": "<b>hi</b>"}, "'<b>hi</b>'", f"{LT}b{GT}hi{LT}/b{GT}"),
    ({"preset": "densenet121", "theta": ":red[alarm]"}, "':red[alarm]'", f"{C}red\\[alarm\\]"),
    ({"preset": "densenet121", "k": "![x](p.png) `c` ~s~ # | &amp; {t} -> x"},
     "'![x](p.png) `c` ~s~ # | &amp; {t} -> x'",
     f"\\!\\[x\\]\\(p{D}png\\) \\`c\\` {TL}s{TL} \\# \\| \\&amp; \\{{t\\}} {joined('-')}{GT} x"),
    ({"preset": "densenet121", "k": "www.evil.com :smile: :material/home: :streamlit: a@b.org"},
     "'www.evil.com :smile: :material/home: :streamlit: a@b.org'",
     f"www{D}evil{D}com {C}smile{C} {C}material/home{C} {C}streamlit{C} a{AT}b{D}org"),
]

# Streamlit 1.67's front end (StreamlitMarkdown, remark-emoji, GFM autolinks) rewrites these in the text
# left after Markdown parsing, where backslash escapes are gone; ':material/' is rewritten in the source.
TEXT_REWRITES = [re.compile(p) for p in (
    r":\+1:|:-1:|:[\w-]+:",  # emoji shortcodes
    r":material_(\w+):", r":streamlit:",  # icons, after the source's ':material/' became ':material_'
    r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)",  # bare links
    r"(?<![^\s\W])([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)",  # bare e-mail addresses
    r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)",  # typographic arrows and signs
)]


def assert_nothing_live(markdown: str, value: str) -> None:
    """``value``, inside ``markdown``, can be no Markdown syntax nor match a text rewrite."""
    escaped = markdown_literal(value)
    assert escaped in markdown
    unescaped = re.sub(r"\\.", "", escaped)  # what is left of the value outside backslash escapes
    assert not set(unescaped) & set("\\`*_{}[]()<>#+-.!|~$:&@"), unescaped
    parsed = re.sub(r"\\(.)", r"\1", escaped.replace(":material/", ":material_"))  # the text nodes
    assert not [p.pattern for p in TEXT_REWRITES if p.search(parsed)], parsed


# ------------------------------------------------------------------------------------ the one escaper
def test_every_markdown_character_is_escaped_and_nothing_else_changes():
    special = "\\`*_{}[]()<>#+-.!|~$:&@"
    escaped = markdown_literal(special)
    assert shown_text(escaped) == special
    assert escaped.replace(J, "") == "".join("\\" + c for c in special)
    assert escaped.count(J) == 14  # around ':.@-<>~': the text-level rewrites ignore backslashes
    assert markdown_literal("Gänseblümchen 6 12 24 16 雏菊 /'\"=^%,;?") == "Gänseblümchen 6 12 24 16 雏菊 /'\"=^%,;?"


def test_line_breaks_cannot_start_a_block():
    # A line break would let "# heading", "- item", "> quote" or an indented code block begin.
    assert markdown_literal("a\n# h\r\n- i\n\n    code\x00\x7f") == f"a \\# h  {joined('-')} i      code  "


def test_the_cli_keeps_the_raw_english_and_the_ui_gets_literal_text():
    _, _, problem = config_from_query({"preset": "densenet121", "k": "**3**"})
    assert str(problem) == "Growth rate k: '**3**' is not a whole number"
    assert user_message(problem, "en", markdown=False) == str(problem)
    assert user_message(problem, "en") == "Growth rate k: '\\*\\*3\\*\\*' is not a whole number"
    assert user_message(problem, "zh") == "增长率 k：'\\*\\*3\\*\\*' 不是整数"


# ------------------------------------------------------------------------------------- in the sidebar
@pytest.mark.parametrize("query, seen, markdown", HOSTILE_LINKS, ids=lambda v: str(v)[:24])
def test_a_hostile_link_value_is_echoed_as_plain_text(query, seen, markdown):
    at = open_page(None, query=query)
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1, warnings
    body = warnings[0]
    assert markdown in body, body
    assert seen in shown_text(body)  # the reader sees exactly what was in the link
    assert_nothing_live(body, seen)
    preset = query["preset"] if query["preset"] in PRESETS else "densenet121"
    assert at.session_state["config"] == PRESETS[preset]


def test_the_live_checks_would_catch_plain_and_backslash_only_echoes():
    with pytest.raises(AssertionError):
        assert_nothing_live("x [a](b) y", "[a](b)")  # raw: not even markdown_literal's output
    backslashed_only = "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$:&@" else c for c in ":smile: www.e.org")
    parsed = re.sub(r"\\(.)", r"\1", backslashed_only)
    assert [p for p in TEXT_REWRITES if p.search(parsed)]  # backslashes alone leave the emoji and the link


def test_a_value_typed_into_the_blocks_box_is_echoed_as_plain_text():
    at = open_page(None)
    at.sidebar.text_input(key="cfg_blocks").set_value("[x](http://a.b) _i_").run()
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "'[x](http://a.b) _i_'" in shown_text(errors[0])
    assert f"'\\[x\\]\\(http{C}//a{D}b\\) \\_i\\_'" in errors[0]
    assert_nothing_live(errors[0], "'[x](http://a.b) _i_'")


# --------------------------------------------------------------------------------- an uploaded file name
@pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")
def test_an_uploaded_file_name_is_echoed_as_plain_text():
    at = open_page("pages/explain.py")
    at.radio(key="ex_source").set_value("upload").run()
    at.file_uploader(key="ex_upload").set_value([
        ("www.evil.com __x__ $y$ ~z~.jpg", b"just some text, renamed", "image/jpeg"),
    ]).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1, errors
    name = "www.evil.com __x__ _y_ _z_.jpg"  # data.safe_name already drops $ and ~
    assert shown_text(errors[0]).startswith(f"{name} cannot be used")
    assert errors[0].startswith(f"www{D}evil{D}com \\_\\_x\\_\\_ \\_y\\_ \\_z\\_{D}jpg cannot be used")
    assert_nothing_live(errors[0], name)
