"""Colour maps and overlays for attribution maps, and the encodings the pages and the CLI download."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from .. import palette

_VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
            "#b5de2b", "#fde725"]
_INFERNO = ["#000004", "#1b0c41", "#4a0c6b", "#781c6d", "#a52c60", "#cf4446", "#ed6925", "#fb9b06",
            "#f7d13d", "#fcffa4"]
_CIVIDIS = ["#00224e", "#123570", "#3b496c", "#575d6d", "#707173", "#8a8779", "#a69d75", "#c4b56c",
            "#e4cf5b", "#fee838"]
# Perceptually uniform and colour-blind safe only (jet was removed: it is neither; palette.SEQUENTIAL).
_KNOTS = {"viridis": _VIRIDIS, "cividis": _CIVIDIS, "inferno": _INFERNO}
COLORMAPS = palette.SEQUENTIAL
PLOTLY_COLORSCALES = {"viridis": "Viridis", "cividis": "Cividis", "inferno": "Inferno"}


def _hex_knots(colors: list[str]) -> np.ndarray:
    return np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colors], dtype=np.float64)


def colormap_lut(name: str = "viridis") -> np.ndarray:
    """A (256, 3) uint8 lookup table built by linear interpolation between a few known colours."""
    pos = np.linspace(0.0, 1.0, 256)
    if name not in _KNOTS:
        raise ValueError(f"unknown colour map {name!r}; choose from {', '.join(COLORMAPS)}")
    knots = _hex_knots(_KNOTS[name])
    at = np.linspace(0.0, 1.0, len(knots))
    lut = np.stack([np.interp(pos, at, knots[:, c]) for c in range(3)], axis=1)
    return np.clip(lut + 0.5, 0, 255).astype(np.uint8)


def apply_colormap(cam: np.ndarray, name: str = "viridis") -> np.ndarray:
    """(H, W) values in [0, 1] to an (H, W, 3) uint8 RGB image."""
    idx = np.clip(np.nan_to_num(np.asarray(cam, dtype=np.float32)) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return colormap_lut(name)[idx]


def resize_map(cam: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of an (h, w) float map to ``size`` = (width, height)."""
    cam = np.asarray(cam, dtype=np.float32)
    if (cam.shape[1], cam.shape[0]) == tuple(size):
        return cam
    return np.asarray(Image.fromarray(cam, mode="F").resize(size, Image.BILINEAR), dtype=np.float32)


def overlay(image: Image.Image | np.ndarray, cam: np.ndarray, alpha: float = 0.5,
            cmap: str = "viridis") -> np.ndarray:
    """Blend the coloured ``cam`` (values in [0, 1], resized to the image) over ``image``; uint8 (H, W, 3).

    ``alpha`` is the heat map's opacity: 0 shows the photo only, 1 the map only.
    """
    photo = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image, dtype=np.float32)
    heat = apply_colormap(resize_map(cam, (photo.shape[1], photo.shape[0])), cmap).astype(np.float32)
    alpha = float(np.clip(alpha, 0.0, 1.0))
    return np.clip((1 - alpha) * photo + alpha * heat + 0.5, 0, 255).astype(np.uint8)


def colorbar_image(cmap: str = "viridis", width: int = 256, height: int = 14) -> np.ndarray:
    """A horizontal colour bar, low (left) to high (right), as uint8 (height, width, 3)."""
    return np.repeat(apply_colormap(np.linspace(0, 1, width)[None, :], cmap), height, axis=0)


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode a uint8 RGB array as PNG."""
    buf = io.BytesIO()
    Image.fromarray(np.asarray(rgb, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    """Serialise an array in NumPy's .npy format (no pickle)."""
    buf = io.BytesIO()
    np.save(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()
