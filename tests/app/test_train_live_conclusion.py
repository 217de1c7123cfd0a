"""Train it live concludes (AppTest): after a finished comparison with the noise run, the page shows the
computed conclusion with the runs' own numbers (English and Chinese, the latter on a reload that finds the
shared runs); while the runs wait, their rows say so and no conclusion is drawn.

Runs train on a few random photos (testkit.tiny_live_data, one epoch of two steps)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

import densenet_viz.ui.train_view as train_view
from densenet_viz.i18n import EN, ZH
from densenet_viz.plan import format_count, plan_network
from densenet_viz.train.live import THUMBNAILS_DIR
from densenet_viz.train.live_summary import conclusion, run_outcomes

from testkit import open_page, tables, tiny_live_data

pytestmark = pytest.mark.skipif(not (THUMBNAILS_DIR / "train").is_dir(), reason="no thumbnail pack")
TINY = {"preset": "densenet121", "k": "8", "blocks": "2-2-2", "bn": "0", "init": "16"}
NAMES = ["A: k=8", "B: k=12", "A′: k=8, seed 1"]


@pytest.fixture
def page(monkeypatch):
    """Opens the page with the tiny network and data of this test only, compare k=12, noise measured."""
    monkeypatch.setattr(train_view, "session_id", lambda: "conclusion-test")
    data = tiny_live_data(f"conclusion-{uuid.uuid4().hex[:8]}")
    monkeypatch.setattr(train_view, "live_data", lambda: data)

    def open_(lang: str = "en"):
        at = open_page("pages/train_live.py", timeout=120, query={**TINY, "lang": lang})
        at.selectbox(key="live_compare").set_value("k12")
        at.select_slider(key="live_epochs").set_value(1)
        at.checkbox(key="live_noise").check()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return open_


def start(at):
    at.button(key="live_start").click().run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    return at.session_state["live_runs"]


def finish(runs, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while any(r.active for r in runs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [r.state for r in runs] == ["done"] * len(runs)


def markdown_after(at, heading: str) -> str | None:
    """The markdown right under the header ``heading`` (None without that header)."""
    if heading not in [h.value for h in at.header]:
        return None
    texts = [m.value for m in at.markdown]
    sentences = [s for s in texts if s.startswith("**")]  # the conclusion leads with a bold run name
    assert len(sentences) == 1, texts
    return sentences[0]


def test_a_finished_comparison_concludes_with_its_numbers(page):
    at = page()
    runs = start(at)
    assert [(r.config.growth_rate, r.seed) for r in runs] == [(8, 0), (12, 0), (8, 1)]
    finish(runs)
    at.run()
    assert not at.exception
    table = tables(at)[0]
    assert list(table[EN["live.col_run"]]) == NAMES
    assert list(table[EN["live.col_val"]]) == [f"{r.val_accuracy:.1%}" for r in runs]

    text = markdown_after(at, EN["live.conclusion"])
    assert text == conclusion(*run_outcomes(runs, "en"), "en")
    a, b, repeat = runs
    noise, gap = round(abs(a.val_accuracy - repeat.val_accuracy) * 100, 1), round(
        abs(a.val_accuracy - b.val_accuracy) * 100, 1)
    winner, loser = (a, b) if a.val_accuracy >= b.val_accuracy else (b, a)
    win_name = NAMES[runs.index(winner)]
    for run in (a, b):  # each compared run's accuracy, size and speed
        assert f"{run.val_accuracy:.1%}" in text and format_count(run.params) in text
        assert f"{run.seconds_per_epoch:.1f} s per epoch" in text
    assert f"with seeds 0 and 1 ended {noise:.1f} percentage points apart" in text
    if gap == 0:
        assert text.startswith("**A: k=8** and **B: k=12** tie at")
    else:
        assert text.startswith(f"**{win_name}** won: {winner.val_accuracy:.1%} validation accuracy")
        assert f"{gap:.1f} percentage points ahead of {NAMES[runs.index(loser)]}" in text
        assert ("is larger than the run-to-run noise" in text) == (gap > noise)

    # A new session in Chinese on the same settings finds the shared runs and concludes in Chinese.
    zh = page("zh")
    assert zh.session_state["live_shown"] == runs
    zh_text = markdown_after(zh, ZH["live.conclusion"])
    assert zh_text == conclusion(*run_outcomes(runs, "zh"), "zh")
    assert "百分点" in zh_text and f"{winner.val_accuracy:.1%}" in zh_text
    assert list(tables(zh)[0][ZH["live.col_run"]]) == ["A：k=8", "B：k=12", "A′：k=8，种子 1"]


@pytest.fixture
def trainer_busy():
    """A job that holds the trainer until the test ends, so the runs started meanwhile wait."""
    from densenet_viz.ui.workers import job_executor

    started, release = threading.Event(), threading.Event()
    ticket = job_executor().submit(lambda: (started.set(), release.wait(120)))
    assert started.wait(60), "the executor never started the blocker"
    yield release
    release.set()
    ticket.future.result(timeout=60)


def test_waiting_rows_say_waiting_and_the_queue_line_counts_running_apart(page, trainer_busy):
    at = page()
    runs = start(at)
    assert [r.state for r in runs] == ["queued"] * 3
    table = tables(at)[0]
    assert list(table[EN["live.col_state"]]) == [EN["live.short_queued"]] * 3
    assert list(table[EN["live.col_params"]]) == [format_count(plan_network(r.config).params) for r in runs]
    assert list(table[EN["live.col_val"]]) == ["—"] * 3
    # One job (the blocker) runs; behind it the three runs wait in their order.
    lines = [p.proto.text for p in at.get("progress")]
    assert lines == [EN["live.state_queued"].format(label=name, running=1, waiting=i) for i, name in enumerate(NAMES)]
    assert markdown_after(at, EN["live.conclusion"]) is None  # nothing to conclude yet
    trainer_busy.set()
    finish(runs)
