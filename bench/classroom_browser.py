"""The class room's steps in a real browser (sync Playwright pages), shared by tests/e2e/test_classroom_board.py
and ``bench.a11y_audit``: a teacher starts a class, a student joins by its link and shares the explained
first example from Explain, the teacher approves; and reading the board (its code, links, counts, photos).

Every step works as a person would: by the page's labels and the widgets' keys (Streamlit puts a widget's
key in its element's class, ``st-key-<key>``), never by writing to the database behind the page.
"""

from __future__ import annotations

import re

from bench.harness import wait_idle
from densenet_viz.classroom import normalize_code
from densenet_viz.i18n import class_label, t

MAIN = '[data-testid="stMain"]'
# label -> value of every st.metric on the page, as shown.
METRICS_JS = """() => Object.fromEntries(Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
    .map(m => [(m.querySelector('[data-testid="stMetricLabel"]')?.innerText || '').trim(),
               (m.querySelector('[data-testid="stMetricValue"]')?.innerText || '').trim()]))"""
# The alt texts of the decoded pictures in the page body.
IMAGE_ALTS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] [data-testid="stImage"] img'))
    .filter(i => i.complete && i.naturalWidth > 0).map(i => i.alt)"""
# Streamlit puts a widget's key in the class of its element (and keeps a hidden copy of a button to measure it):
APPROVE_BUTTONS = f'{MAIN} [class*="st-key-class_ok_"] button:visible'


def open_drawn(page, url: str) -> None:
    """Open ``url`` and wait until its run is done and drawn: a link that joins a room or opens a board
    reruns once more, and Streamlit shows grey placeholders (``stSkeleton``) meanwhile while it already says
    "not running"."""
    page.goto(url, timeout=180_000)
    wait_idle(page, need_sidebar=False, timeout_ms=180_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)
    wait_idle(page, need_sidebar=False)


def start_class(page, base_url: str, lang: str = "en") -> str:
    """Open the Class page and press "Start a class"; the room's code, read from the board's header."""
    open_drawn(page, f"{base_url}/classroom?lang={lang}")
    page.locator(f"{MAIN} .st-key-class_start button:visible").click()
    # "Class ABCD-EFGH" (the start page's "Teach a class" must not match: has_text ignores case)
    pattern = re.escape(t("room.board_header", lang, code="@")).replace("@", r"\s*([0-9A-Z]{4}-[0-9A-Z]{4})")
    header = page.locator(f"{MAIN} h2").filter(has_text=re.compile(pattern)).first
    header.wait_for(timeout=120_000)
    wait_idle(page, need_sidebar=False)
    return normalize_code(re.search(pattern, header.inner_text()).group(1))


def join_link(page) -> str:
    """The join link the board's QR code holds, from the QR picture's alt text (the projected text of the link
    has invisible word joiners that keep Markdown from making it live)."""
    for alt in page.evaluate(IMAGE_ALTS_JS):
        found = re.search(r"https?://\S+/classroom\?room=[0-9A-Z]+(&lang=\w+)?", alt)
        if found:
            return found.group(0)
    raise AssertionError("no QR code with the join link on the board")


def teacher_link(page, lang: str = "en") -> str:
    """Open the board's "private teacher link" expander and read the link in it."""
    page.locator(f"{MAIN} [data-testid='stExpander'] summary").filter(has_text=t("room.teacher_link", lang)).click()
    code = page.locator(f"{MAIN} [data-testid='stExpander'] [data-testid='stCode'] code").first
    code.wait_for()
    link = re.sub(r"\s+", "", code.inner_text())
    assert "teacher=" in link, link
    return link


def metrics(page) -> dict[str, str]:
    return page.evaluate(METRICS_JS)


def open_explain(page) -> None:
    """A student, from any page by the sidebar's navigation (same session; a phone's closed sidebar: the address
    with the page's query, which rejoins as the same student): Explain, until its first example is explained
    (the share form under it is drawn last)."""
    link = page.locator('[data-testid="stSidebarNav"] a[href$="/explain"]').first
    box = link.bounding_box() if link.is_visible() else None
    if box is not None and box["x"] >= 0:  # a phone's closed sidebar is drawn off the screen, to the left
        link.click()
    else:
        open_drawn(page, re.sub(r"/classroom(?=\?|$)", "/explain", page.url))
    page.locator(f"{MAIN} .st-key-class_label_0").wait_for(timeout=180_000)
    wait_idle(page, need_sidebar=False)


def share_explained(page, label: str, lang: str = "en") -> None:
    """On Explain: say the first photo is really ``label`` (a class name) and share it; wait for the thanks."""
    form = page.locator(f"{MAIN} [data-testid='stForm']").filter(
        has_text=t("room.share_label", lang)).first
    box = form.get_by_role("combobox", name=t("room.share_label", lang))
    shown = class_label(label, lang)
    for _ in range(5):  # a rerun that lands while the list is open redraws it: open it again
        # A phone taps (its list opens on a touch; an emulated phone's mouse click only focuses it).
        box.tap() if page.evaluate("() => navigator.maxTouchPoints > 0") else box.click()
        try:
            page.get_by_role("option", name=shown, exact=True).click(timeout=5_000)
        except Exception:  # noqa: BLE001 - detached by a redraw: try again
            pass
        if box.input_value() == shown:
            break
        page.keyboard.press("Escape")
    assert box.input_value() == shown, box.input_value()
    form.get_by_role("button", name=t("room.share_button", lang)).click()
    page.get_by_text(t("room.shared", lang, status="").strip()).first.wait_for(timeout=60_000)
    wait_idle(page, need_sidebar=False)


def join_and_share(page, link: str, labels: list[str], lang: str = "en") -> None:
    """A student: open the join ``link``, go to Explain and share its first photo once per label."""
    open_drawn(page, link if "lang=" in link else f"{link}&lang={lang}")
    open_explain(page)
    for label in labels:
        share_explained(page, label, lang)


def approve_all(page, timeout_ms: float = 30_000) -> None:
    """On a teacher's board: press "Show to the class" on every waiting photo (waiting for them to show)."""
    page.locator(APPROVE_BUTTONS).first.wait_for(timeout=timeout_ms)
    while page.locator(APPROVE_BUTTONS).count():
        page.locator(APPROVE_BUTTONS).first.click()
        wait_idle(page, need_sidebar=False)
