"""Temperature scaling, calibration error, AUROC and the "none of these" threshold, on known numbers."""

import itertools

import numpy as np
import pytest

from densenet_viz.calibration import (
    NoneOfTheseRule,
    auroc,
    choose_threshold,
    expected_calibration_error,
    fit_temperature,
    nll,
    softmax,
)


def test_fit_temperature_recovers_the_temperature_that_generated_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(20_000, 5))
    true_t = 2.5
    p = softmax(logits, true_t)
    labels = np.array([rng.choice(5, p=row) for row in p])
    t = fit_temperature(logits, labels)
    assert t == pytest.approx(true_t, rel=0.05)
    assert nll(logits, labels, t) < nll(logits, labels, 1.0)


def test_ece_on_a_hand_computed_example():
    # Two bins used: confidence 0.9 (4 photos, 3 right) and 0.6 (2 photos, 2 right).
    probs = np.array([[0.9, 0.1]] * 4 + [[0.6, 0.4]] * 2)
    labels = np.array([0, 0, 0, 1, 0, 0])
    expected = 4 / 6 * abs(0.75 - 0.9) + 2 / 6 * abs(1.0 - 0.6)
    assert expected_calibration_error(probs, labels) == pytest.approx(expected)
    perfect = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert expected_calibration_error(perfect, np.array([0, 1])) == 0.0


def test_auroc_equals_the_pairwise_definition_with_ties():
    rng = np.random.default_rng(1)
    pos, neg = rng.integers(0, 5, 40).astype(float), rng.integers(0, 5, 30).astype(float)
    pairs = [(1.0 if p > n else 0.5 if p == n else 0.0) for p, n in itertools.product(pos, neg)]
    assert auroc(pos, neg) == pytest.approx(np.mean(pairs))
    assert auroc([1, 2], [0]) == 1.0 and auroc([0], [1, 2]) == 0.0
    with pytest.raises(ValueError):
        auroc([], [1])


def test_threshold_flags_at_most_the_allowed_share_of_correct_photos():
    rng = np.random.default_rng(2)
    in_top = rng.uniform(0.5, 1.0, 200)
    correct = rng.uniform(size=200) < 0.9
    out_top = rng.uniform(0.2, 0.8, 100)
    r = choose_threshold(in_top, correct, out_top, max_in_flagged=0.08)
    assert r["in_flagged"] <= 0.08
    assert (in_top[correct] < r["threshold"]).mean() == pytest.approx(r["in_flagged"])
    assert r["out_flagged"] == pytest.approx((out_top < r["threshold"]).mean())
    looser = choose_threshold(in_top, correct, out_top, max_in_flagged=0.2)
    assert looser["threshold"] >= r["threshold"] and looser["out_flagged"] >= r["out_flagged"]
    assert NoneOfTheseRule(0.6).flags(np.array([[0.5, 0.5], [0.7, 0.3]])).tolist() == [True, False]


def test_paired_comparison_on_hand_computed_examples():
    from densenet_viz.evaluate import paired_comparison

    # 6 photos only the new model gets right, 2 only the old one, 3 both, 1 neither.
    new = [1] * 6 + [0] * 2 + [1] * 3 + [0]
    old = [0] * 6 + [1] * 2 + [1] * 3 + [0]
    got = paired_comparison(new, old)
    assert (got["only_new_correct"], got["only_old_correct"], got["n"]) == (6, 2, 12)
    assert got["new_top1"] == pytest.approx(9 / 12) and got["old_top1"] == pytest.approx(5 / 12)
    # Two-sided exact binomial on 8 disagreements: 2 * P(X <= 2) = 2 * (1 + 8 + 28) / 256.
    assert got["mcnemar_p"] == pytest.approx(74 / 256)
    assert paired_comparison([1, 0], [1, 0])["mcnemar_p"] == 1.0  # no disagreements: no evidence either way
    assert paired_comparison([1] * 10, [0] * 10)["mcnemar_p"] == pytest.approx(2 / 1024)
    with pytest.raises(ValueError, match="different photos"):
        paired_comparison([1, 0], [1])


def test_the_rule_measures_itself_with_one_set_of_names():
    rule = NoneOfTheseRule(0.5)
    assert rule.is_flagged(0.49) is True and rule.is_flagged(0.5) is False
    in_top = np.array([0.9, 0.45, 0.8, 0.3])
    correct = np.array([True, True, False, False])
    out_top = np.array([0.2, 0.6, 0.4])
    m = rule.metrics(in_top, correct, out_top)
    assert m["in_flagged"] == 0.5  # 0.45 of the two correct ones
    assert m["out_flagged"] == pytest.approx(2 / 3) and m["out_n"] == 3
    assert m["auroc"] == pytest.approx(auroc(1 - out_top, 1 - in_top))
    assert rule.metrics(in_top, correct, np.array([]))["auroc"] is None
    chosen = choose_threshold(in_top, correct, out_top, max_in_flagged=0.0)
    assert chosen["threshold"] == 0.45  # flags none of the correct ones
    assert {k: chosen[k] for k in m} == NoneOfTheseRule(0.45).metrics(in_top, correct, out_top)
