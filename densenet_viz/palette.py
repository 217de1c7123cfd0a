"""Colour-blind-safe colours for every figure: Okabe-Ito qualitative roles and perceptually uniform sequential maps.

Also the check the tests use: simulate protanopia / deuteranopia (Machado, Oliveira & Fernandes 2009,
severity 1.0, applied in linear RGB) and measure CIE76 ΔE (Euclidean distance in CIELAB, D65).
"""

from __future__ import annotations

import numpy as np

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}
DENSE_BLOCK = OKABE_ITO["blue"]
TRANSITION = OKABE_ITO["vermillion"]
SELECTED = OKABE_ITO["vermillion"]
SOURCE = OKABE_ITO["orange"]
OTHER = "#6f6f6f"  # 5:1 on white: it also colours an axis title
INPUT = OKABE_ITO["bluish_green"]
# Series in order; distinct under normal vision, protanopia and deuteranopia (tests/unit/test_palette.py).
SERIES = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"],
          OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"], OKABE_ITO["black"], OKABE_ITO["yellow"])
SEQUENTIAL = ("viridis", "cividis", "inferno")

_MACHADO = {  # severity 1.0
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
}
VISIONS = ("normal", "protanopia", "deuteranopia")


def series(n: int) -> list[str]:
    """``n`` series colours; past the palette's length they repeat (callers add labels or patterns)."""
    return [SERIES[i % len(SERIES)] for i in range(n)]


def to_rgb(colour: str) -> tuple[int, int, int]:
    """'#rrggbb' or 'rgb(r,g,b)' / 'rgba(r,g,b,a)' to an (r, g, b) tuple of 0..255."""
    c = colour.strip()
    if c.startswith("#"):
        return tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    parts = c[c.index("(") + 1:c.index(")")].split(",")
    return tuple(int(float(p)) for p in parts[:3])  # type: ignore[return-value]


def _linear(rgb: np.ndarray) -> np.ndarray:
    s = rgb / 255.0
    return np.where(s <= 0.04045, s / 12.92, ((s + 0.055) / 1.055) ** 2.4)


def simulate(colour: str, vision: str) -> np.ndarray:
    """Linear-RGB (0..1) of ``colour`` as seen with ``vision``."""
    lin = _linear(np.array(to_rgb(colour), dtype=np.float64))
    return lin if vision == "normal" else np.clip(_MACHADO[vision] @ lin, 0.0, 1.0)


def _lab(lin: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = (m @ lin) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 ΔE between two colours as seen with ``vision``."""
    return float(np.linalg.norm(_lab(simulate(a, vision)) - _lab(simulate(b, vision))))


def contrast_ratio(a: str, b: str = "#ffffff") -> float:
    """WCAG 2 contrast ratio between two colours."""
    lum = [float(np.array([0.2126, 0.7152, 0.0722]) @ _linear(np.array(to_rgb(c), dtype=np.float64)))
           for c in (a, b)]
    hi, lo = max(lum), min(lum)
    return (hi + 0.05) / (lo + 0.05)
