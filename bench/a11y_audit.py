"""axe-core audit of every page in both languages, as a table of violations by impact.

    PYTHONPATH=. .venv/bin/python -m bench.a11y_audit [--interact] [--json out.json]

Starts one server, opens each page in Debian's headless Chromium at 1280 px wide with a viewport as tall
as the page (so every element is rendered and in view), waits for the rerun to finish and runs axe-core
(WCAG 2.0/2.1 A and AA rules). ``--interact`` also audits each page after its main interaction.
``tests/e2e/test_accessibility.py`` uses the same functions and fails on any critical or serious
violation that is not in ``STREAMLIT_ALLOWED``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # noqa: E402
    CHROMIUM_ARGS,
    PAGES,
    StreamlitServer,
    chromium_executable,
    grow_to_page,
    wait_idle,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]  # best practice: heading order
IMPACTS = ("critical", "serious", "moderate", "minor")
LANGS = ("en", "zh")

# Violations that come from Streamlit's own frame, not from this app's content: (rule id, CSS selector
# fragment of the offending element) -> the Streamlit issue it waits on. Anything else fails the test.
STREAMLIT_ALLOWED: dict[tuple[str, str], str] = {}
# Texts Streamlit's widgets draw in English whatever the app's language, with no supported way to change
# them (Streamlit 1.67), and the issue that asks for one. The app's help texts translate them.
STREAMLIT_TEXTS: dict[str, str] = {
    "Drag and drop files here": "streamlit/streamlit#13500",
    "Browse files": "streamlit/streamlit#13500",
    "MB per file": "streamlit/streamlit#13500",  # "Limit 200MB per file"
    "Take Photo": "none found",
    "Clear photo": "none found",
    "Skip to main content": "none found",  # Streamlit's own skip link (its navigation for keyboards)
}


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)  # each element's HTML and axe's reason, for people

    @property
    def allowed_by(self) -> str | None:
        """The Streamlit issue this violation waits on, when every offending element is Streamlit's own."""
        for (rule, fragment), issue in STREAMLIT_ALLOWED.items():
            if rule == self.rule and all(fragment in t for t in self.targets):
                return issue
        return None


def audit(page) -> list[Violation]:
    """axe-core's WCAG A/AA violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    response = Axe().run(page, options=options).response
    return [Violation(v["id"], v.get("impact") or "minor", v["help"],
                      [" ".join(map(str, n["target"])) for n in v["nodes"]],
                      [f"{n['html'][:160]} | {n.get('failureSummary', '')[:200]}" for n in v["nodes"]])
            for v in response["violations"]]


def open_page(page, base_url: str, path: str, lang: str, query: str = "") -> None:
    sep = "&" if query else ""
    page.goto(f"{base_url}/{path}?lang={lang}{sep}{query}", timeout=180_000)
    wait_idle(page, timeout_ms=180_000)
    grow_to_page(page)
    wait_idle(page, timeout_ms=180_000)


def summarize(violations: list[Violation]) -> dict:
    counts = {impact: 0 for impact in IMPACTS}
    for v in violations:
        counts[v.impact] += len(v.targets)
    return {**counts, "rules": sorted({v.rule for v in violations})}


TRAIN_QUERY = "preset=densenet121&k=8&blocks=2-2-2&bn=0&init=16"  # a small network: two epochs in seconds


def tab_to(page, name: str, limit: int = 25) -> None:
    """Press Tab until the focused element is the one called ``name`` (the keyboard way to reach it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => (document.activeElement?.innerText || '').trim()") == name:
            return
    raise AssertionError(f"{name!r} not reached by Tab in {limit} presses")


def upload_photo(page, base_url: str, lang: str) -> None:
    """Explain: upload a generated photo and wait for it to be explained."""
    import tempfile

    from bench.harness import choose_upload, make_photo

    open_page(page, base_url, "explain", lang)
    choose_upload(page, lang)
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / "upload.jpg"
        photo.write_bytes(make_photo(31))
        page.locator('[data-testid="stMain"] input[type="file"]').set_input_files(str(photo))
        wait_idle(page, timeout_ms=180_000)
    page.wait_for_selector('[data-testid="stMain"] img', timeout=60_000)


def occlude_by_keyboard(page, base_url: str, lang: str) -> None:
    """Explain, keyboard only: from the square-size slider, Tab to "move right" and press Enter, which places
    the occlusion square (at the centre, then one step right); wait for the covered photo's answer."""
    from densenet_viz.i18n import t

    open_page(page, base_url, "explain", lang)
    page.get_by_text(t("occ.title", lang), exact=True).wait_for(timeout=180_000)
    grow_to_page(page)
    page.get_by_role("slider", name=t("occ.size", lang)).focus()
    tab_to(page, t("occ.right", lang))
    page.keyboard.press("Enter")
    page.get_by_text(t("occ.hint", lang)).wait_for(state="detached", timeout=180_000)
    wait_idle(page, timeout_ms=180_000)


def answer_lesson_wrong(page, base_url: str, lang: str) -> None:
    """Concatenation opened by a lesson link (panel open); a wrong answer to the first question, and its feedback."""
    open_page(page, base_url, "concat", lang, query="step=concat")
    answer = page.locator('[data-testid="stMain"] [data-testid="stNumberInput"] input').first
    answer.wait_for(timeout=60_000)
    answer.fill("100000")
    answer.press("Enter")  # submits the question's form
    page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]').first.wait_for(timeout=60_000)
    wait_idle(page, timeout_ms=180_000)


