"""The occlusion playground: cover part of a photo with a grey square and see what the model does then.

Grey is the dataset mean, which is 0 after normalisation, so a covered pixel carries no colour evidence.
Coordinates are in model-input pixels (0 … input_size); a square is clipped to the photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .data import IMAGENET_MEAN
from .explain import Explanation, attributions, explain_batch
from .model import cam_layer_names

GREY = tuple(round(255 * m) for m in IMAGENET_MEAN)  # the colour of 0 after normalisation: the dataset mean


@dataclass(frozen=True)
class Square:
    """A grey square centred at (``cx``, ``cy``) with side ``size``, in model-input pixels."""

    cx: int
    cy: int
    size: int

    def box(self, side: int) -> tuple[int, int, int, int]:
        """(left, top, right, bottom), clipped to a ``side``×``side`` input."""
        half = self.size // 2
        left, top = max(0, self.cx - half), max(0, self.cy - half)
        return left, top, min(side, left + self.size), min(side, top + self.size)

    @classmethod
    def centre(cls, side: int, size: int) -> Square:
        """"What if the model could not see the centre?"."""
        return cls(side // 2, side // 2, size)


def occlude(x: torch.Tensor, square: Square) -> torch.Tensor:
    """A copy of the normalised input ``x`` (3, S, S) with ``square`` set to grey (0)."""
    left, top, right, bottom = square.box(int(x.shape[-1]))
    out = x.clone()
    out[:, top:bottom, left:right] = 0.0
    return out


@dataclass(frozen=True)
class OcclusionResult:
    """The model's view of the covered photo, and how far the original top class dropped."""

    square: Square
    explanation: Explanation  # probabilities and Grad-CAMs of the covered photo
    target: int  # the class followed: the original prediction
    before: float  # its probability on the uncovered photo
    after: float  # and on the covered one

    @property
    def drop(self) -> float:
        return self.before - self.after


def occluded_explanation(model, card, x: torch.Tensor, square: Square, before: np.ndarray) -> OcclusionResult:
    """Explain the photo with ``square`` covered (test-time flip as the card says). ``before``: the
    uncovered photo's probabilities; the class followed is their argmax, so the CAM and the drop are
    about the same class."""
    target = int(np.argmax(before))
    covered = occlude(x, square)
    exp = explain_batch(model, covered[None], cam_layer_names(card.config), [target], flip=card.test_flip)[0]
    return OcclusionResult(square, exp, target, float(before[target]), float(exp.probs[target]))


def sensitivity_map(model, x: torch.Tensor, target: int, size: int, batch: int = 16) -> np.ndarray:
    """Sweep a grey square of ``size`` over the photo (stride ``size // 2``) in batched forwards: how much
    the ``target`` score drops with each place covered, as an (S, S) map in [0, 1] (Captum's Occlusion)."""
    return attributions(model, x, target, "features.norm5", methods=("occlusion",), occlusion_window=size,
                        batch=batch)["occlusion"]
