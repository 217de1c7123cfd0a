"""A short classroom load test in the suite: 5 concurrent browser sessions on one server.

The full 20-session run is ``python -m bench.load_test`` (numbers in docs/benchmarks.md).
"""

from __future__ import annotations

import concurrent.futures
import math

import pytest

from bench.harness import ARTIFACTS
from bench.load_test import format_report, run_load

pytestmark = pytest.mark.e2e

SESSIONS = 5


def test_five_students_each_see_their_own_prediction(browser, warm_server):
    # Playwright's async API gets its own thread (and event loop), apart from the sync browser fixture's.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        # The browsers start through the niced launcher, as the 30-session runs in docs/benchmarks.md do.
        report = pool.submit(run_load, warm_server.url, warm_server.pid, SESSIONS, 240.0,
                             reference="library", browser_nice=5).result()
    ARTIFACTS.mkdir(exist_ok=True)
    text = format_report(report)
    (ARTIFACTS / "load-short.txt").write_text(text)
    assert report["sessions"] == SESSIONS and report["browser_nice"] == 5
    for r in report["results"]:
        assert r["errors"] == [], f"session {r['index']}: {r['errors']}"
        assert r["shown"] is not None and r["shown"][0] == r["expected"][0], text
        assert abs(r["shown"][1] - r["expected"][1]) <= 1e-3, text
        assert r["shown_after_slider"] == r["shown"], "moving the slider changed this session's prediction"
    assert report["rss_growth_mb"] <= report["max_rss_growth_mb"], text
    assert math.isfinite(report["explain_p95_s"]) and report["explain_p95_s"] > 0
    # The server's CPU time was charged to each phase (open, upload, slider): all measured, all spent.
    assert all(math.isfinite(v) and v > 0 for v in report["cpu_per_session_s"].values()), report
    assert report["ok"], text
