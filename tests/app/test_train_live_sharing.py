"""Train it live, shared between sessions (AppTest): Stop ends only the caller's part, each waiting
session sees its own place, a run stopped while queued says so at once and is skipped, a reload shows the
shared run again, and a waiting run's row tells its size and that it waits.

Runs train on a few random photos (testkit.tiny_live_data), and a blocker job holds the trainer so runs
stay queued for as long as a test needs. Every AppTest is the same Streamlit session ("test session id"),
so each test names its sessions itself through ``train_view.session_id``."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

import densenet_viz.ui.train_view as train_view
from densenet_viz.i18n import EN
from densenet_viz.plan import format_count, plan_network
from densenet_viz.plots.teaching import live_run_label
from densenet_viz.train.live import THUMBNAILS_DIR
from densenet_viz.train.live_summary import short_run_names

from testkit import open_page, tables, tiny_live_data

pytestmark = pytest.mark.skipif(not (THUMBNAILS_DIR / "train").is_dir(), reason="no thumbnail pack")
TINY = {"preset": "densenet121", "k": "8", "blocks": "2-2-2", "bn": "0", "init": "16"}


class Sessions:
    """Stands in for Streamlit's session ids: ``use(at, name)`` runs ``at`` as session ``name``."""

    def __init__(self):
        self.current = "-"

    def open(self, name: str):
        self.current = name
        return open_page("pages/train_live.py", timeout=120, query=TINY)

    def run(self, name: str, at):
        self.current = name
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    def start(self, name: str, at):
        self.current = name
        at.button(key="live_start").click().run()
        assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
        return at

    def stop(self, name: str, at):
        self.current = name
        at.button(key="live_stop").click().run()
        assert not at.exception, [e.value for e in at.exception]
        return at


@pytest.fixture
def sessions(monkeypatch):
    names = Sessions()
    monkeypatch.setattr(train_view, "session_id", lambda: names.current)
    data = tiny_live_data(f"sharing-{uuid.uuid4().hex[:8]}")  # runs of this test only
    monkeypatch.setattr(train_view, "live_data", lambda: data)
    return names


@pytest.fixture
def trainer_busy():
    """A job that holds the trainer until the test ends, so the runs started meanwhile wait."""
    from densenet_viz.ui.workers import job_executor

    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        started.set()
        release.wait(120)

    ticket = job_executor().submit(hold)
    assert started.wait(60), "the executor never started the blocker"
    yield release
    release.set()
    ticket.future.result(timeout=60)


def progress_texts(at) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def state_column(at) -> list[str]:
    return list(tables(at)[0][EN["live.col_state"]])


