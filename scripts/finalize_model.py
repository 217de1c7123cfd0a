"""Turn a training run into the shipped model (see ``densenet_viz.finalize``).

    PYTHONPATH=. .venv/bin/python scripts/finalize_model.py runs/main/flowers-densenet121.safetensors \
        --data ../shared/data/flowers --other ../shared/data/other_flowers \
        --out assets/models/flowers-densenet121.safetensors

A new model replaces the current one at ``--out`` only if its val top-1, at the best of ``--sizes``, beats
the current model's at its own input size; the test split is not touched otherwise (``--force`` overrides).
The log and the card also give the paired comparison on val (photos only one model gets right, McNemar p).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

from densenet_viz.evaluate import folder_logits
from densenet_viz.finalize import NotBetterOnVal, finalize
from densenet_viz.predictor import Predictor


def val_correct(weights: Path, data: Path) -> np.ndarray:
    """Which val photos the model at ``weights`` gets right, at its own input size, in folder order."""
    logits, labels, _ = folder_logits(Predictor.load(weights), data / "val")
    return logits.argmax(1) == labels


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("weights")
    p.add_argument("--data", required=True, help="flowers folder with val/ and test/")
    p.add_argument("--other", help="other-species folder with val/ and test/ (the 'none of these' rule)")
    p.add_argument("--out", required=True)
    p.add_argument("--sizes", default="192,208,224")
    p.add_argument("--note", action="append", default=[])
    p.add_argument("--force", action="store_true", help="write even if the current model is better on val")
    a = p.parse_args()
    torch.set_num_threads(2)
    data, out = Path(a.data), Path(a.out)
    current = None
    if out.is_file() and not a.force:
        current = val_correct(out, data)
        print(f"val top-1 of the current model: {current.mean():.4f}")
    try:
        finalize(a.weights, data, a.other, out, sizes=tuple(int(s) for s in a.sizes.split(",")), notes=a.note,
                 previous_val_correct=current)
    except NotBetterOnVal as exc:
        print(f"{exc}: nothing written, test not run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
