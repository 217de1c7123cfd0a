"""Regenerate the synthetic example images in assets/examples/ (drawn with PIL, free to ship).

    PYTHONPATH=. .venv/bin/python scripts/make_examples.py

Also copies scikit-learn's bundled ``flower.jpg`` (CC BY 2.0, see assets/examples/SOURCES.md) when
scikit-learn is installed.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "assets" / "examples"
SIZE = 480


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


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, fn in (("drawn-daisy", make_daisy), ("drawn-sunflower", make_sunflower), ("drawn-tulip", make_tulip)):
        fn().save(OUT / f"{name}.jpg", quality=90)
    try:
        import sklearn

        src = Path(sklearn.__file__).parent / "datasets" / "images" / "flower.jpg"
        shutil.copyfile(src, OUT / "sklearn-flower-dahlia.jpg")
    except (ImportError, OSError) as exc:
        print(f"skipped scikit-learn's flower.jpg: {exc}")
    print("\n".join(sorted(p.name for p in OUT.iterdir())))


if __name__ == "__main__":
    main()
