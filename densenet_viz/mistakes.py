"""Where the shipped model goes wrong: its confusion matrix on the test split and every misclassified test
photo, with a small Grad-CAM thumbnail and the photographer's credit.

``precompute_mistakes`` (run by ``scripts/precompute_mistakes.py``) writes ``assets/mistakes/``: one
``mistakes.json`` and the thumbnails; ``load_mistakes`` reads it back for the Explain page. Predictions use
the evaluator's and the app's own preprocessing (test-time flip included), so the matrix is the one the
model card reports.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .calibration import softmax
from .credits import CC_BY_2, CC_BY_2_URL, Credit, parse_license_and_author
from .data import load_image, scan_class_folder
from .weights import ASSETS

MISTAKES_DIR = ASSETS / "mistakes"
REPORT_FILE = "mistakes.json"
THUMB_SIDE = 160  # pixels, both the photo and its Grad-CAM overlay
MAX_THUMBNAILS = 40  # more mistakes than this: all are listed, thumbnails for a seeded sample
SEED = 30
CAM_ALPHA = 0.5  # the Explain page's default heat-map opacity


@dataclass(frozen=True)
class Mistake:
    """One misclassified test photo."""

    file: str  # "<true class>/<file name>" in the test split
    true: str
    predicted: str
    prob: float  # calibrated probability of the predicted class
    true_prob: float  # ... and of the true one
    credit: Credit
    photo: str | None  # thumbnail file names in the report's folder; None when not drawn
    cam: str | None


@dataclass(frozen=True)
class MistakeReport:
    """The test confusion matrix (rows: true class, columns: predicted) and the mistakes behind it."""

    classes: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    n: int
    top1: float
    card_top1: float | None  # the model card's test top-1, for comparison
    layer: str  # the Grad-CAM layer of the thumbnails
    mistakes: tuple[Mistake, ...]
    folder: Path

    @property
    def wrong(self) -> int:
        """How many test photos the matrix counts as misclassified (its off-diagonal total)."""
        return self.n - int(np.trace(np.asarray(self.confusion)))

    @property
    def drawn(self) -> list[Mistake]:
        """The mistakes that have thumbnails, in file order."""
        return [m for m in self.mistakes if m.photo and m.cam]


def top_confusions(confusion, classes, k: int = 3) -> list[tuple[str, str, int]]:
    """The ``k`` largest off-diagonal cells as (true class, predicted class, count), largest first."""
    m = np.asarray(confusion, dtype=int)
    cells = [(int(m[i, j]), i, j) for i in range(len(m)) for j in range(len(m)) if i != j and m[i, j] > 0]
    cells.sort(key=lambda c: (-c[0], c[1], c[2]))
    return [(str(classes[i]), str(classes[j]), n) for n, i, j in cells[:k]]


def thumbnail_sample(n_mistakes: int, limit: int = MAX_THUMBNAILS, seed: int = SEED) -> set[int]:
    """Which mistakes (indices in file order) get thumbnails: all of them, or a seeded random ``limit``."""
    if n_mistakes <= limit:
        return set(range(n_mistakes))
    return set(random.Random(seed).sample(range(n_mistakes), limit))


def _manifest_credits(data: Path) -> dict[str, Credit]:
    """"<class>/<file>" -> Credit for the test split, from the data set's manifest.csv."""
    with open(data / "manifest.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "test"]
    credits = {}
    for r in rows:
        author, url = parse_license_and_author(r["license_and_author"])
        key = f"{r['class']}/{r['file']}"
        credits[key] = Credit(key, "photo", r["class"], author, url, CC_BY_2, CC_BY_2_URL, "resized")
    return credits


def _jpeg(pixels, path: Path) -> None:
    img = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels)
    img.convert("RGB").save(path, "JPEG", quality=85)


