"""The model card a training run writes beside its weights (finalize adds test metrics and thresholds)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import torch

from ..data import Preprocessing
from .args import TrainArgs
from .checkpoint import TrainState


def describe_augmentation(args: TrainArgs) -> str:
    parts = [f"random resized crop (area {args.min_scale:g}-1)", "horizontal flip"]
    if args.augment == "trivial":
        parts.append("TrivialAugmentWide")
    if args.mixup or args.cutmix:
        mixes = " / ".join(n for n, a in (("mixup", args.mixup), ("CutMix", args.cutmix)) if a)
        parts.append(f"{mixes} on {args.mix_prob:.0%} of batches, off for the last {args.mix_off:.0%} of epochs")
    if args.final_train_size and args.final_train_size != args.train_size:
        parts.append(f"progressive resizing {args.train_size}→{args.final_train_size} px")
    return ", ".join(parts)


def build_card(args: TrainArgs, classes, prep: Preprocessing, state: TrainState, device: str, world: int,
               n_train: int, n_val: int, n_outliers: int) -> dict:
    """The card of a finished run: what was trained, how, on what, and how it did on val."""
    opt = (f"SGD, Nesterov momentum {args.momentum:g}" if args.optimizer == "sgd" else "AdamW")
    outliers = None
    if args.ood_batch:
        outliers = {"photos": n_outliers, "per_batch": args.ood_batch, "loss_weight": args.ood_weight,
                    "synthetic_share": args.synthetic_share,
                    "method": "outlier exposure: cross-entropy to the uniform distribution"}
    return {
        "name": Path(args.out).stem,
        "task": "flower species classification",
        "class_names": list(classes),
        "preprocessing": {**prep.to_dict(), "resize": "shorter side to resize_size, bilinear",
                          "crop": "centre crop input_size", "test_time_flip": args.tta_flip},
        "training": {
            "recipe": args.recipe(),
            "optimizer": f"{opt}, no weight decay on BN/bias, linear warm-up + cosine to zero",
            "augmentation": describe_augmentation(args),
            "outlier_exposure": outliers,
            "images": {"train": n_train, "val": n_val},
            "epochs_run": len(state.history),
            "steps": state.step,
            "best_epoch_on_val": state.best["epoch"],
            "wall_time_s": round(state.wall_time_s, 1),
            "device": device,
            "world_size": world,
            "torch": torch.__version__,
            "history": state.history,
            "notes": list(args.notes),
        },
        "metrics": {"val_top1": state.best["val_top1"] if state.best["val_top1"] >= 0 else None},
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
