"""Words for what a map shows, for alt text: which ninth of the picture holds most of its weight."""

from __future__ import annotations

import numpy as np

from ..i18n import t

# Row-major thirds of the picture; the names are i18n keys' suffixes (``alt.region.<name>``).
REGIONS = ("top_left", "top", "top_right", "left", "centre", "right", "bottom_left", "bottom", "bottom_right")


def weight_region(heatmap: np.ndarray) -> tuple[str, float]:
    """(region, share): the third-by-third region holding the largest part of the map's positive weight,
    and that part as a fraction of the whole (1/9 for a flat map). A map with no positive weight: centre, 0."""
    m = np.clip(np.asarray(heatmap, dtype=np.float64), 0.0, None)
    if m.ndim != 2 or m.size == 0:
        raise ValueError(f"a map must be 2-D and non-empty, got shape {m.shape}")
    total = m.sum()
    if total <= 0:
        return "centre", 0.0
    h, w = m.shape
    rows = np.array_split(np.arange(h), 3) if h >= 3 else [np.arange(h)] * 3
    cols = np.array_split(np.arange(w), 3) if w >= 3 else [np.arange(w)] * 3
    mass = [m[np.ix_(r, c)].sum() if len(r) and len(c) else 0.0 for r in rows for c in cols]
    best = int(np.argmax(mass))
    return REGIONS[best], float(mass[best] / total)


def map_alt(what: str, heatmap: np.ndarray, lang: str) -> str:
    """Alt text for a picture of a map: what it is, then where most of its weight lies and how much."""
    region, share = weight_region(heatmap)
    return t("alt.map", lang, what=what, where=t(f"alt.region.{region}", lang), share=f"{share:.0%}")
