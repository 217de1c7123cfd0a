"""A shared live run and its watchers: Stop ends one watcher's part; the run stops only when nobody
watches it, at once while it waits (and then the executor's turn skips it)."""

from dataclasses import dataclass

import pytest

from densenet_viz.config import DenseNetConfig
from densenet_viz.plan import plan_network
from densenet_viz.train.live import LiveRun, live_config

from testkit import tiny_live_data

TINY = DenseNetConfig(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=0)


@pytest.fixture(scope="module")
def data():
    return tiny_live_data("unit-watchers")


def new_run(data, epochs: int = 1) -> LiveRun:
    return LiveRun(live_config(TINY, len(data.classes)), data, seed=0, epochs=epochs)


def test_one_watcher_stopping_leaves_the_run_to_the_others(data):
    run = new_run(data)
    assert run.watch("a") and run.watch("b")
    run.stop("a")
    assert run.state == "queued" and run.watchers == {"b"} and run.joinable
    assert run.run() is run
    assert run.state == "done" and len(run.points) == 2  # 64 photos, batch 32: two steps
    assert run.seen_by("b") is run
    mine = run.seen_by("a")  # "a" left before the first step: its view is stopped, with no points
    assert (mine.state, mine.points, mine.seconds) == ("stopped", [], 0.0)
    assert run.state == "done" and len(run.points) == 2  # the frozen copy did not touch the run


def test_the_last_watcher_stopping_a_queued_run_stops_it_at_once_and_its_turn_is_skipped(data):
    run = new_run(data)
    run.watch("a")
    run.watch("b")
    run.stop("a")
    run.stop("b")
    assert run.state == "stopped" and not run.active and not run.joinable
    assert run.run() is run  # the executor's turn: returns at once
    assert run.state == "stopped" and run.points == [] and run.seconds == 0.0


def test_a_stopped_run_cannot_be_joined_but_a_watcher_may_come_back_to_a_live_one(data):
    run = new_run(data)
    run.watch("a")
    run.watch("b")
    run.stop("a")
    assert run.seen_by("a").state == "stopped"
    assert run.watch("a")  # pressing Start again joins the run others kept going
    assert run.seen_by("a") is run and run.watchers == {"a", "b"}
    run.stop("a")
    run.stop("b")
    assert not run.watch("c") and run.watchers == set()


def test_stopping_a_finished_run_changes_nothing(data):
    run = new_run(data)
    run.watch("a")
    run.run()
    run.stop("a")
    assert run.state == "done" and run.seen_by("a") is run and run.watchers == {"a"}


def test_stop_without_a_watcher_stops_the_run_for_everyone(data):
    run = new_run(data)
    run.watch("a")
    run.watch("b")
    run.stop()
    assert run.state == "stopped" and run.watchers == set()


def test_a_watcher_leaving_mid_run_sees_the_curves_where_it_left(data):
    run = new_run(data, epochs=2)
    run.watch("a")
    run.watch("b")
    evaluate = run._evaluate

    def leave_after_first_epoch(*args):  # "a" presses Stop at the first epoch's end
        accuracy = evaluate(*args)
        if "a" in run.watchers:
            run.stop("a")
        return accuracy

    run._evaluate = leave_after_first_epoch
    run.run()
    assert run.state == "done" and len(run.points) == 4
    mine = run.seen_by("a")
    assert mine.state == "stopped" and len(mine.points) == 1  # the epoch-end point was appended after it left
    assert mine.seconds == run.points[0].seconds


def test_a_waiting_run_knows_its_size_and_its_own_place(data):
    @dataclass
    class FakeTicket:
        ahead: int

        def position(self) -> int:
            return self.ahead

    run = new_run(data)
    assert run.params == plan_network(run.config).params > 0  # before any training
    assert run.queue_place() == 0  # not submitted yet
    run.ticket = FakeTicket(3)
    assert run.queue_place() == 3
    run.run()
    assert run.queue_place() == 0  # not waiting any more
    assert run.params == plan_network(run.config).params  # the built model has the planned size
