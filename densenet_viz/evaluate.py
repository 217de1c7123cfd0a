"""Accuracy of a trained model on a class folder, with the app's own preprocessing."""

from __future__ import annotations

from pathlib import Path

import torch

from .data import ImageError, load_image, preprocess, scan_class_folder
from .model import DenseNet
from .weights import ModelCard


@torch.no_grad()
def predict_probs(model: DenseNet, card: ModelCard, images, flip: bool | None = None, batch: int = 32) -> torch.Tensor:
    """Softmax probabilities (N, classes) for PIL images, preprocessed exactly as the app does."""
    from .explain import predict  # the one definition of "probabilities, with test-time flip"

    flip = card.test_flip if flip is None else flip
    out = []
    for i in range(0, len(images), batch):
        x = torch.stack([preprocess(img, card.preprocessing) for img in images[i:i + batch]])
        out.append(torch.from_numpy(predict(model, x, flip=flip)))
    return torch.cat(out) if out else torch.empty(0, len(card.class_names))


def evaluate_folder(model: DenseNet, card: ModelCard, folder: str | Path, flip: bool | None = None) -> dict:
    """Top-1, per-class accuracy and confusion matrix (rows: true class, columns: predicted)."""
    scan = scan_class_folder(folder)
    unknown = [c for c in scan.classes if c not in card.class_names]
    if unknown:
        raise ValueError(f"{folder}: class folders {unknown} are not classes of this model "
                         f"({', '.join(card.class_names)})")
    model.eval()
    images, labels, skipped = [], [], list(scan.skipped)
    for path, label in scan.samples:
        try:
            images.append(load_image(path, target_side=card.preprocessing.resize_size))
        except ImageError as exc:
            skipped.append(f"{path}: {exc}")
            continue
        labels.append(card.class_names.index(scan.classes[label]))
    if not images:
        raise ValueError(f"{folder}: no readable images")
    n_cls = len(card.class_names)
    confusion = [[0] * n_cls for _ in range(n_cls)]
    max_probs = []
    probs_all = predict_probs(model, card, images, flip)
    for probs, y in zip(probs_all, labels):
        confusion[y][int(probs.argmax())] += 1
        max_probs.append(float(probs.max()))
    correct = sum(confusion[i][i] for i in range(n_cls))
    per_class = {
        name: (confusion[i][i] / sum(confusion[i])) for i, name in enumerate(card.class_names) if sum(confusion[i])
    }
    return {
        "top1": correct / len(labels),
        "per_class": per_class,
        "confusion": confusion,
        "classes": list(card.class_names),
        "n": len(labels),
        "flip": card.test_flip if flip is None else flip,
        "skipped": skipped,
        "max_prob": max_probs,
        "correct": [int(probs_all[i].argmax()) == labels[i] for i in range(len(labels))],
    }


def format_report(report: dict) -> str:
    """Human-readable top-1, per-class accuracy and confusion matrix."""
    names = report["classes"]
    width = max(len(n) for n in names) + 2
    lines = [f"top-1: {report['top1']:.4f} ({round(report['top1'] * report['n'])}/{report['n']} images, "
             f"test-time flip {'on' if report['flip'] else 'off'})", "", "per class:"]
    for name, acc in report["per_class"].items():
        lines.append(f"  {name:<{width}}{acc:.4f}")
    lines += ["", "confusion (rows: true, columns: predicted):", " " * width + "".join(f"{n[:8]:>10}" for n in names)]
    for name, row in zip(names, report["confusion"]):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>10}" for v in row))
    for s in report["skipped"]:
        lines.append(f"skipped: {s}")
    return "\n".join(lines)
