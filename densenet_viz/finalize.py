"""Turn a training run into a shippable model: every choice on val, the test split measured once.

On val: the input size (among sizes ≥ the app's minimum), the temperature, and the "none of these"
threshold (flower photos vs other species). On test, once: accuracy, per class, confusion, calibration
error before and after the temperature, and how well other species and made-up non-photos are flagged.
Everything lands in the model card, with the machine it was measured on.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import torch

from .calibration import (
    ECE_BINS,
    NoneOfTheseRule,
    choose_threshold,
    expected_calibration_error,
    fit_temperature,
    nll,
    softmax,
)
from .data import Preprocessing
from .evaluate import accuracy_report, folder_logits, paired_comparison, unlabelled_logits
from .model import describe_device
from .predictor import Predictor
from .weights import ModelCard, save_model

MIN_INPUT_SIZE = 192  # the final Grad-CAM is then at least 6×6
# On val: at most this share of correctly classified flower photos is flagged. 8 % on val gave 10.4 % and
# 11.0 % on test with two models (the issue allows 10 %), so the margin is wider from the third schedule
# on; set before that model's test run (docs/training.md).
MAX_IN_FLAGGED = 0.05
PROVENANCE = {
    "dataset": "TensorFlow flower_photos, cleaned copy (exact/near duplicates, one mislabelled and one "
               "share-alike photo removed), split 70/15/15 by class with a fixed seed, at most 320 px",
    "other_species": "Oxford 102 Flowers, 40 species unlike the five classes (train: outlier exposure; "
                     "val: threshold; test: report)",
    "splits": "trained on train, every choice (epoch, input size, temperature, threshold) on val, "
              "reported on test once",
    "licence": "CC BY 2.0; photographers are listed in the dataset's LICENSE.txt and manifest.csv",
    "images_in_project": "none: the photos are not redistributed with this project",
}


def with_input_size(card: ModelCard, size: int) -> ModelCard:
    prep = Preprocessing.for_input_size(size, card.preprocessing.mean, card.preprocessing.std)
    return dataclasses.replace(card, preprocessing=prep)


def synthetic_top_probs(predictor: Predictor, temperature: float, n: int = 200, seed: int = 12345) -> np.ndarray:
    """Top calibrated probabilities of ``n`` made-up non-photos (checkerboards, noise, flat colours,
    gradients, stripes), drawn with a seed that training never used."""
    from PIL import Image

    from .train.augment import synthetic_images

    g = torch.Generator().manual_seed(seed)
    side = predictor.card.preprocessing.resize_size
    images = [Image.fromarray(img.permute(1, 2, 0).numpy()) for img in synthetic_images(n, side, generator=g)]
    return softmax(predictor.logits(images), temperature).max(1)


class NotBetterOnVal(Exception):
    """The new model does not beat the current one on val: nothing was written and test was not run."""


def finalize(weights: str | Path, data: str | Path, other: str | Path | None, out: str | Path,
             sizes=(192, 208, 224), log=print, notes=(), min_input_size: int = MIN_INPUT_SIZE,
             previous_val_correct: np.ndarray | None = None) -> dict:
    """Choose on val, measure on test, write ``out`` and its card; returns the card. With
    ``previous_val_correct`` (the current model's per-photo correctness on val, in folder order), a model
    whose val top-1 at its best input size is not higher raises ``NotBetterOnVal`` before test is touched;
    otherwise the card records the paired comparison. ``min_input_size`` exists for tests with tiny models."""
    data = Path(data)
    if any(s < min_input_size for s in sizes):
        raise ValueError(f"input sizes below {min_input_size} px are not allowed: {sizes}")
    raw = Predictor.load(weights, calibrated=False)  # raw logits: the temperature is fitted here
    model, card = raw.model, raw.card

    # 1. Input size on val (ties: the larger size, for finer Grad-CAM maps).
    sweep = {}
    for size in sizes:
        t = time.perf_counter()
        logits, labels, _ = folder_logits(Predictor(model, with_input_size(card, size)), data / "val")
        sweep[size] = (float((logits.argmax(1) == labels).mean()), logits, labels)
        log(f"val top-1 at {size}px: {sweep[size][0]:.4f} ({time.perf_counter() - t:.0f} s)")
    size = max(sizes, key=lambda s: (round(sweep[s][0], 6), s))
    card = with_input_size(card, size)
    predictor = Predictor(model, card)  # uncalibrated: the temperature below is applied explicitly
    val_acc, val_logits, val_labels = sweep[size]
    versus_previous = None
    if previous_val_correct is not None:
        # The gate is the point estimate (the rule); the paired test says how much that margin means.
        versus_previous = paired_comparison(val_logits.argmax(1) == val_labels, previous_val_correct)
        log("val against the current model: {only_new_correct} photos only the new one gets right, "
            "{only_old_correct} only the current one; McNemar p = {mcnemar_p:.3f}".format(**versus_previous))
        if val_acc <= versus_previous["old_top1"]:
            raise NotBetterOnVal(f"val top-1 {val_acc:.4f} at {size}px does not beat the current "
                                 f"{versus_previous['old_top1']:.4f}")

    # 2. Temperature on val.
    temperature = round(fit_temperature(val_logits, val_labels), 4)  # as the card stores and the app applies it
    calibration = {
        "method": "temperature scaling, NLL on val", "temperature": temperature,
        "val_nll_before": nll(val_logits, val_labels), "val_nll_after": nll(val_logits, val_labels, temperature),
        "val_ece_before": expected_calibration_error(softmax(val_logits), val_labels),
        "val_ece_after": expected_calibration_error(softmax(val_logits, temperature), val_labels),
        "ece_bins": ECE_BINS,
    }
    log(f"temperature {temperature:.3f}: val ECE {calibration['val_ece_before']:.4f} -> "
        f"{calibration['val_ece_after']:.4f}")

    # 3. The "none of these" threshold on val.
    val_probs = softmax(val_logits, temperature)
    rule: dict = {"rule": "top probability below threshold", "chosen_on": "val"}
    if other is not None:
        other = Path(other)
        other_val, _ = unlabelled_logits(predictor, other / "val")
        chosen = choose_threshold(val_probs.max(1), val_probs.argmax(1) == val_labels,
                                  softmax(other_val, temperature).max(1), MAX_IN_FLAGGED)
        species = {p.parent.name for p in (other / "val").rglob("*") if p.is_file()}
        rule.update(threshold=chosen["threshold"], other_species=len(species), val=chosen)
        log(f"threshold {chosen['threshold']:.3f} on val: {chosen['out_flagged']:.1%} of other species flagged, "
            f"{chosen['in_flagged']:.1%} of correct flower photos, AUROC {chosen['auroc']:.4f}")

    # 4. Test, once.
    test_logits, test_labels, _ = folder_logits(predictor, data / "test")
    raw = accuracy_report(test_logits, test_labels, card.class_names)
    calibrated = accuracy_report(test_logits / temperature, test_labels, card.class_names)
    calibration.update(test_ece_before=raw["ece"], test_ece_after=calibrated["ece"])
    metrics = {"val_top1": val_acc, "val_top1_by_input_size": {str(s): v[0] for s, v in sweep.items()},
               "chosen_input_size": size, "test_top1": raw["top1"], "test_per_class": raw["per_class"],
               "test_confusion": raw["confusion"], "test_n": raw["n"], "test_time_flip": card.test_flip,
               "evaluated_on": describe_device(torch.device("cpu"))}
    if versus_previous is not None:
        metrics["val_versus_previous"] = versus_previous
    log(f"test top-1 {raw['top1']:.4f} on {raw['n']} photos; ECE {raw['ece']:.4f} -> {calibrated['ece']:.4f}")
    if other is not None:
        other_test, _ = unlabelled_logits(predictor, other / "test")
        chosen_rule = NoneOfTheseRule(rule["threshold"])
        synthetic = synthetic_top_probs(predictor, temperature)
        rule["test"] = {**chosen_rule.metrics(calibrated["max_prob"], calibrated["correct"],
                                              softmax(other_test, temperature).max(1)),
                        "synthetic_flagged": float(chosen_rule.is_flagged(synthetic).mean()),
                        "synthetic_n": int(len(synthetic))}
        log("test: AUROC {auroc:.4f}, {out_flagged:.1%} of other species flagged, {in_flagged:.1%} of correct "
            "flower photos, {synthetic_flagged:.1%} of made-up non-photos".format(**rule["test"]))

    out_card = dict(card.data)
    out_card["preprocessing"] = {**out_card["preprocessing"], **card.preprocessing.to_dict()}
    out_card["data"] = PROVENANCE
    out_card["metrics"] = {**out_card.get("metrics", {}), **metrics}
    out_card["calibration"] = calibration
    if "threshold" in rule:
        out_card["none_of_these"] = rule
    out_card.pop("low_confidence_threshold", None)
    out_card.pop("low_confidence_rule", None)
    out_card["training"] = {**out_card["training"], "notes": list(out_card["training"].get("notes", [])) + list(notes)}
    model.config = model.config.replace(input_size=size)
    save_model(model, out, out_card)
    log(f"wrote {out}")
    return out_card
