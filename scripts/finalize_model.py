"""Turn a training run into the shipped model: choose the evaluation size on val, report on test once.

    PYTHONPATH=. .venv/bin/python scripts/finalize_model.py runs/cpu1/flowers-densenet121.safetensors \
        --data ../shared/data/flowers --out assets/models/flowers-densenet121.safetensors

Val picks the input size (and nothing else); the test split is evaluated once, at the chosen size, and
also sets the low-confidence threshold the Explain page uses. Everything is written into the model card.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import torch

from densenet_viz.data import Preprocessing
from densenet_viz.evaluate import evaluate_folder
from densenet_viz.explain import threshold_from_max_probs
from densenet_viz.model import describe_device
from densenet_viz.weights import load_model, save_model

PROVENANCE = {
    "dataset": "TensorFlow flower_photos, cleaned copy (exact/near duplicates, one mislabelled and one "
               "share-alike photo removed), split 70/15/15 by class with a fixed seed, at most 320 px",
    "splits": "trained on train, choices (epoch, input size) on val, reported on test",
    "licence": "CC BY 2.0; photographers are listed in the dataset's LICENSE.txt and manifest.csv",
    "images_in_project": "none: the photos are not redistributed with this project",
}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("weights")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--sizes", default="112,128,144,160,176,192,224")
    p.add_argument("--note", action="append", default=[])
    a = p.parse_args()
    torch.set_num_threads(2)
    model, card = load_model(a.weights)
    data = Path(a.data)
    sweep = {}
    for size in (int(s) for s in a.sizes.split(",")):
        prep = Preprocessing(size, round(size / 0.875), card.preprocessing.mean, card.preprocessing.std)
        trial = dataclasses.replace(card, preprocessing=prep)
        t = time.perf_counter()
        sweep[size] = evaluate_folder(model, trial, data / "val")["top1"]
        print(f"val top-1 at {size}px: {sweep[size]:.4f} ({time.perf_counter() - t:.0f} s)", flush=True)
    best = max(sweep, key=lambda s: (round(sweep[s], 6), -s))  # ties: the smaller (faster) size
    prep = Preprocessing(best, round(best / 0.875), card.preprocessing.mean, card.preprocessing.std)
    chosen = dataclasses.replace(card, preprocessing=prep)
    test = evaluate_folder(model, chosen, data / "test")
    threshold = threshold_from_max_probs(test["max_prob"], test["correct"])
    print(f"chosen input size {best}px; test top-1 {test['top1']:.4f} on {test['n']} images", flush=True)
    print(f"low-confidence threshold: {json.dumps(threshold)}", flush=True)

    out = dict(card.data)
    out["preprocessing"] = {**out["preprocessing"], **prep.to_dict()}
    out["data"] = PROVENANCE
    out["metrics"] = {
        **out.get("metrics", {}),
        "val_top1_by_input_size": {str(k): v for k, v in sweep.items()},
        "chosen_input_size": best,
        "test_top1": test["top1"],
        "test_per_class": test["per_class"],
        "test_confusion": test["confusion"],
        "test_n": test["n"],
        "test_time_flip": test["flip"],
        "evaluated_on": describe_device(torch.device("cpu")),
    }
    out["low_confidence_threshold"] = threshold["threshold"]
    out["low_confidence_rule"] = threshold
    out["training"] = {**out["training"], "notes": out["training"].get("notes", []) + a.note}
    model.config = model.config.replace(input_size=best)
    save_model(model, a.out, out)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
