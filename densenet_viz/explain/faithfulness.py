"""Is the map faithful? Deletion curves (remove the most-attributed pixels first) against a random map."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..model import inspecting
from .colors import resize_map
from .gradcam import as_single, device_of


@dataclass(frozen=True)
class DeletionCurve:
    """Class probability as the most-attributed pixels are removed first; ``auc`` is the area (lower = the
    map points at pixels the model really needs)."""

    fractions: tuple[float, ...]
    probs: tuple[float, ...]
    auc: float


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of an (N, C, H, W) tensor with reflect padding."""
    radius = max(1, int(math.ceil(3 * sigma)))
    radius = min(radius, x.shape[-1] - 1, x.shape[-2] - 1)
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    k = torch.exp(-(t**2) / (2 * sigma**2))
    k = k / k.sum()
    c = x.shape[1]
    x = F.pad(x, (radius, radius, radius, radius), mode="reflect")
    x = F.conv2d(x, k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(x, k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


def random_saliency(shape: tuple[int, int], seed: int = 0) -> np.ndarray:
    """A uniformly random map: the baseline every real saliency map should beat on the deletion test."""
    return np.random.default_rng(seed).random(shape).astype(np.float32)


@torch.inference_mode()
def deletion_curve(model: nn.Module, x: torch.Tensor, saliency: np.ndarray, target: int, steps: int = 16,
                   baseline: str = "blur", batch: int = 9) -> DeletionCurve:
    """Remove pixels in order of decreasing ``saliency`` in ``steps`` equal chunks, replacing them with a
    blurred copy of the image (``"blur"``) or the dataset mean (``"mean"``: 0 after normalisation), and
    record the softmax probability of ``target``. Forward passes are batched ``batch`` images at a time.
    The area under the curve uses the trapezoid rule over the removed fraction 0…1.
    """
    x = as_single(x).to(device_of(model), torch.float32)
    H, W = x.shape[-2:]
    sal = np.asarray(saliency, dtype=np.float32)
    if sal.shape != (H, W):
        sal = resize_map(sal, (int(W), int(H)))
    if baseline == "blur":
        fill = gaussian_blur(x, sigma=max(1.0, int(H) / 16))
    elif baseline == "mean":
        fill = torch.zeros_like(x)
    else:
        raise ValueError("baseline must be 'blur' or 'mean'")
    order = torch.from_numpy(np.argsort(-sal.ravel(), kind="stable").copy()).to(x.device)
    n = H * W
    fractions = [i / steps for i in range(steps + 1)]
    rank = torch.empty(n, dtype=torch.long, device=x.device)
    rank[order] = torch.arange(n, device=x.device)
    rank = rank.view(1, 1, H, W)
    probs: list[float] = []
    with inspecting(model):
        for start in range(0, len(fractions), batch):
            chunk = fractions[start:start + batch]
            masks = torch.cat([(rank < round(f * n)).to(x.dtype) for f in chunk])  # (b, 1, H, W): 1 = removed
            images = x * (1 - masks) + fill * masks
            p = torch.softmax(model(images).float(), dim=1)[:, target]
            probs += p.cpu().tolist()
    auc = sum((probs[i] + probs[i + 1]) / 2 * (fractions[i + 1] - fractions[i]) for i in range(steps))
    return DeletionCurve(tuple(fractions), tuple(float(p) for p in probs), auc)
