"""The occlusion playground: cover part of a photo with a grey square and see what the model does then.

Grey is the dataset mean, which is 0 after normalisation, so a covered pixel carries no colour evidence.
Coordinates are in model-input pixels (0 … input_size); a square is clipped to the photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .data import IMAGENET_MEAN
from .explain import Explanation
from .explain.gradcam import as_single, device_of, normalise_cam
from .model import inspecting

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


def occluded_explanation(predictor, x: torch.Tensor, square: Square, before: np.ndarray) -> OcclusionResult:
    """Explain the photo with ``square`` covered (``predictor``: test-time flip as its card says).
    ``before``: the uncovered photo's probabilities; the class followed is their argmax, so the CAM and
    the drop are about the same class."""
    target = int(np.argmax(before))
    covered = occlude(x, square)
    exp = predictor.explain_inputs(covered[None], [target])[0]
    return OcclusionResult(square, exp, target, float(before[target]), float(exp.probs[target]))


SWEEP_SLICE = 8  # occluded copies per slice of the worker's time: a bystander waits at most one slice


def window_starts(side: int, size: int, stride: int) -> list[int]:
    """Where a sliding window of ``size`` starts along a ``side``: every ``stride``, plus one more that
    reaches past the end and is clipped (Captum's Occlusion rule: ceil((side - size) / stride) + 1 places)."""
    return [i * stride for i in range(-(-(side - size) // stride) + 1)]


def sensitivity_steps(model, x: torch.Tensor, target: int, size: int, batch: int = SWEEP_SLICE):
    """Sweep a grey square of ``size`` over the photo (stride ``size // 2``): how much the ``target`` score
    drops with each place covered, as an (S, S) map in [0, 1], computed as Captum's ``Occlusion`` does (a
    pixel's value is the mean drop over the windows that cover it; only drops are kept).

    A generator: it runs ``batch`` occluded copies per ``next()`` and yields the fraction done, so a long
    sweep takes turns with other sessions' work on the inference worker; its return value is the map."""
    x = as_single(x).detach().to(device_of(model), torch.float32)
    side = int(x.shape[-1])
    size = max(1, min(int(size), side))
    stride = max(1, size // 2)
    starts = window_starts(side, size, stride)
    places = [(top, left) for top in starts for left in starts]
    total = torch.zeros(side, side)
    covered = torch.zeros(side, side)
    with torch.no_grad(), inspecting(model):
        base = float(model(x)[0, target])
    for i in range(0, len(places), batch):
        chunk = places[i:i + batch]
        copies = x.repeat(len(chunk), 1, 1, 1)
        for j, (top, left) in enumerate(chunk):
            copies[j, :, top:top + size, left:left + size] = 0.0
        with torch.no_grad(), inspecting(model):
            drops = (base - model(copies)[:, target].float()).cpu()
        for drop, (top, left) in zip(drops.tolist(), chunk):
            total[top:top + size, left:left + size] += drop
            covered[top:top + size, left:left + size] += 1
        yield (i + len(chunk)) / len(places)
    mean = torch.where(covered > 0, total / covered.clamp(min=1), torch.zeros_like(total))
    return normalise_cam(F.relu(mean).numpy())


def sensitivity_map(model, x: torch.Tensor, target: int, size: int, batch: int = SWEEP_SLICE) -> np.ndarray:
    """The whole occlusion sweep at once (see ``sensitivity_steps``)."""
    steps = sensitivity_steps(model, x, target, size, batch)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
