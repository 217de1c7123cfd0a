"""The Train-it-live conclusion and run names (densenet_viz.train.live_summary), from hand-made run results."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from densenet_viz.config import DenseNetConfig
from densenet_viz.i18n import EN, ZH
from densenet_viz.train.live_summary import (
    RunOutcome,
    conclusion,
    planned_runs,
    repeat_seed,
    run_outcomes,
    short_run_names,
)

K12 = DenseNetConfig(growth_rate=12, block_config=(2, 2, 2), num_init_features=16, num_classes=5, input_size=64)
K32 = K12.replace(growth_rate=32)


def outcome(name: str, acc: float | None, params: int = 1_060_000, time: float = 4.0, state: str = "done",
            seed: int = 0) -> RunOutcome:
    return RunOutcome(name, seed, state, acc, params, time)


A = outcome("A: k=12", 0.635, 1_060_000, 4.04)
B = outcome("B: k=32", 0.615, 6_960_000, 9.0)


def test_planned_runs_add_the_first_configuration_with_a_second_seed_for_the_noise():
    assert planned_runs([K12, K32], 3, False) == [(K12, 3), (K32, 3)]
    assert planned_runs([K12, K32], 3, True) == [(K12, 3), (K32, 3), (K12, repeat_seed(3))]
    assert repeat_seed(3) != 3
    assert planned_runs([K12], 0, True) == [(K12, 0), (K12, 1)]
    assert planned_runs([], 0, True) == []


def runs_of(*pairs) -> list:
    return [SimpleNamespace(config=config, seed=seed) for config, seed in pairs]


def test_short_names_say_what_sets_each_configuration_apart():
    assert short_run_names(runs_of((K12, 0), (K32, 0))) == ["A: k=12", "B: k=32"]
    assert short_run_names(runs_of((K12, 0), (K12.replace(bn_size=0), 0))) == ["A: bottleneck 4", "B: bottleneck 0"]
    assert short_run_names(runs_of((K12, 0), (K12.replace(compression=1.0), 0))) == ["A: θ=0.5", "B: θ=1"]
    assert short_run_names(runs_of((K12, 0), (K12.replace(block_config=(2, 2)), 0))) == ["A: blocks 2-2-2",
                                                                                         "B: blocks 2-2"]
    assert short_run_names(runs_of((K12, 0))) == ["A: k=12"]  # alone: its growth rate


def test_the_noise_run_is_named_after_the_configuration_it_repeats():
    runs = runs_of((K12, 5), (K32, 5), (K12, 6))
    assert short_run_names(runs) == ["A: k=12", "B: k=32", "A′: k=12, seed 6"]
    assert short_run_names(runs, "zh") == ["A：k=12", "B：k=32", "A′：k=12，种子 6"]


def test_run_outcomes_split_off_the_noise_run():
    def run(config, seed, acc, state="done"):
        return SimpleNamespace(config=config, seed=seed, state=state, val_accuracy=acc, params=7, seconds_per_epoch=2.0)

    compared, repeat = run_outcomes([run(K12, 0, 0.6), run(K32, 0, 0.5), run(K12, 1, 0.55, "stopped")])
    assert [(o.name, o.val_acc) for o in compared] == [("A: k=12", 0.6), ("B: k=32", 0.5)]
    assert (repeat.name, repeat.seed, repeat.state, repeat.val_acc) == ("A′: k=12, seed 1", 1, "stopped", 0.55)
    compared, repeat = run_outcomes([run(K12, 0, 0.6), run(K32, 0, 0.5)])
    assert len(compared) == 2 and repeat is None


def test_a_winner_with_unknown_noise():
    text = conclusion([A, B], None, "en")
    win = EN["live.verdict_win"].format(name="A: k=12", acc="63.5%", params="1.06M", time="4.0", gap="2.0",
                                        name2="B: k=32", acc2="61.5%", params2="6.96M", time2="9.0")
    unknown = EN["live.noise_unknown"].format(name="A: k=12", option=EN["live.noise"])
    assert text == f"{win} {unknown}"
    assert text.startswith("**A: k=12** won: 63.5% validation accuracy with 1.06M parameters and 4.0 s per epoch")
    assert "2.0 percentage points ahead of B: k=32 (61.5% with 6.96M parameters and 9.0 s per epoch)" in text
    assert conclusion([B, A], None, "en").startswith(win)  # the order on the page does not pick the winner


def test_the_winner_in_chinese():
    text = conclusion([B, A], None, "zh")
    assert text.startswith("**A: k=12** 胜出：验证准确率 63.5%，参数量 1.06M，每轮 4.0 秒，比 B: k=32")
    assert "高 2.0 个百分点" in text and ZH["live.noise"] in text
    assert not any(word in text for word in ("won", "noise", "parameters"))


def test_a_lead_larger_than_the_noise():
    repeat = outcome("A′: k=12, seed 1", 0.625, seed=1)
    text = conclusion([A, B], repeat, "en")
    assert text.endswith(EN["live.noise_larger"].format(name="A: k=12", seed=0, seed2=1, noise="1.0"))
    assert "领先幅度大于" in conclusion([A, B], repeat, "zh")


@pytest.mark.parametrize("repeat_acc, noise", [(0.60, "3.5"), (0.655, "2.0")])  # larger, and exactly as large
def test_a_lead_not_larger_than_the_noise_cannot_tell_them_apart(repeat_acc, noise):
    repeat = outcome("A′: k=12, seed 1", repeat_acc, seed=1)
    text = conclusion([A, B], repeat, "en")
    assert text.endswith(EN["live.noise_smaller"].format(name="A: k=12", seed=0, seed2=1, noise=noise))
    assert "领先幅度不大于" in conclusion([A, B], repeat, "zh")


def test_a_tie_names_both_and_reports_the_noise_without_a_lead():
    tied = outcome("B: k=32", 0.635, 6_960_000, 9.0)
    repeat = outcome("A′: k=12, seed 1", 0.6, seed=1)
    text = conclusion([A, tied], repeat, "en")
    tie = EN["live.verdict_tie"].format(name="A: k=12", name2="B: k=32", acc="63.5%", params="1.06M",
                                        params2="6.96M", time="4.0", time2="9.0")
    assert text == f"{tie} " + EN["live.noise_only"].format(name="A: k=12", seed=0, seed2=1, noise="3.5")
    # Differences below what the sentence shows (0.0 points) are a tie too.
    assert conclusion([A, outcome("B: k=32", 0.6352)], None, "en").startswith("**A: k=12** and **B: k=32** tie")


def test_one_configuration_with_its_noise():
    repeat = outcome("A′: k=12, seed 1", 0.61, seed=1)
    text = conclusion([A], repeat, "en")
    assert text == (EN["live.verdict_one"].format(name="A: k=12", acc="63.5%", params="1.06M", time="4.0") + " "
                    + EN["live.noise_only"].format(name="A: k=12", seed=0, seed2=1, noise="2.5"))


def test_a_stopped_or_failed_run_gives_no_verdict():
    stopped = outcome("B: k=32", 0.5, state="stopped")
    assert conclusion([A, stopped], None, "en") == EN["live.verdict_unfinished"].format(runs="B: k=32 (stopped)")
    failed = outcome("A: k=12", None, state="failed")
    assert conclusion([failed, stopped], None, "en") == (
        "No conclusion: A: k=12 (failed), B: k=32 (stopped) did not train to the end. Train again to compare.")
    assert conclusion([failed, stopped], None, "zh") == (
        "无法得出结论：A: k=12（失败），B: k=32（已停止）没有训练到最后。请重新训练再比较。")


def test_a_stopped_noise_run_leaves_the_noise_unknown():
    repeat = outcome("A′: k=12, seed 1", None, state="stopped", seed=1)
    text = conclusion([A, B], repeat, "en")
    assert text.endswith(EN["live.noise_unfinished"].format(name="A′: k=12, seed 1", state="stopped"))
    assert "2.0 percentage points ahead" in text


@pytest.mark.parametrize("state", ["queued", "running"])
def test_no_conclusion_while_a_run_waits_or_trains(state):
    assert conclusion([A, outcome("B: k=32", None, state=state)], None, "en") is None
    assert conclusion([A, B], outcome("A′: k=12, seed 1", None, state=state, seed=1), "en") is None
    assert conclusion([], None, "en") is None
