"""The class room in real browsers, each person a browser context of their own: a teacher starts a class on
the projector, a student joins by its link on a phone and shares the photo Explain explained, the teacher
approves it on a second device (the private teacher link), and the projected board shows the photo by
itself (its redraw every 3 s, nobody touching that page). Another room's board never shows it. Then the
page at a desktop's and a phone's size, in both languages, with two photos on the board (one the model got
right, one wrong) and in projector mode; screenshots go to test-artifacts/ (``class-*.png``).
"""

from __future__ import annotations

import re
import time

import pytest
from layout_checks import clipped, describe, overlapping, settled_chart_text_boxes

from bench.classroom_browser import (
    APPROVE_BUTTONS,
    IMAGE_ALTS_JS,
    approve_all,
    join_and_share,
    join_link,
    metrics,
    open_drawn,
    open_explain,
    share_explained,
    start_class,
    teacher_link,
)
from bench.harness import (
    CLASSES,
    PLOTLY_DATA_JS,
    error_texts,
    full_page_screenshot,
    top1_from_traces,
)
from densenet_viz.classroom import format_code
from densenet_viz.i18n import class_label, t
from densenet_viz.ui.classroom import BOARD_REFRESH_S

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
BY_ITSELF_S = 15  # a change must reach an untouched board within this (it redraws every BOARD_REFRESH_S)
MAIN = '[data-testid="stMain"]'
# Whether the page body scrolls sideways (something wider than the screen).
SIDEWAYS_JS = "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth - window.innerWidth"
# The on-screen width of each picture by its alt text.
IMAGE_WIDTHS_JS = """() => Object.fromEntries(Array.from(
    document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img'))
    .map(img => [img.alt, img.getBoundingClientRect().width]))"""


def _context(browser, base_url: str, phone: bool = False):
    context = (browser.new_context(base_url=base_url, **PHONE) if phone
               else browser.new_context(viewport=DESKTOP, base_url=base_url))
    context.set_default_timeout(180_000)
    return context


def _wait_text(page, text: str, present: bool = True, timeout_s: float = BY_ITSELF_S) -> float:
    """Seconds until the page body does (or no longer does) show ``text``, without touching the page."""
    t0 = time.monotonic()
    page.wait_for_function("([text, present]) => document.querySelector('[data-testid=\"stMain\"]')"
                           ".innerText.includes(text) === present", arg=[text, present], timeout=timeout_s * 1000)
    return time.monotonic() - t0


def _wait_image(page, alt: str, timeout_s: float = BY_ITSELF_S) -> float:
    t0 = time.monotonic()
    page.wait_for_function(f"(alt) => ({IMAGE_ALTS_JS})().includes(alt)", arg=alt, timeout=timeout_s * 1000)
    return time.monotonic() - t0


def test_board_shows_a_photo_approved_on_another_device_by_itself(browser, warm_server):
    url, lang, label = warm_server.url, "en", "dandelion"
    projector, student_ctx, phone_ctx, other_ctx = (
        _context(browser, url), _context(browser, url, phone=True), _context(browser, url, phone=True),
        _context(browser, url))
    try:
        board = projector.new_page()
        code = start_class(board, url, lang)
        assert t("room.board_header", lang, code=format_code(code)) in board.locator(f"{MAIN} h2").first.inner_text()
        assert "teacher=" not in board.url  # the key is never in the projected address bar
        link, private = join_link(board), teacher_link(board, lang)
        assert link == f"{url}/classroom?room={code}" and private.startswith(f"{link}&teacher=")
        assert metrics(board)[t("room.joined_count", lang)] == "0"

        # The student, on a phone of their own: joins by the link, shares Explain's first example.
        student = student_ctx.new_page()
        join_and_share(student, link, [label], lang)
        assert t("room.shared_pending", lang) in student.locator(MAIN).inner_text()
        assert error_texts(student) == []

        # Nobody touches the board from here on: it must show the waiting photo by itself.
        pending = t("room.pending_header", lang, n=1)
        waited = _wait_text(board, pending)
        assert metrics(board)[t("room.joined_count", lang)] == "1"
        assert metrics(board)[t("room.shared_count", lang)] == "1"
        assert metrics(board)[t("room.accuracy", lang)] == t("room.accuracy_none", lang)  # nothing approved yet

        # The teacher's phone opens the private link and approves.
        phone = phone_ctx.new_page()
        open_drawn(phone, private)
        assert "teacher=" not in phone.url
        assert t("room.board_header", lang, code=format_code(code)) in phone.locator(MAIN).inner_text()
        approve_all(phone)
        assert phone.locator(APPROVE_BUTTONS).count() == 0
        approved_at = time.monotonic()

        alt = t("room.photo_alt", lang, n=1, label=class_label(label, lang))
        _wait_text(board, pending, present=False, timeout_s=BY_ITSELF_S)
        _wait_image(board, alt, timeout_s=max(1.0, BY_ITSELF_S - (time.monotonic() - approved_at)))
        shown_after = time.monotonic() - approved_at
        assert shown_after <= BY_ITSELF_S, shown_after
        right = metrics(board)[t("room.accuracy", lang)]
        assert re.fullmatch(r"[01]/1", right), right  # the approved photo is counted, right or wrong
        assert t("room.confusion_header", lang) in board.locator(MAIN).inner_text()
        board.locator(f"{MAIN} .js-plotly-plot").first.wait_for(timeout=10_000)  # Plotly draws after the page
        assert board.locator(f"{MAIN} .js-plotly-plot").count() == 1  # the confusion matrix
        assert error_texts(board) == [] and error_texts(phone) == []
        print(f"pending on the board after {waited:.1f} s; approved photo after {shown_after:.1f} s")

        # A second room (in Chinese) never shows the first room's photo, through several redraws.
        other = other_ctx.new_page()
        second = start_class(other, url, "zh")
        assert second != code
        heading = other.locator(f"{MAIN} h2").first.inner_text()
        assert heading == t("room.board_header", "zh", code=format_code(second)), heading
        other.wait_for_timeout(2.5 * BOARD_REFRESH_S * 1000)
        alts = other.evaluate(IMAGE_ALTS_JS)
        assert len(alts) == 1 and code not in alts[0] and f"room={second}" in alts[0], alts  # its QR code only
        assert metrics(other)[t("room.shared_count", "zh")] == "0"
        assert t("room.no_photos", "zh") in other.locator(MAIN).inner_text()
    finally:
        for context in (projector, student_ctx, phone_ctx, other_ctx):
            context.close()


