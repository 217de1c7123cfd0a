"""Make the example images in assets/examples/: real flower photos from the test split, plus drawings.

    PYTHONPATH=. .venv/bin/python scripts/make_examples.py [--data ../shared/data/flowers]

- Real photos: ``PHOTOS_PER_CLASS`` test-split photos of each class, picked by ``pick_photos`` (a seeded
  random rule on the manifest, never by what the model says about them), copied byte for byte (they are at
  most 320 px; a larger one would be downsized to ``MAX_SIDE`` and re-encoded), named ``photo-<class>-<i>.jpg``.
  Each photographer's credit (CC BY 2.0) goes to ``credits.csv`` (read by the app) and ``SOURCES.md``.
- Drawings made with PIL (free to ship), labelled as drawings in the app.
- scikit-learn's bundled ``flower.jpg`` (a dahlia, CC BY 2.0: none of the five classes) when scikit-learn
  is installed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
import shutil
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from densenet_viz.credits import CC_BY_2, CC_BY_2_URL, Credit, parse_license_and_author, write_credits  # noqa: E402
from densenet_viz.weights import EXAMPLE_CREDITS, EXAMPLES_DIR  # noqa: E402

OUT = EXAMPLES_DIR
DATA = ROOT.parent / "shared" / "data" / "flowers"
SIZE = 480  # the drawings' side
SEED = 30  # the photo pick's seed (the issue that asked for real photos); change it only on purpose
PHOTOS_PER_CLASS = 3
MAX_SIDE = 480  # longest side of a shipped photo
DAHLIA = Credit("sklearn-flower-dahlia.jpg", "out_of_set", "dahlia", "vultilion",
                "https://www.flickr.com/photos/vultilion/6056698931/", CC_BY_2, CC_BY_2_URL, "unchanged")


def _background(rng: np.random.Generator) -> Image.Image:
    # Blurry green foliage: noise, smoothed, so the flower stands out as in a real photo.
    noise = rng.normal(0, 1, (SIZE // 8, SIZE // 8, 1))
    base = np.array([70, 120, 50], dtype=np.float64) + noise * np.array([18, 30, 14])
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)).resize((SIZE, SIZE), Image.BICUBIC)
    return img.filter(ImageFilter.GaussianBlur(6))


def _petal_flower(img: Image.Image, center: tuple[int, int], n: int, length: int, width: int,
                  petal: tuple[int, int, int], disc: tuple[int, int, int], disc_r: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    cx, cy = center
    for i in range(n):
        a = 2 * math.pi * i / n + rng.normal(0, 0.04)
        ln = length * (1 + rng.normal(0, 0.06))
        tip = (cx + ln * math.cos(a), cy + ln * math.sin(a))
        mid = (cx + ln * 0.55 * math.cos(a), cy + ln * 0.55 * math.sin(a))
        px, py = -math.sin(a) * width / 2, math.cos(a) * width / 2
        shade = tuple(int(np.clip(c + rng.normal(0, 8), 0, 255)) for c in petal)
        d.polygon([(cx, cy), (mid[0] + px, mid[1] + py), tip, (mid[0] - px, mid[1] - py)], fill=shade + (255,))
    layer = layer.filter(ImageFilter.GaussianBlur(1.2))
    img.paste(layer, (0, 0), layer)
    d = ImageDraw.Draw(img)
    for r in range(disc_r, 0, -2):  # a slightly domed disc: lighter towards the middle
        k = 1 + 0.35 * (1 - r / disc_r)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=tuple(int(min(255, c * k)) for c in disc))
    dots = np.random.default_rng(seed + 1)
    for _ in range(disc_r * 3):  # florets on the disc
        rr, aa = disc_r * math.sqrt(dots.random()) * 0.9, dots.random() * 2 * math.pi
        x, y = cx + rr * math.cos(aa), cy + rr * math.sin(aa)
        d.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=tuple(int(c * 0.7) for c in disc))


def make_daisy(seed: int = 1) -> Image.Image:
    img = _background(np.random.default_rng(seed))
    _petal_flower(img, (250, 230), 22, 150, 30, (248, 248, 244), (235, 190, 30), 42, seed)
    return img


def make_sunflower(seed: int = 2) -> Image.Image:
    img = _background(np.random.default_rng(seed))
    _petal_flower(img, (240, 245), 30, 190, 34, (250, 200, 20), (90, 55, 20), 95, seed)
    return img


def make_tulip(seed: int = 3) -> Image.Image:
    img = _background(np.random.default_rng(seed))
    d = ImageDraw.Draw(img)
    d.line((240, 470, 240, 250), fill=(50, 110, 40), width=10)  # stem
    d.polygon([(240, 400), (170, 300), (200, 380)], fill=(60, 130, 50))  # leaf
    for dx, shade in ((-55, (190, 20, 40)), (55, (190, 20, 40)), (0, (225, 40, 60))):  # three cup petals
        d.ellipse((240 + dx - 60, 110, 240 + dx + 60, 290), fill=shade)
    return img.filter(ImageFilter.GaussianBlur(0.8))


# (file stem, the class it imitates, how it is drawn)
DRAWINGS = (("drawn-daisy", "daisy", make_daisy), ("drawn-sunflower", "sunflowers", make_sunflower),
            ("drawn-tulip", "tulips", make_tulip))


# ------------------------------------------------------------------------------------------- real photos
def read_manifest(data: Path) -> list[dict]:
    """The data set's manifest rows (split, class, file, width, height, sha256, license_and_author)."""
    with open(data / "manifest.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def pick_photos(rows: list[dict], per_class: int = PHOTOS_PER_CLASS, seed: int = SEED) -> list[dict]:
    """The rule that picks the example photos, written down so anyone can check it: one
    ``random.Random(seed)``; for each class in name order, that class's test-split rows sorted by file
    name, and ``per_class`` of them drawn with ``sample``. Nothing about the model or its maps is used."""
    rng = random.Random(seed)
    test = [r for r in rows if r["split"] == "test"]
    picked = []
    for cls in sorted({r["class"] for r in test}):
        candidates = sorted((r for r in test if r["class"] == cls), key=lambda r: r["file"])
        picked += rng.sample(candidates, per_class)
    return picked


def example_name(row: dict, index: int) -> str:
    """``photo-<class>-<index>.jpg``, index from 1 within the class."""
    return f"photo-{row['class']}-{index}.jpg"


def copy_photo(src: Path, dst: Path, sha256: str) -> str:
    """Copy ``src`` to ``dst`` byte for byte when its longest side is at most MAX_SIDE, else downsize and
    re-encode it; returns what was done ("copied" or "downsized"). Checks the manifest's SHA-256 first."""
    data = src.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise SystemExit(f"{src}: does not match the manifest's SHA-256")
    with Image.open(src) as img:
        if max(img.size) <= MAX_SIDE:
            dst.write_bytes(data)
            return "copied"
        img = img.convert("RGB")
        img.thumbnail((MAX_SIDE, MAX_SIDE), Image.LANCZOS)
        img.save(dst, "JPEG", quality=90)
        return "downsized"


def photo_credit(row: dict, name: str) -> Credit:
    """The CC BY 2.0 credit of a data-set photo. "resized": the data set holds copies downsized to at most
    320 px and re-encoded from the photographer's original (its LICENSE.txt)."""
    author, url = parse_license_and_author(row["license_and_author"])
    return Credit(name, "photo", row["class"], author, url, CC_BY_2, CC_BY_2_URL, "resized")


def make_photos(data: Path, out: Path) -> list[tuple[Credit, dict, str]]:
    """Copy the picked photos into ``out`` (old ``photo-*`` files removed first); (credit, row, how) each."""
    for old in out.glob("photo-*"):
        old.unlink()
    made, counts = [], {}
    for row in pick_photos(read_manifest(data)):
        counts[row["class"]] = counts.get(row["class"], 0) + 1
        name = example_name(row, counts[row["class"]])
        how = copy_photo(data / "test" / row["class"] / row["file"], out / name, row["sha256"])
        made.append((photo_credit(row, name), row, how))
    return made


# ----------------------------------------------------------------------------------------------- SOURCES.md
def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def sources_markdown(photos: list[tuple[Credit, dict, str]]) -> str:
    """assets/examples/SOURCES.md: every shipped example, where it comes from, its licence and credit."""
    copied = all(how == "copied" for _, _, how in photos)
    lines = [
        "# Example images: sources and licences",
        "",
        "Written by `scripts/make_examples.py`; the app reads the same credits from `credits.csv` and shows them",
        "under each photo.",
        "",
        "## Real photos (the default examples)",
        "",
        f"{len(photos)} photos of the model's five classes from the **test** split of the flower data set "
        "(`../shared/data/flowers/test`, TensorFlow's `flower_photos`), never used for training or model "
        f"choices. Picked by a seeded random rule (`pick_photos`: seed {SEED}, {PHOTOS_PER_CLASS} per class "
        "from each class's test photos sorted by file name), not by how the model does on them.",
        "",
        "Licence: Creative Commons Attribution 2.0 (https://creativecommons.org/licenses/by/2.0/). Changes: "
        "the data set holds copies downsized to at most 320 px and re-encoded from the photographers' "
        "originals (\"resized\" below); "
        + ("they are copied here unchanged, byte for byte." if copied
           else "those larger than 480 px were downsized again here and re-encoded."),
        "",
        "| File | Class | Data-set file | Author | Source | Licence | Changes |",
        "|---|---|---|---|---|---|---|",
    ]
    for credit, row, _ in photos:
        lines.append(f"| `{credit.file}` | {credit.label} | `test/{row['class']}/{row['file']}` | "
                     f"{_cell(credit.author)} | {credit.source_url} | [{credit.licence}]({credit.licence_url}) | "
                     f"{credit.changes} |")
    lines += [
        "",
        "## The out-of-set photo and the drawings",
        "",
        "| File | What | Source | Licence |",
        "|---|---|---|---|",
        "| `sklearn-flower-dahlia.jpg` | a photo of an orange dahlia, **not** one of the model's 5 classes: the "
        "\"none of these\" case | `sklearn/datasets/images/flower.jpg` from scikit-learn 1.9.1 (the file inside "
        "its PyPI wheel, copied unchanged from the installed package) | Creative Commons Attribution 2.0 "
        "(https://creativecommons.org/licenses/by/2.0/), photo by Flickr user *vultilion*, "
        "https://www.flickr.com/photos/vultilion/6056698931/ , retrieved by Robert Layton for scikit-learn "
        "(see scikit-learn's `sklearn/datasets/images/README.txt`) |",
        "| `drawn-daisy.jpg` | a drawn daisy-like flower (white petals, yellow disc) | made for this project "
        "with PIL by `scripts/make_examples.py` | same as the project |",
        "| `drawn-sunflower.jpg` | a drawn sunflower-like flower | made for this project with PIL by "
        "`scripts/make_examples.py` | same as the project |",
        "| `drawn-tulip.jpg` | a drawn red tulip-like cup | made for this project with PIL by "
        "`scripts/make_examples.py` | same as the project |",
        "",
        "Note: scikit-learn's README credits \"danielbuechele\" in the attribution line for `flower.jpg` (copied "
        "from the `china.jpg` entry above it), but its own source links point to the Flickr user *vultilion*, "
        "whose photo it is; we credit *vultilion* and keep the CC BY 2.0 terms (attribution, link to the "
        "licence, no changes made).",
        "",
        "The drawings are synthetic: they only look roughly like the classes, so the model may not recognise "
        "them. The app lists them last and labels them as drawings.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", default=str(DATA), help="the flower data set (with manifest.csv and test/)")
    args = p.parse_args()
    data = Path(args.data)
    if not (data / "manifest.csv").is_file():
        print(f"error: no manifest.csv in {data}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for stem, _, draw in DRAWINGS:
        draw().save(OUT / f"{stem}.jpg", quality=90)
    try:
        import sklearn

        src = Path(sklearn.__file__).parent / "datasets" / "images" / "flower.jpg"
        shutil.copyfile(src, OUT / DAHLIA.file)
    except (ImportError, OSError) as exc:
        print(f"skipped scikit-learn's flower.jpg: {exc}")
    photos = make_photos(data, OUT)
    credits = [c for c, _, _ in photos]
    if (OUT / DAHLIA.file).is_file():
        credits.append(DAHLIA)
    credits += [Credit(f"{stem}.jpg", "drawing", label) for stem, label, _ in DRAWINGS]
    write_credits(OUT / EXAMPLE_CREDITS, credits)
    (OUT / "SOURCES.md").write_text(sources_markdown(photos), encoding="utf-8")
    for credit, row, how in photos:
        print(f"{credit.file}: test/{row['class']}/{row['file']} ({how}), {credit.author}")
    print("\n".join(sorted(p.name for p in OUT.iterdir())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
