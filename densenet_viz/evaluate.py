"""How well a trained model does on a class folder, with the app's own preprocessing: accuracy, confusion,
calibration, and (given a folder of other photos) how well it says "none of these"."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .calibration import NoneOfTheseRule, expected_calibration_error, softmax
from .data import ImageError, list_images, load_image, scan_class_folder
from .predictor import Predictor
from .weights import ModelCard


def _decode_all(paths, card: ModelCard, skipped: list[str]) -> tuple[list, list[int]]:
    images, kept = [], []
    for i, path in enumerate(paths):
        try:
            images.append(load_image(path, target_side=card.preprocessing.resize_size))
            kept.append(i)
        except ImageError as exc:
            skipped.append(f"{path}: {exc}")
    return images, kept


def folder_logits(predictor: Predictor, folder: str | Path,
                  flip: bool | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(logits, labels as the card's class indices, skipped files) for ``folder/<class>/<images>``."""
    card = predictor.card
    scan = scan_class_folder(folder)
    unknown = [c for c in scan.classes if c not in card.class_names]
    if unknown:
        raise ValueError(f"{folder}: class folders {unknown} are not classes of this model "
                         f"({', '.join(card.class_names)})")
    skipped = list(scan.skipped)
    images, kept = _decode_all([p for p, _ in scan.samples], card, skipped)
    if not images:
        raise ValueError(f"{folder}: no readable images")
    labels = np.array([card.class_names.index(scan.classes[scan.samples[i][1]]) for i in kept])
    return predictor.logits(images, flip), labels, skipped


def unlabelled_logits(predictor: Predictor, folder: str | Path,
                      flip: bool | None = None) -> tuple[np.ndarray, list[str]]:
    """(logits, skipped files) for every image anywhere under ``folder`` (no classes needed)."""
    skipped: list[str] = []
    images, _ = _decode_all(list_images(folder), predictor.card, skipped)
    if not images:
        raise ValueError(f"{folder}: no readable images")
    return predictor.logits(images, flip), skipped


def accuracy_report(logits: np.ndarray, labels: np.ndarray, class_names) -> dict:
    """Top-1, per-class accuracy, confusion (rows: true, columns: predicted) and 15-bin ECE."""
    probs = softmax(logits)
    pred = probs.argmax(1)
    n_cls = len(class_names)
    confusion = np.zeros((n_cls, n_cls), dtype=int)
    np.add.at(confusion, (labels, pred), 1)
    per_class = {name: float(confusion[i, i] / confusion[i].sum()) for i, name in enumerate(class_names)
                 if confusion[i].sum()}
    return {"top1": float((pred == labels).mean()), "per_class": per_class, "confusion": confusion.tolist(),
            "n": int(len(labels)), "ece": expected_calibration_error(probs, labels), "classes": list(class_names),
            "max_prob": probs.max(1).tolist(), "correct": (pred == labels).tolist()}


def paired_comparison(new_correct, old_correct) -> dict:
    """Two models on the same photos: top-1 of each, the photos only one of them gets right, and the exact
    McNemar p-value (two-sided binomial test on those photos) for "the two are equally accurate"."""
    new, old = np.asarray(new_correct, bool), np.asarray(old_correct, bool)
    if new.shape != old.shape:
        raise ValueError(f"the two models were scored on different photos: {new.shape} vs {old.shape}")
    only_new, only_old = int((new & ~old).sum()), int((old & ~new).sum())
    n, k = only_new + only_old, min(only_new, only_old)
    # Exact, not the chi-square approximation: a few dozen disagreements is the usual case here.
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n) if n else 1.0
    return {"new_top1": float(new.mean()), "old_top1": float(old.mean()), "n": int(new.size),
            "only_new_correct": only_new, "only_old_correct": only_old, "mcnemar_p": p}


def rule_report(in_report: dict, out_logits: np.ndarray, rule: NoneOfTheseRule) -> dict:
    """The "none of these" rule's ``metrics`` on in-set photos (an ``accuracy_report``) and other photos."""
    out_top = softmax(out_logits).max(1)
    return {**rule.metrics(in_report["max_prob"], in_report["correct"], out_top), "threshold": rule.threshold}


def evaluate_folder(predictor: Predictor, folder: str | Path, flip: bool | None = None,
                    ood: str | Path | None = None) -> dict:
    """Accuracy report for a class folder; with ``ood``, also the "none of these" rule on that folder."""
    logits, labels, skipped = folder_logits(predictor, folder, flip)
    report = accuracy_report(logits, labels, predictor.class_names)
    report["flip"] = predictor.card.test_flip if flip is None else flip
    report["skipped"] = skipped
    if ood is not None:
        out_logits, out_skipped = unlabelled_logits(predictor, ood, flip)
        report.update(rule_report(report, out_logits, predictor.rule))
        report["skipped"] += out_skipped
    return report


def format_report(report: dict) -> str:
    """Human-readable top-1, per-class accuracy, calibration, confusion matrix (and the OOD rule)."""
    names = report["classes"]
    width = max(len(n) for n in names) + 2
    lines = [f"top-1: {report['top1']:.4f} ({round(report['top1'] * report['n'])}/{report['n']} images, "
             f"test-time flip {'on' if report['flip'] else 'off'})",
             f"expected calibration error (15 bins): {report['ece']:.4f}", "", "per class:"]
    for name, acc in report["per_class"].items():
        lines.append(f"  {name:<{width}}{acc:.4f}")
    lines += ["", "confusion (rows: true, columns: predicted):", " " * width + "".join(f"{n[:8]:>10}" for n in names)]
    for name, row in zip(names, report["confusion"]):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>10}" for v in row))
    if "out_flagged" in report:
        lines += ["", f"none of these (top probability below {report['threshold']:.2f}): "
                      f"AUROC {report['auroc']:.4f}, {report['out_flagged']:.1%} of {report['out_n']} other photos "
                      f"flagged, {report['in_flagged']:.1%} of correctly classified photos flagged"]
    for s in report["skipped"]:
        lines.append(f"skipped: {s}")
    return "\n".join(lines)
