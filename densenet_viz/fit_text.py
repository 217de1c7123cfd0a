"""Chart texts that fit a phone (pure, no plotly, no streamlit).

The server never learns how wide the screen is, so a chart's long texts are broken into lines (``<br>``, which
plotly draws as line breaks) for the narrowest screen the app is laid out for: a 390 px phone, where a chart
is about 358 px wide. Wider screens show the same lines. Widths are estimated, not measured: a CJK character
is 1 em wide, anything else at most ``NARROW_EM`` (the app's Source Sans, bold, averages about 0.42 em).
"""

from __future__ import annotations

import re
import unicodedata

PHONE_CHART_PX = 358  # a chart's width on a 390 px phone (Streamlit pads the page 16 px each side)
PHONE_TITLE_PX = 340  # what a chart title may take of a phone's 358 px wide chart (it starts 4 px in)
TITLE_PX = 16  # Streamlit's size for chart titles
AXIS_TITLE_PX = 14  # and for axis titles
LINE_EM = 1.3  # plotly.js's line height for texts broken with <br>
NARROW_EM = 0.47  # a little over the measured 0.42 em: capitals and wide letters vary it
# Punctuation a line must not start with: a break goes after it, never before.
NO_LINE_START = set("，、。：；！？）》」』,.:;!?)")
OPENING = set("（《「『(")  # a line may start with these, never end with them
TAG = re.compile(r"(<[^>]*>)")


def char_em(ch: str) -> float:
    """The estimated width of one character, in em."""
    return 1.0 if _is_wide(ch) else NARROW_EM


def text_em(text: str) -> float:
    """The estimated width of one line of text in em (tags such as ``<b>`` take no room)."""
    return sum(char_em(ch) for ch in TAG.sub("", text))


def _is_wide(ch: str) -> bool:
    return len(ch) == 1 and unicodedata.east_asian_width(ch) in ("W", "F")


def _break_before(atoms: list[tuple[str, float]], i: int) -> int:
    """How good a line end just before ``atoms[i]`` is: 3 after punctuation (and its space) or before an
    opening bracket, 2 after a space, 1 between CJK characters (a phrase may be cut), 0 not allowed (inside
    a word, before closing punctuation, after an opening bracket, next to a tag)."""
    prev, ch = atoms[i - 1][0], atoms[i][0]
    if len(prev) != 1 or len(ch) != 1 or ch == " " or ch in NO_LINE_START or prev in OPENING:
        return 0
    before = "".join(c for c, _ in atoms[max(0, i - 2):i]).rstrip()
    if ch in OPENING or (before and before[-1] in NO_LINE_START):
        return 3
    if prev == " ":
        return 2
    return 1 if _is_wide(ch) or _is_wide(prev) else 0


def _wrap_line(line: str, max_em: float) -> list[str]:
    """Greedy line breaking: each line fits in ``max_em`` (unless one word is longer), ending at the best
    place past 40 % of its width (punctuation, then a space), else at the last place it may end."""
    atoms: list[tuple[str, float]] = []  # characters, and tags as one atom of no width
    for part in TAG.split(line):
        atoms.extend([(part, 0.0)] if TAG.fullmatch(part) else [(ch, char_em(ch)) for ch in part])
    lines: list[str] = []
    start, width, i = 0, 0.0, 0
    best: dict[int, int] = {}  # quality -> the latest place the current line may end with that quality
    while i < len(atoms):
        quality = _break_before(atoms, i) if i > start else 0
        if quality and (quality == 1 or width >= 0.4 * max_em):  # good ends count once the line is long enough
            best[quality] = i
        width += atoms[i][1]
        if width > max_em and best:
            end = best[max(best)]
            lines.append("".join(c for c, _ in atoms[start:end]).rstrip())
            start = i = end
            width, best = 0.0, {}
            continue
        i += 1
    lines.append("".join(c for c, _ in atoms[start:]).rstrip())
    return lines


def wrap(text: str, max_px: float = PHONE_TITLE_PX, font_px: float = TITLE_PX) -> str:
    """``text`` with ``<br>`` where its lines would grow wider than ``max_px`` at ``font_px``; the breaks it
    already has are kept."""
    max_em = max_px / font_px
    return "<br>".join(out for line in text.split("<br>") for out in _wrap_line(line, max_em))


def fit_title(text: str, margin_t: int, font_px: float = TITLE_PX, keep_bottom: bool = False) -> tuple[str, int]:
    """(``text`` wrapped to a phone's width, the top margin that holds it): ``margin_t`` is the margin for one
    line, and each further line adds its height. ``keep_bottom``: the margin's lower part holds other text
    (subplot titles), so it grows by two lines per further line, as plotly keeps the title in its middle."""
    wrapped = wrap(text, font_px=font_px)
    lines_more = wrapped.count("<br>") * (2 if keep_bottom else 1)
    return wrapped, margin_t + round(lines_more * LINE_EM * font_px)