def _shot(page, name: str) -> None:
    full_page_screenshot(page, name, max_height=6000)


def _layout_problems(page, phone: bool) -> dict:
    """Sideways scrolling on a phone, error boxes, pictures too small to see, and chart texts (the confusion
    matrix's) on top of each other or cut off."""
    widths = page.evaluate(IMAGE_WIDTHS_JS)
    boxes = settled_chart_text_boxes(page)
    found = {"sideways px": page.evaluate(SIDEWAYS_JS) if phone else 0, "errors": error_texts(page),
             "small pictures": {alt: round(w) for alt, w in widths.items() if 0 < w < (90 if phone else 120)},
             "chart texts overlapping": describe(overlapping(boxes)), "chart texts cut off": describe(clipped(boxes))}
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_class_pages_on_a_desktop_and_a_phone(browser, warm_server, lang):
    url = warm_server.url
    desk, phone_ctx = _context(browser, url), _context(browser, url, phone=True)
    try:
        teacher = desk.new_page()
        start = phone_ctx.new_page()
        open_drawn(start, f"{url}/classroom?lang={lang}")
        _shot(start, f"class-start-{lang}-phone")
        assert _layout_problems(start, phone=True) == {}
        open_drawn(teacher, f"{url}/classroom?lang={lang}")
        _shot(teacher, f"class-start-{lang}-desktop")
        code = start_class(teacher, url, lang)
        link, private = join_link(teacher), teacher_link(teacher, lang)

        # A student on a phone: joined, then two shares of the same photo, one labelled as the model says.
        student = phone_ctx.new_page()
        assert link.endswith("" if lang == "en" else f"&lang={lang}")  # the link opens the teacher's language
        open_drawn(student, link)
        body = student.locator(MAIN).inner_text()
        assert format_code(code) in body  # said on the page itself: a phone's sidebar is closed
        _shot(student, f"class-student-{lang}-phone")
        assert _layout_problems(student, phone=True) == {}
        open_explain(student)
        shown = {class_label(c, lang): c for c in CLASSES}  # the top-5 chart's class names, in the page's language
        top = top1_from_traces(student.evaluate(PLOTLY_DATA_JS), classes=tuple(shown))
        assert top is not None
        right, wrong = shown[top[0]], next(c for c in CLASSES if c != shown[top[0]])
        share_explained(student, right, lang)
        share_explained(student, wrong, lang)
        approve_all(teacher)
        _wait_image(teacher, t("room.photo_alt", lang, n=2, label=class_label(right, lang)))
        assert metrics(teacher)[t("room.accuracy", lang)] == "1/2"
        text = teacher.locator(MAIN).inner_text()
        # The model's mistake first.
        assert text.index(t("room.verdict_wrong", lang)) < text.index(t("room.verdict_right", lang))
        _shot(teacher, f"class-board-{lang}-desktop")
        assert _layout_problems(teacher, phone=False) == {}

        # The board on the teacher's phone, and the student's own shares on the class page.
        board_phone = phone_ctx.new_page()
        open_drawn(board_phone, private)
        _shot(board_phone, f"class-board-{lang}-phone")
        assert _layout_problems(board_phone, phone=True) == {}
        open_drawn(student, re.sub(r"/explain(?=\?)", "/classroom", student.url))
        _shot(student, f"class-student-shared-{lang}-phone")
        assert _layout_problems(student, phone=True) == {}
        assert len(student.evaluate(IMAGE_ALTS_JS)) == 2
    finally:
        desk.close()
        phone_ctx.close()


def test_projector_mode_makes_the_board_readable_from_the_back(browser, warm_server):
    url = warm_server.url
    desk, student_ctx = _context(browser, url), _context(browser, url, phone=True)
    try:
        teacher = desk.new_page()
        start_class(teacher, url, "en")
        private = teacher_link(teacher, "en")
        join_and_share(student_ctx.new_page(), join_link(teacher), ["dandelion"], "en")
        approve_all(teacher)
        normal = teacher.evaluate(IMAGE_WIDTHS_JS)
        projected = desk.new_page()
        open_drawn(projected, f"{private}&present=1")
        _wait_image(projected, t("room.photo_alt", "en", n=1, label="dandelion"))
        big = projected.evaluate(IMAGE_WIDTHS_JS)
        _shot(projected, "class-board-en-projector")
        photo = t("room.photo_alt", "en", n=1, label="dandelion")
        qr = next(alt for alt in big if "/classroom?room=" in alt)
        assert big[qr] > normal[qr] and big[qr] >= 300, (normal[qr], big[qr])
        assert big[photo] >= 1.8 * normal[photo], (normal[photo], big[photo])
        assert _layout_problems(projected, phone=False) == {}
    finally:
        desk.close()
        student_ctx.close()