def precompute_mistakes(predictor, data: str | Path, out: str | Path = MISTAKES_DIR,
                        limit: int = MAX_THUMBNAILS, seed: int = SEED, batch: int = 8) -> dict:
    """Predict every photo in ``data``/test, write ``out``/mistakes.json and the mistakes' thumbnails
    (photo and Grad-CAM of the predicted class at the last dense block); returns the JSON written.

    ``predictor`` must be calibrated (``Predictor.load``'s default). Raises ValueError if a test photo
    cannot be read, so the matrix always covers the whole split.
    """
    from .evaluate import accuracy_report, folder_logits
    from .explain import block_end_layers, decode_side, overlay
    from .model import cam_layer_names

    card = predictor.card
    data, out = Path(data), Path(out)
    test = data / "test"
    logits, labels, skipped = folder_logits(predictor, test)
    if skipped:
        raise ValueError(f"unreadable test files: {skipped[:3]}")
    paths = [p for p, _ in scan_class_folder(test).samples]  # the order folder_logits used
    report = accuracy_report(logits, labels, card.class_names)
    probs = softmax(logits)
    pred = probs.argmax(1)
    credits = _manifest_credits(data)
    layer = block_end_layers(cam_layer_names(card.config))[-1]
    wrong = [int(i) for i in np.flatnonzero(pred != labels)]
    wrong.sort(key=lambda i: f"{paths[i].parent.name}/{paths[i].name}")
    drawn = thumbnail_sample(len(wrong), limit, seed)

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.jpg"):
        old.unlink()
    thumbs: dict[int, tuple[str, str]] = {}
    todo = [wrong[k] for k in sorted(drawn)]
    for start in range(0, len(todo), batch):
        chunk = todo[start:start + batch]
        images = [load_image(paths[i], target_side=decode_side(card.preprocessing)) for i in chunk]
        results = predictor.explain(images, targets=[int(pred[i]) for i in chunk], layers=[layer],
                                    display_side=THUMB_SIDE)
        for i, res in zip(chunk, results):
            if res.explanation.predicted != pred[i]:  # same photo, same preprocessing: must not happen
                raise ValueError(f"{paths[i]}: the explanation predicts another class than the evaluation")
            stem = f"{paths[i].parent.name}--{paths[i].stem}"
            _jpeg(res.crop, out / f"{stem}.jpg")
            _jpeg(overlay(res.crop, res.explanation.cams[layer], CAM_ALPHA), out / f"{stem}-cam.jpg")
            thumbs[i] = (f"{stem}.jpg", f"{stem}-cam.jpg")
    names = card.class_names
    mistakes = []
    for i in wrong:
        key = f"{paths[i].parent.name}/{paths[i].name}"
        photo, cam = thumbs.get(i, (None, None))
        mistakes.append({"file": key, "true": names[labels[i]], "predicted": names[pred[i]],
                         "prob": round(float(probs[i, pred[i]]), 4), "true_prob": round(float(probs[i, labels[i]]), 4),
                         "credit": credits[key].to_dict(), "photo": photo, "cam": cam})
    metrics = card.data.get("metrics", {})
    doc = {
        "model": card.data.get("weights_file", ""), "weights_sha256": card.data.get("weights_sha256", ""),
        "data": "flowers/test", "classes": list(names), "confusion": report["confusion"], "n": report["n"],
        "top1": report["top1"], "per_class": report["per_class"], "flip": card.test_flip, "layer": layer,
        "card_test_top1": metrics.get("test_top1"),
        "matches_card": report["confusion"] == metrics.get("test_confusion"),
        "thumbnails": {"limit": limit, "seed": seed, "side": THUMB_SIDE, "drawn": len(thumbs)},
        "mistakes": mistakes,
    }
    (out / REPORT_FILE).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return doc


def load_mistakes(folder: str | Path = MISTAKES_DIR) -> MistakeReport | None:
    """The report in ``folder``, or None when there is none or it cannot be read."""
    folder = Path(folder)
    try:
        doc = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
        classes = tuple(str(c) for c in doc["classes"])
        confusion = tuple(tuple(int(v) for v in row) for row in doc["confusion"])
        mistakes = tuple(Mistake(str(m["file"]), str(m["true"]), str(m["predicted"]), float(m["prob"]),
                                 float(m["true_prob"]), Credit.from_dict(m["credit"]),
                                 m.get("photo") or None, m.get("cam") or None) for m in doc["mistakes"])
        card_top1 = doc.get("card_test_top1")
        return MistakeReport(classes, confusion, int(doc["n"]), float(doc["top1"]),
                             float(card_top1) if card_top1 is not None else None, str(doc["layer"]), mistakes, folder)
    except (OSError, ValueError, KeyError, TypeError):
        return None