def finish(runs, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while any(r.active for r in runs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(r.active for r in runs), [r.state for r in runs]


def name(run) -> str:
    """The run's name in the progress lines of a session that shows it alone."""
    return short_run_names([run], "en")[0]


def queued_text(run, running: int, waiting: int) -> str:
    """The line of a waiting run with ``running`` jobs running and ``waiting`` waiting ahead of it."""
    if not running + waiting:
        return EN["live.state_next"].format(label=name(run))
    return EN["live.state_queued"].format(label=name(run), running=running, waiting=waiting)


def test_stop_ends_only_the_callers_part_of_a_shared_run(sessions, trainer_busy):
    a, b = sessions.open("a"), sessions.open("b")
    sessions.start("a", a)
    sessions.start("b", b)
    [run] = a.session_state["live_runs"]
    assert b.session_state["live_runs"][0] is run
    sessions.stop("a", a)
    label = name(run)
    assert progress_texts(a) == [EN["live.state_stopped"].format(label=label)]
    assert state_column(a) == [EN["live.short_stopped"]]
    sessions.run("b", b)
    assert state_column(b) == [EN["live.short_queued"]]
    trainer_busy.set()
    finish([run])
    assert run.state == "done" and len(run.points) == 4  # 64 photos, batch 32, two epochs: b kept it going
    assert run.watchers == {"b"}
    assert state_column(sessions.run("b", b)) == [EN["live.short_done"]]
    assert progress_texts(b) == [EN["live.state_done"].format(label=label)]
    assert state_column(sessions.run("a", a)) == [EN["live.short_stopped"]]  # a stopped its part: stays so


def test_each_waiting_session_sees_its_own_place(sessions, trainer_busy):
    a, b = sessions.open("a"), sessions.open("b")
    sessions.start("a", a)
    b.number_input(key="live_seed").set_value(1)  # another question: a second run behind a's
    sessions.start("b", b)
    [run_a], [run_b] = a.session_state["live_runs"], b.session_state["live_runs"]
    assert run_a is not run_b and run_a.state == run_b.state == "queued"
    # The blocker runs; a's run waits first in line, b's behind it: each session reads its own place, and
    # the line tells running from waiting.
    [text_a], [text_b] = progress_texts(sessions.run("a", a)), progress_texts(sessions.run("b", b))
    assert text_a == queued_text(run_a, running=1, waiting=0)
    assert text_b == queued_text(run_b, running=1, waiting=1)
    assert [run_a.queue_place(), run_b.queue_place()] == [1, 2]
    assert state_column(b) == [EN["live.short_queued"]]  # waiting, not training
    trainer_busy.set()
    finish([run_a, run_b])
    assert progress_texts(sessions.run("b", b)) == [EN["live.state_done"].format(label=name(run_b))]


def test_a_run_stopped_while_queued_says_stopped_at_once_and_is_skipped(sessions, trainer_busy):
    a = sessions.open("a")
    sessions.start("a", a)
    [run] = a.session_state["live_runs"]
    assert run.state == "queued"
    sessions.stop("a", a)
    assert run.state == "stopped"  # at once, not when the trainer gets to it
    assert progress_texts(a) == [EN["live.state_stopped"].format(label=name(run))]
    assert state_column(a) == [EN["live.short_stopped"]]
    trainer_busy.set()
    assert run.ticket.future.result(timeout=60) is run  # its turn came and went without training
    assert run.state == "stopped" and run.points == [] and run.seconds == 0.0


def test_a_reload_shows_the_shared_run_again_without_starting_one(sessions):
    a = sessions.open("a")
    sessions.start("a", a)
    [run] = a.session_state["live_runs"]
    finish([run])
    assert run.state == "done"
    registry, _ = train_view._registry()
    runs_before = list(registry.values())
    reloaded = sessions.open("a-reloaded")  # a new session on the same link, same settings
    assert len(tables(reloaded)) == 1
    table = tables(reloaded)[0]
    assert list(table[EN["live.col_config"]]) == [live_run_label(run, "en")]
    assert list(table[EN["live.col_state"]]) == [EN["live.short_done"]]
    assert list(table[EN["live.col_val"]]) == [f"{run.val_accuracy:.1%}"]
    assert list(registry.values()) == runs_before  # no new run ...
    assert "live_runs" not in reloaded.session_state and reloaded.session_state["live_shown"] == [run]  # ... shown
    reloaded.number_input(key="live_seed").set_value(1)  # settings nobody ran: nothing to show
    sessions.run("a-reloaded", reloaded)
    assert reloaded.session_state["live_shown"] == [] and not tables(reloaded)


def test_a_waiting_runs_row_says_waiting_and_gives_its_size(sessions, trainer_busy):
    a = sessions.open("a")
    a.selectbox(key="live_compare").set_value("k12")
    sessions.start("a", a)
    runs = a.session_state["live_runs"]
    assert [r.state for r in runs] == ["queued", "queued"]
    table = tables(a)[0]
    sizes = [format_count(plan_network(r.config).params) for r in runs]
    assert list(table[EN["live.col_params"]]) == sizes and "0" not in sizes
    assert list(table[EN["live.col_state"]]) == [EN["live.short_queued"]] * 2
    assert list(table[EN["live.col_epoch_time"]]) == ["—", "—"]
    trainer_busy.set()
    finish(runs)
    assert [r.params for r in runs] == [plan_network(r.config).params for r in runs]
