"""From a training run to a shippable card: size, temperature and threshold chosen on val, test measured
once, everything recorded; the script refuses to replace a model that is better on val."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from densenet_viz.calibration import expected_calibration_error, softmax
from densenet_viz.data import list_images
from densenet_viz.evaluate import folder_logits
from densenet_viz.finalize import NotBetterOnVal, finalize
from densenet_viz.model import build_densenet
from densenet_viz.predictor import Predictor
from densenet_viz.weights import load_model, save_model

from testkit import make_flower_folder

CLASSES = ("daisy", "roses")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    for split, seed in (("val", 1), ("test", 2)):
        make_flower_folder(root / "flowers" / split, classes=CLASSES, per_class=6, size=40, seed=seed)
    for split in ("val", "test"):
        for i in range(4):
            d = root / "other" / split / f"species{i % 2}"
            d.mkdir(parents=True, exist_ok=True)
            Image.fromarray(np.full((40, 40, 3), 30 * i + (split == "test"), np.uint8)).save(d / f"{i}.png")
    from densenet_viz.config import DenseNetConfig

    config = DenseNetConfig(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=2,
                            stem="cifar", input_size=32)
    torch.manual_seed(0)
    model = build_densenet(config, device="cpu").eval()
    with torch.no_grad():
        model.classifier.weight.mul_(40)  # an over-confident model: calibration has work to do
    card = {"class_names": list(CLASSES), "training": {"notes": []},
            "preprocessing": {"input_size": 32, "resize_size": 37, "mean": [0.5] * 3, "std": [0.5] * 3,
                              "test_time_flip": True}}
    weights = save_model(model, root / "run.safetensors", card)  # fp16, as train() writes it
    out = root / "shipped.safetensors"
    logs = []
    final = finalize(weights, root / "flowers", root / "other", out, sizes=(32, 48), log=logs.append,
                     min_input_size=32)
    return root, out, final, logs


def test_choices_are_made_on_val_and_recorded(run):
    root, out, card, logs = run
    assert card["metrics"]["chosen_input_size"] in (32, 48)
    assert set(card["metrics"]["val_top1_by_input_size"]) == {"32", "48"}
    cal = card["calibration"]
    assert cal["val_nll_after"] <= cal["val_nll_before"] + 1e-9  # the fitted T is at least as good on val
    assert cal["temperature"] > 1  # it cools an over-confident model down
    rule = card["none_of_these"]
    assert rule["chosen_on"] == "val" and rule["other_species"] == 2 and 0 < rule["threshold"] <= 1
    assert rule["val"]["in_flagged"] <= 0.08
    assert {"auroc", "out_flagged", "in_flagged", "synthetic_flagged"} <= set(rule["test"])
    assert json.loads(out.with_suffix(".json").read_text())["calibration"] == cal
    assert any(line.startswith("test top-1") for line in logs)


def test_the_shipped_model_applies_the_temperature(run):
    root, out, card, _ = run
    model, loaded = load_model(out)
    raw, _ = load_model(out, calibrated=False)
    assert loaded.temperature == pytest.approx(card["calibration"]["temperature"])
    logits, labels, _ = folder_logits(Predictor(model, loaded), root / "flowers" / "test")
    raw_logits, _, _ = folder_logits(Predictor(raw, loaded), root / "flowers" / "test")
    np.testing.assert_allclose(logits, raw_logits / loaded.temperature, rtol=1e-4, atol=1e-4)
    ece = expected_calibration_error(softmax(logits), labels)
    assert ece == pytest.approx(card["calibration"]["test_ece_after"], abs=1e-6)
    assert loaded.preprocessing.input_size == card["metrics"]["chosen_input_size"]


def test_sizes_below_the_minimum_are_refused(run):
    root, out, _, _ = run
    with pytest.raises(ValueError, match="below 192"):
        finalize(out, root / "flowers", None, root / "x.safetensors", sizes=(160,))


def test_a_model_not_better_on_val_is_refused_before_test(run):
    root, out, card, _ = run
    logs, target = [], root / "refused.safetensors"
    n_val = len(list_images(root / "flowers" / "val"))
    best = max(card["metrics"]["val_top1_by_input_size"].values())
    tie = np.arange(n_val) < round(best * n_val)  # as many right as the new model: a tie is not a win
    with pytest.raises(NotBetterOnVal, match="does not beat"):
        finalize(out, root / "flowers", root / "other", target, sizes=(32, 48), log=logs.append,
                 min_input_size=32, previous_val_correct=tie)
    assert not target.exists()
    assert not any("test" in line or "threshold" in line for line in logs)  # stopped after the size sweep
    assert len(logs) == 3 and logs[-1].startswith("val against the current model")


def test_a_model_better_on_val_records_the_paired_comparison(run):
    root, _, card, _ = run
    n_val = len(list_images(root / "flowers" / "val"))
    # The fixture's model gets every val photo wrong (two classes, over-confident). Negating its classifier
    # flips every prediction, so the new model gets them all right against the current one's none.
    assert max(card["metrics"]["val_top1_by_input_size"].values()) == 0
    model, run_card = load_model(root / "run.safetensors", calibrated=False)
    with torch.no_grad():
        model.classifier.weight.neg_()
        model.classifier.bias.neg_()
    flipped = save_model(model, root / "flipped.safetensors", run_card.data)
    new = finalize(flipped, root / "flowers", None, root / "better.safetensors", sizes=(32, 48),
                   log=lambda _: None, min_input_size=32, previous_val_correct=np.zeros(n_val, bool))
    paired = new["metrics"]["val_versus_previous"]
    assert paired == {"new_top1": 1.0, "old_top1": 0.0, "n": n_val, "only_new_correct": n_val,
                      "only_old_correct": 0, "mcnemar_p": pytest.approx(2 * 0.5**n_val)}
    assert new["metrics"]["val_top1"] == 1.0
