"""From a decoded photo to what the pages and the CLI show: the crop, the prediction, the CAMs, and
the "none of these" verdict with its rule."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
from PIL import Image

from ..data import Preprocessing, center_crop, preprocess
from ..model import cam_layer_names
from .gradcam import Explanation, explain_batch

DEFAULT_NONE_THRESHOLD = 0.5  # used when the model card has no "none of these" threshold measured on val


@dataclass
class PhotoExplanation:
    """Everything the page and the CLI show for one photo."""

    crop: Image.Image  # the centre crop the model saw, at display resolution
    x: torch.Tensor  # (3, H, W) the normalised model input
    explanation: Explanation
    top5: list[tuple[str, float]]
    none_of_these: bool  # the top probability is below ``threshold``: probably none of the model's classes
    threshold: float


def card_threshold(card) -> float:
    """The "none of these" threshold from the model card (chosen on val), or 0.5 when it was never measured."""
    value = ((getattr(card, "data", None) or {}).get("none_of_these") or {})
    try:
        value = float(value.get("threshold")) if isinstance(value, dict) else float("nan")
    except (TypeError, ValueError):
        return DEFAULT_NONE_THRESHOLD
    return value if 0.0 < value < 1.0 else DEFAULT_NONE_THRESHOLD


def none_of_these_rule_text(card, lang: str = "en") -> str:
    """The rule in words, as the pages show it next to the probabilities (and the calibration note)."""
    from ..i18n import t

    rule = (getattr(card, "data", None) or {}).get("none_of_these")
    threshold = card_threshold(card)
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


def explain_photos(model: nn.Module, card, images: list[Image.Image], targets=None, layers=None,
                   display_side: int | None = None) -> list[PhotoExplanation]:
    """Preprocess as the model card says (test-time flip included), then predict and Grad-CAM ``layers``
    for all ``images`` in one batch."""
    layers = list(layers) if layers is not None else cam_layer_names(card.config)
    xs = [preprocess(img, card.preprocessing) for img in images]
    explanations = explain_batch(model, torch.stack(xs), layers, targets, flip=card.test_flip)
    threshold = card_threshold(card)
    return [PhotoExplanation(crop=display_crop(img, card.preprocessing, display_side), x=x, explanation=exp,
                             top5=exp.top_k(card.class_names, 5), none_of_these=exp.confidence < threshold,
                             threshold=threshold)
            for img, x, exp in zip(images, xs, explanations)]


def explain_photo(model: nn.Module, card, img: Image.Image, layers=None, target: int | None = None,
                  display_side: int | None = None) -> PhotoExplanation:
    """``explain_photos`` for one photo."""
    return explain_photos(model, card, [img], [target], layers, display_side)[0]
