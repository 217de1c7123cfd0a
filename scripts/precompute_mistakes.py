"""Precompute "where the model goes wrong" for the Explain page: the shipped model's confusion matrix on the
flower test split and its misclassified photos with Grad-CAM thumbnails and credits, into assets/mistakes/.

    PYTHONPATH=. .venv/bin/python scripts/precompute_mistakes.py [--data ../shared/data/flowers]

A few CPU minutes (every test photo and its mirror image, then Grad-CAM for the mistakes). Prints the
test top-1 and whether the matrix equals the one in the model card.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from densenet_viz.mistakes import MAX_THUMBNAILS, MISTAKES_DIR, REPORT_FILE, SEED, precompute_mistakes  # noqa: E402
from densenet_viz.predictor import Predictor  # noqa: E402
from densenet_viz.weights import SHIPPED_MODEL, WeightsError  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "flowers"),
                   help="the flower data set (manifest.csv and test/<class>/)")
    p.add_argument("--weights", default=str(SHIPPED_MODEL))
    p.add_argument("--out", default=str(MISTAKES_DIR))
    p.add_argument("--limit", type=int, default=MAX_THUMBNAILS, help="most thumbnails (a seeded sample beyond)")
    p.add_argument("--seed", type=int, default=SEED)
    a = p.parse_args()
    data = Path(a.data)
    if not (data / "manifest.csv").is_file() or not (data / "test").is_dir():
        print(f"error: {data} has no manifest.csv and test/", file=sys.stderr)
        return 2
    try:
        predictor = Predictor.load(a.weights)  # on the CPU, as the card's test figures were measured
    except WeightsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    doc = precompute_mistakes(predictor, data, a.out, limit=a.limit, seed=a.seed)
    wrong = len(doc["mistakes"])
    print(f"test top-1 {doc['top1']:.4f} on {doc['n']} photos ({wrong} mistakes, "
          f"{doc['thumbnails']['drawn']} with thumbnails); model card: {doc['card_test_top1']}")
    print("confusion matrix " + ("equals" if doc["matches_card"] else "DIFFERS FROM") + " the model card's")
    for row, name in zip(doc["confusion"], doc["classes"]):
        print(f"  {name:<12}" + "".join(f"{v:>6}" for v in row))
    print(f"wrote {Path(a.out) / REPORT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
