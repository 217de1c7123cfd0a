"""Training data decoded once into memory: photos as uint8 tensors, val preprocessed exactly as the app does."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ..data import ImageError, Preprocessing, list_images, load_image, preprocess, scan_class_folder

DECODE_SIDE = 256  # shorter side kept in memory: room for random crops up to 224 px


@dataclass
class TrainingData:
    classes: tuple[str, ...]
    images: list[torch.Tensor]  # each (3, h, w) uint8, shorter side ≤ DECODE_SIDE
    labels: torch.Tensor  # (N,) int64
    val_x: torch.Tensor | None  # (M, 3, S, S) float, normalised, S = eval size
    val_y: torch.Tensor | None
    outliers: list[torch.Tensor]  # outlier-exposure photos, (3, h, w) uint8
    skipped: list[str]


def split_samples(data: str | Path, val_split: float, seed: int):
    """(classes, train samples, val samples, skipped): ``data/train`` and ``data/val`` if present, else a
    stratified split of one class folder."""
    root = Path(data)
    if (root / "train").is_dir():
        train = scan_class_folder(root / "train")
        val = scan_class_folder(root / "val") if (root / "val").is_dir() else None
        if val is not None and val.classes != train.classes:
            raise ValueError(f"train/ and val/ have different classes: {train.classes} vs {val.classes}")
        return train.classes, list(train.samples), list(val.samples) if val else [], list(train.skipped)
    scan = scan_class_folder(root)
    rng = random.Random(seed)
    train, val = [], []
    for label in range(len(scan.classes)):
        items = [s for s in scan.samples if s[1] == label]
        rng.shuffle(items)
        n_val = int(round(len(items) * val_split))
        val += items[:n_val]
        train += items[n_val:]
    return scan.classes, train, val, list(scan.skipped)


def decode_photo(path: Path, short_side: int = DECODE_SIDE) -> torch.Tensor:
    """One photo as (3, h, w) uint8 with its shorter side at most ``short_side``."""
    img = load_image(path, target_side=short_side)
    w, h = img.size
    if min(w, h) > short_side:
        s = short_side / min(w, h)
        img = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR, reducing_gap=3.0)
    return torch.from_numpy(np.asarray(img).copy()).permute(2, 0, 1).contiguous()


def load_training_data(data: str | Path, eval_prep: Preprocessing, val_split: float = 0.15, seed: int = 0,
                       ood_data: str | Path | None = None, warn=print) -> TrainingData:
    """Decode the train photos, preprocess val, and decode the outlier photos; unreadable files are skipped."""
    classes, train_samples, val_samples, skipped = split_samples(data, val_split, seed)
    images, labels = [], []
    for path, label in train_samples:
        try:
            images.append(decode_photo(path))
            labels.append(label)
        except ImageError as exc:
            skipped.append(f"{path}: {exc}")
    if not images:
        raise ValueError(f"no readable training images under {data}")
    val_x = val_y = None
    if val_samples:
        xs, ys = [], []
        for path, label in val_samples:
            try:
                xs.append(preprocess(load_image(path, target_side=eval_prep.resize_size), eval_prep))
                ys.append(label)
            except ImageError as exc:
                skipped.append(f"{path}: {exc}")
        if xs:
            val_x, val_y = torch.stack(xs), torch.tensor(ys)
    outliers = []
    if ood_data is not None:
        for path in list_images(ood_data):
            try:
                outliers.append(decode_photo(path))
            except ImageError as exc:
                skipped.append(f"{path}: {exc}")
    for s in skipped:
        warn(f"warning: skipping {s}")
    return TrainingData(tuple(classes), images, torch.tensor(labels), val_x, val_y, outliers, skipped)
