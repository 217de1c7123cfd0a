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
    wait_idle,
)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]  # best practice: heading order
IMPACTS = ("critical", "serious", "moderate", "minor")
LANGS = ("en", "zh")

# Violations that come from Streamlit's own frame, not from this app's content: (rule id, CSS selector
# fragment of the offending element) -> the Streamlit issue it waits on. Anything else fails the test.
STREAMLIT_ALLOWED: dict[tuple[str, str], str] = {}


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


def grow_to_page(page, max_height: int = 9000) -> None:
    """Make the viewport as tall as Streamlit's scrolling main block, so everything is laid out and seen."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), max_height))})
    page.wait_for_timeout(400)  # Plotly re-lays out at the new size


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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", help="write every violation here")
    p.add_argument("--pages", nargs="*", default=list(PAGES), help="url paths ('' is Home)")
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
        browser.close()
    print(f"{'page':<12} {'lang':<4} " + " ".join(f"{i:>8}" for i in IMPACTS) + "  rules")
    for name, lang, s in rows:
        print(f"{name:<12} {lang:<4} " + " ".join(f"{s[i]:>8}" for i in IMPACTS) + "  " + ", ".join(s["rules"]))
    if a.json:
        Path(a.json).write_text(json.dumps(detail, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
