"""What the pages and the CLI show for a photo (``predictor.Predictor.explain`` makes it): the crop, the
prediction, the CAMs, and the "none of these" verdict with its rule in words."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from PIL import Image

from ..calibration import NoneOfTheseRule
from ..data import Preprocessing, center_crop
from .gradcam import Explanation


@dataclass
class PhotoExplanation:
    """Everything the page and the CLI show for one photo."""

    crop: Image.Image  # the centre crop the model saw, at display resolution
    x: torch.Tensor  # (3, H, W) the normalised model input
    explanation: Explanation
    top5: list[tuple[str, float]]
    none_of_these: bool  # the top probability is below ``threshold``: probably none of the model's classes
    threshold: float


def none_of_these_rule_text(card, lang: str = "en") -> str:
    """The rule in words, as the pages show it next to the probabilities (and the calibration note)."""
    from ..i18n import t

    rule = (getattr(card, "data", None) or {}).get("none_of_these")
    threshold = NoneOfTheseRule.for_card(card).threshold
    values = {"threshold": f"{threshold:.0%}", "n": len(card.class_names)}
    if isinstance(rule, dict) and rule.get("threshold") == threshold:
        text = t("explain.rule", lang, other=rule.get("other_species", "?"), **values)
    else:
        text = t("explain.rule_default", lang, **values)
    temperature = getattr(card, "temperature", 1.0)
    if temperature != 1.0:
        text += " " + t("explain.calibrated", lang, temperature=f"{temperature:.2f}")
    return text


def display_crop(img: Image.Image, prep: Preprocessing, side: int | None = None) -> Image.Image:
    """The same centre crop the model sees, but at ``side`` pixels (default 2× the input) for display."""
    side = side or 2 * prep.input_size
    scale = side / prep.input_size
    return center_crop(img, max(side, round(prep.resize_size * scale)), side)


def decode_side(prep: Preprocessing, display_side: int | None = None) -> int:
    """Shorter side to decode JPEGs at (draft mode): enough for the model and the display crop."""
    side = display_side or 2 * prep.input_size
    return max(prep.resize_size, math.ceil(prep.resize_size * side / prep.input_size))
