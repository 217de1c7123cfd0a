"""Images in: safe decoding (EXIF, odd modes, size guards), preprocessing, and class folders."""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

from .errors import UserError

# Formats a photo can arrive in. MPO is what many phones write for ordinary .jpg photos.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO", "BMP"}
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")  # the uploaders' and the CLI's list
UPLOAD_TYPES = [s.lstrip(".") for s in IMAGE_SUFFIXES]  # st.file_uploader's ``type=``
MAX_PIXELS = 64_000_000  # refused from the header alone, before decoding (decompression bombs)
MAX_DECODED_PIXELS = 16_000_000  # what is really decoded: JPEGs are decoded at a reduced scale to fit
MAX_ASPECT = 10  # longer side / shorter side: beyond this it is no photo, and derived images would be huge
MIN_SIDE = 32  # smaller images carry too little for a 224×224 model to say anything
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CROP_RATIO = 0.875  # centre crop = this share of the resized shorter side (torchvision's 224/256)
_ORIENTATION = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
                5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                8: Image.Transpose.ROTATE_90}

ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is an error, not a grey half-picture


class ImageError(UserError):
    """An input that is not a usable photo (``code`` under ``error.image.``); the message is for the user."""


def safe_name(name: str, limit: int = 80) -> str:
    """A file name fit to show in Markdown/HTML: base name only, no markup characters."""
    # Browsers send a quote in an uploaded file's name as %22: show it as a typographic quote, which no
    # Markdown or HTML reads as syntax.
    base = re.split(r"[\\/]", str(name).replace("%22", '"'))[-1].replace('"', "”").replace("'", "’")
    cleaned = re.sub(r"[^\w.\- ()”’]+", "_", base, flags=re.UNICODE).strip() or "unnamed"
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _read(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except FileNotFoundError:
            raise ImageError("image.not_found") from None
        except IsADirectoryError:
            raise ImageError("image.is_folder") from None
        except OSError:
            raise ImageError("image.unreadable") from None
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    return source.read()


def _check_size(w: int, h: int) -> None:
    if w * h > MAX_PIXELS:
        raise ImageError("image.too_many_pixels", w=w, h=h, limit=MAX_PIXELS // 1_000_000)
    if min(w, h) < MIN_SIDE:
        raise ImageError("image.too_small", w=w, h=h, min=MIN_SIDE)
    if max(w, h) > MAX_ASPECT * min(w, h):
        raise ImageError("image.too_elongated", w=w, h=h, ratio=MAX_ASPECT)


def _jpeg_reduction(w: int, h: int, target_side: int | None) -> int:
    """JPEG draft mode decodes at 1/1, 1/2, 1/4 or 1/8 scale. The smallest reduction that keeps the
    decoded pixels within MAX_DECODED_PIXELS, or larger while the shorter side stays ≥ ``target_side``."""
    r = 1
    while r < 8 and (w // r) * (h // r) > MAX_DECODED_PIXELS:
        r *= 2
    while target_side and r < 8 and min(w, h) // (2 * r) >= target_side:
        r *= 2
    return r


def load_image(source: str | Path | bytes | BinaryIO, target_side: int | None = None) -> Image.Image:
    """Decode a photo into an upright RGB PIL image, or raise ``ImageError`` saying why not.

    Memory is bounded whatever the input: sizes and the aspect ratio are checked from the header before
    decoding; JPEGs are decoded at a reduced scale (draft mode) to at most MAX_DECODED_PIXELS, and at
    the smallest scale that keeps the shorter side ≥ ``target_side``; other formats over that are refused.
    """
    data = _read(source)
    if not data:
        raise ImageError("image.empty")
    head = data[:512].lstrip().lower()
    if head.startswith(b"<?xml") or b"<svg" in head:
        raise ImageError("image.svg")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt = img.format
            if fmt not in ALLOWED_FORMATS:
                if fmt == "GIF" and getattr(img, "n_frames", 1) > 1:
                    raise ImageError("image.animated_gif")
                raise ImageError("image.wrong_format", format=str(fmt)[:20])
            w, h = img.size
            _check_size(w, h)
            if getattr(img, "n_frames", 1) > 1 and fmt in ("PNG", "WEBP"):
                raise ImageError("image.animated")
            if fmt in ("JPEG", "MPO"):
                r = _jpeg_reduction(w, h, target_side)
                if r > 1:
                    img.draft("RGB", (-(-w // r), -(-h // r)))  # ceil: draft then picks exactly 1/r
            if img.size[0] * img.size[1] > MAX_DECODED_PIXELS:
                raise ImageError("image.too_large_to_decode", w=w, h=h, format=fmt,
                                 limit=MAX_DECODED_PIXELS // 1_000_000)
            img.load()
            orientation = _orientation(img)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses these in Image.open, before our own size check can say how big they are.
        raise ImageError("image.bomb", limit=MAX_PIXELS // 1_000_000) from None
    except UnidentifiedImageError:
        raise ImageError("image.not_an_image") from None
    except MemoryError:
        raise ImageError("image.out_of_memory") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError("image.damaged", detail=str(exc)[:80]) from None
    except Exception as exc:  # noqa: BLE001 - decoders can raise anything on hostile bytes (zlib.error, ...)
        raise ImageError("image.damaged", detail=type(exc).__name__) from None
    img = to_rgb(img)
    # Rotate after the RGB conversion: the rotated copy is then the smallest it can be.
    return img.transpose(_ORIENTATION[orientation]) if orientation in _ORIENTATION else img


def _orientation(img: Image.Image) -> int:
    """The EXIF orientation tag (1 = upright); phones store rotation there rather than in pixels."""
    try:
        return int(img.getexif().get(0x0112, 1))
    except Exception:  # noqa: BLE001 - a broken EXIF block must not lose an otherwise good photo
        return 1


def to_rgb(img: Image.Image) -> Image.Image:
    """Any mode to 8-bit RGB: 16-bit scaled (not clipped), CMYK converted, alpha over white.

    Integer arithmetic on the smallest dtypes, so a large image needs little more than its own size.
    """
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img)
        # 16-bit files are scaled by their bit depth (a dark 16-bit photo stays dark), not by their max.
        top = 65535 if img.mode.startswith("I;16") or int(arr.max()) > 255 else 255
        scaled = (np.clip(arr, 0, top).astype(np.uint32) * 255 + top // 2) // top
        img = Image.fromarray(scaled.astype(np.uint8), "L")
    elif img.mode == "F":
        arr = np.asarray(img, dtype=np.float32)
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        img = Image.fromarray(((np.nan_to_num(arr, nan=lo) - lo) * (255 / (hi - lo + 1e-12))).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        rgba = img if img.mode == "RGBA" else img.convert("RGBA")
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img if img.mode == "RGB" else img.convert("RGB")


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
    def for_input_size(cls, input_size: int, mean=IMAGENET_MEAN, std=IMAGENET_STD) -> Preprocessing:
        """Resize the shorter side to ``input_size / CROP_RATIO``, then centre-crop ``input_size``."""
        return cls(int(input_size), round(input_size / CROP_RATIO), tuple(mean), tuple(std))

    @classmethod
    def from_dict(cls, d: dict) -> Preprocessing:
        return cls(int(d["input_size"]), int(d["resize_size"]), tuple(d["mean"]), tuple(d["std"]))


def center_crop(img: Image.Image, resize_size: int, input_size: int) -> Image.Image:
    """Resize the shorter side to ``resize_size`` and cut the central ``input_size`` square.

    Done as one resize of the source box that becomes the crop, so no full-size intermediate image is
    made: memory is the crop's, whatever the photo's size or shape.
    """
    w, h = img.size
    scale = resize_size / min(w, h)
    nw, nh = max(input_size, round(w * scale)), max(input_size, round(h * scale))
    left, top = (nw - input_size) // 2, (nh - input_size) // 2
    sx, sy = w / nw, h / nh  # source pixels per resized pixel
    box = (left * sx, top * sy, (left + input_size) * sx, (top + input_size) * sy)
    return img.resize((input_size, input_size), Image.BILINEAR, box=box, reducing_gap=3.0)


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


def list_images(root: str | Path, recursive: bool = True) -> list[Path]:
    """Every image file (by suffix) under ``root``, sorted; hidden files left out."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder")
    found = root.rglob("*") if recursive else root.iterdir()
    return sorted(f for f in found if f.is_file() and not f.name.startswith(".")
                  and f.suffix.lower() in IMAGE_SUFFIXES)