def train_small_network(page, base_url: str, lang: str) -> None:
    """Train live: train a small network for the default two epochs and wait for the run to be done."""
    from densenet_viz.i18n import t

    open_page(page, base_url, "train_live", lang, query=TRAIN_QUERY)
    page.get_by_role("button", name=t("live.start", lang)).click()
    page.wait_for_function("""(done) => document.querySelector('[data-testid="stMain"]').innerText
        .includes(done)""", arg=t("live.state_done", lang, label=""), timeout=300_000)
    wait_idle(page, timeout_ms=180_000)


def start_class_with_a_photo(page, base_url: str, lang: str) -> None:
    """Class: start a class; a student (another session) joins by its link and shares Explain's first example
    labelled "dandelion"; the teacher approves it, so the board shows a photo, its Grad-CAM, the counts and
    the confusion matrix."""
    from bench.classroom_browser import approve_all, join_and_share, join_link, start_class

    start_class(page, base_url, lang)
    student = page.context.browser.new_page()  # a browser context of its own: another person's device
    try:
        join_and_share(student, join_link(page), ["dandelion"], lang)
    finally:
        student.close()
    approve_all(page)
    page.locator('[data-testid="stMain"] .js-plotly-plot').first.wait_for(timeout=60_000)  # the matrix
    wait_idle(page, need_sidebar=False, timeout_ms=180_000)


# Each page's main interaction, audited with --interact (and by tests/e2e/test_accessibility.py).
INTERACTIONS = {"explain + upload": upload_photo, "explain + occlusion": occlude_by_keyboard,
                "concat + lesson": answer_lesson_wrong, "train_live + run": train_small_network,
                "classroom + shared photo": start_class_with_a_photo}


def audit_after(interaction, page, base_url: str, lang: str) -> list[Violation]:
    """Do ``interaction`` (an ``INTERACTIONS`` value), show the whole page and audit it."""
    interaction(page, base_url, lang)
    grow_to_page(page)
    wait_idle(page, timeout_ms=180_000)
    return audit(page)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", help="write every violation here")
    p.add_argument("--pages", nargs="*", default=list(PAGES), help="url paths ('' is Home)")
    p.add_argument("--interact", action="store_true", help="also audit each page after its main interaction")
    a = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows, detail = [], {}
    with StreamlitServer() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
        for lang in LANGS:
            for path in a.pages:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                open_page(page, server.url, path, lang)
                found = audit(page)
                page.close()
                name = path or "home"
                rows.append((name, lang, summarize(found)))
                detail[f"{name}/{lang}"] = [vars(v) | {"allowed_by": v.allowed_by} for v in found]
            for name, interaction in (INTERACTIONS.items() if a.interact else ()):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                found = audit_after(interaction, page, server.url, lang)
                page.close()
                rows.append((name, lang, summarize(found)))
                detail[f"{name}/{lang}"] = [vars(v) | {"allowed_by": v.allowed_by} for v in found]
        browser.close()
    print(f"{'page':<20} {'lang':<4} " + " ".join(f"{i:>8}" for i in IMPACTS) + "  rules")
    for name, lang, s in rows:
        print(f"{name:<20} {lang:<4} " + " ".join(f"{s[i]:>8}" for i in IMPACTS) + "  " + ", ".join(s["rules"]))
    if a.json:
        Path(a.json).write_text(json.dumps(detail, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
