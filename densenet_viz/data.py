"""Images in: safe decoding (EXIF, odd modes, size guards), preprocessing, and class folders."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

# Formats a photo can arrive in. MPO is what many phones write for ordinary .jpg photos.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "BMP"}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}
MAX_PIXELS = 64_000_000  # above this a file is refused before decoding (decompression bombs)
MIN_SIDE = 32  # smaller images carry too little for a 224×224 model to say anything
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is an error, not a grey half-picture


class ImageError(ValueError):
    """An input that is not a usable photo; the message is meant for the user as it is."""


def safe_name(name: str, limit: int = 80) -> str:
    """A file name fit to show in Markdown/HTML: base name only, no markup characters."""
    base = re.split(r"[\\/]", str(name))[-1]
    cleaned = re.sub(r"[^\w.\- ()]+", "_", base, flags=re.UNICODE).strip() or "unnamed"
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def load_image(source: str | Path | bytes | BinaryIO, target_side: int | None = None) -> Image.Image:
    """Decode a photo into an upright RGB PIL image, or raise ``ImageError`` saying why not.

    ``target_side``: for JPEGs, decode straight at a reduced scale (draft mode) that still keeps
    the shorter side at least this large: a 12-megapixel photo then costs a fraction to decode.
    """
    if isinstance(source, (str, Path)):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ImageError(f"cannot read the file: {exc.strerror or exc}") from None
    elif isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        data = source.read()
    if not data:
        raise ImageError("the file is empty")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        raise ImageError("SVG is a vector drawing, not a photo: please upload a JPEG, PNG or WebP")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt = img.format
            if fmt not in ALLOWED_FORMATS:
                kind = "an animated GIF" if fmt == "GIF" and getattr(img, "n_frames", 1) > 1 else f"a {fmt} file"
                raise ImageError(f"this is {kind}; please upload a JPEG, PNG or WebP photo")
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageError(f"the image is {w}×{h} pixels, over the {MAX_PIXELS // 1_000_000} megapixel limit")
            if min(w, h) < MIN_SIDE:
                raise ImageError(f"the image is only {w}×{h} pixels; at least {MIN_SIDE}×{MIN_SIDE} is needed")
            if getattr(img, "n_frames", 1) > 1 and fmt in ("PNG", "WEBP"):
                raise ImageError("this is an animated image; please upload a single still photo")
            if target_side and fmt in ("JPEG", "MPO"):
                img.draft("RGB", (target_side, target_side))
            img.load()
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses these in Image.open, before our own size check can say how big they are.
        raise ImageError(f"the image has too many pixels (over {MAX_PIXELS // 1_000_000} megapixels); "
                         "please upload a smaller photo") from None
    except UnidentifiedImageError:
        raise ImageError("this file is not an image that can be read (JPEG, PNG or WebP expected)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"the image is damaged or truncated ({str(exc)[:80]})") from None
    except Exception as exc:  # noqa: BLE001 - decoders can raise anything on hostile bytes (zlib.error, ...)
        raise ImageError(f"the image is damaged and cannot be decoded ({type(exc).__name__})") from None
    try:
        img = ImageOps.exif_transpose(img)  # phones store rotation in EXIF rather than in pixels
    except Exception:  # noqa: BLE001 - a broken EXIF block must not lose an otherwise good photo
        pass
    return to_rgb(img)


def to_rgb(img: Image.Image) -> Image.Image:
    """Any mode to 8-bit RGB: 16-bit scaled (not clipped), CMYK converted, alpha over white."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        # 16-bit files are scaled by their bit depth (a dark 16-bit photo stays dark), not by their max.
        top = 65535.0 if img.mode.startswith("I;16") or arr.max() > 255 else 255.0
        img = Image.fromarray(np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    elif img.mode == "F":
        arr = np.asarray(img, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        img = Image.fromarray(((arr - lo) / (hi - lo + 1e-12) * 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img.convert("RGBA"), mask=img.convert("RGBA").getchannel("A"))
        return background
    return img.convert("RGB")


@dataclass(frozen=True)
class Preprocessing:
    """What the model expects: resize the shorter side, centre-crop, normalise."""

    input_size: int = 224
    resize_size: int = 256
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD

    def to_dict(self) -> dict:
        return {"input_size": self.input_size, "resize_size": self.resize_size,
                "mean": list(self.mean), "std": list(self.std)}

    @classmethod
    def from_dict(cls, d: dict) -> Preprocessing:
        return cls(int(d["input_size"]), int(d["resize_size"]), tuple(d["mean"]), tuple(d["std"]))


def center_crop(img: Image.Image, resize_size: int, input_size: int) -> Image.Image:
    """Resize the shorter side to ``resize_size`` and cut the central ``input_size`` square."""
    w, h = img.size
    scale = resize_size / min(w, h)
    nw, nh = max(input_size, round(w * scale)), max(input_size, round(h * scale))
    img = img.resize((nw, nh), Image.BILINEAR, reducing_gap=3.0)
    left, top = (nw - input_size) // 2, (nh - input_size) // 2
    return img.crop((left, top, left + input_size, top + input_size))


def to_tensor(img: Image.Image, prep: Preprocessing):
    """A cropped RGB image to a normalised float tensor (3, H, W)."""
    import torch

    arr = np.asarray(img, dtype=np.float32) / 255.0
    arr = (arr - np.asarray(prep.mean, dtype=np.float32)) / np.asarray(prep.std, dtype=np.float32)
    return torch.from_numpy(arr.transpose(2, 0, 1).copy())


def preprocess(img: Image.Image, prep: Preprocessing):
    """The app's and the evaluator's one preprocessing path: (3, input_size, input_size) tensor."""
    return to_tensor(center_crop(img, prep.resize_size, prep.input_size), prep)


@dataclass(frozen=True)
class FolderScan:
    classes: tuple[str, ...]
    samples: tuple[tuple[Path, int], ...]
    skipped: tuple[str, ...]  # files that are not images


def scan_class_folder(root: str | Path) -> FolderScan:
    """A folder laid out as ``root/<class>/<image>``; non-image files are listed in ``skipped``."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise ValueError(f"{root} has no class sub-folders (expected {root}/<class name>/<images>)")
    samples, skipped = [], []
    for label, name in enumerate(classes):
        for f in sorted((root / name).rglob("*")):
            if not f.is_file() or f.name.startswith("."):
                continue
            if f.suffix.lower() in IMAGE_SUFFIXES:
                samples.append((f, label))
            else:
                skipped.append(str(f))
    return FolderScan(tuple(classes), tuple(samples), tuple(skipped))
