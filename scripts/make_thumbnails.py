"""Build the thumbnail pack for the Train-it-live page from the flower photos' train and val splits.

    .venv/bin/python scripts/make_thumbnails.py --data ../shared/data/flowers --out assets/thumbnails

Each picked photo is centre-cropped to a square and resized to 72×72 (live training takes random 64×64
crops), saved as JPEG, and listed in ATTRIBUTIONS.csv with its CC BY 2.0 credit from the data set's
manifest. The pick is reproducible: per class and split, the photos with the smallest SHA-256.
This pack is the one exception to "never commit the shared photos": thumbnails with their attributions.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

from PIL import Image

SIDE = 72
PER_CLASS = {"train": 200, "val": 40}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="../shared/data/flowers")
    p.add_argument("--out", default="assets/thumbnails")
    a = p.parse_args()
    data, out = Path(a.data), Path(a.out)
    with open(data / "manifest.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if out.exists():
        shutil.rmtree(out)
    credits = []
    for split, n in PER_CLASS.items():
        for cls in sorted({r["class"] for r in rows}):
            candidates = [r for r in rows if r["split"] == split and r["class"] == cls]
            picked = sorted(candidates, key=lambda r: r["sha256"])[:n]
            for r in picked:
                img = Image.open(data / split / cls / r["file"]).convert("RGB")
                w, h = img.size
                s = min(w, h)
                box = ((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)
                target = out / split / cls / r["file"]
                target.parent.mkdir(parents=True, exist_ok=True)
                img.resize((SIDE, SIDE), Image.BICUBIC, box=box, reducing_gap=3.0).save(target, "JPEG", quality=88)
                credits.append({"file": f"{split}/{cls}/{r['file']}", "license_and_author": r["license_and_author"]})
    with open(out / "ATTRIBUTIONS.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["file", "license_and_author"])
        writer.writeheader()
        writer.writerows(credits)
    (out / "README.md").write_text(
        "# Thumbnail pack for the Train-it-live page\n\n"
        f"{len(credits)} photos from the TensorFlow `flower_photos` set (cleaned copy), {SIDE}×{SIDE} px centre "
        "crops, re-encoded as JPEG: " + ", ".join(f"{n} per class from {s}" for s, n in PER_CLASS.items()) + ".\n\n"
        "Licence: Creative Commons Attribution 2.0 (https://creativecommons.org/licenses/by/2.0/). Changes: "
        "cropped to a square, downsized and re-encoded. Each photo's photographer and source are listed in "
        "`ATTRIBUTIONS.csv`. Built by `scripts/make_thumbnails.py`; the full-size photos are not part of this "
        "repository.\n", encoding="utf-8")
    print(f"wrote {len(credits)} thumbnails to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
