"""Training-time augmentation on decoded uint8 tensors: crops, TrivialAugment, mixing, made-up outliers.

Every random draw comes from torch's global generator, which the loop seeds at the start of each epoch,
so a run resumed at an epoch boundary sees exactly the batches an uninterrupted run would have seen.
"""

from __future__ import annotations

import math
from functools import lru_cache

import torch
import torch.nn.functional as F

SYNTHETIC_KINDS = ("checkerboard", "noise", "flat", "gradient", "stripes")


@lru_cache(maxsize=16)
def photo_transform(size: int, min_scale: float, augment: str):
    """Random resized crop to ``size``, horizontal flip, then (optionally) TrivialAugmentWide; uint8 in/out."""
    from torchvision.transforms import v2

    steps = [v2.RandomResizedCrop(size, scale=(min_scale, 1.0), antialias=True), v2.RandomHorizontalFlip()]
    if augment == "trivial":
        steps.append(v2.TrivialAugmentWide())
    return v2.Compose(steps)


def augment_photos(images: list[torch.Tensor], size: int, min_scale: float, augment: str) -> torch.Tensor:
    """A uint8 batch (B, 3, size, size) of independently augmented photos (each (3, h, w) uint8)."""
    t = photo_transform(size, min_scale, augment)
    return torch.stack([t(img) for img in images])


def normalise(x: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """uint8 (B, 3, H, W) -> float, scaled to [0, 1] and normalised per channel."""
    return (x.float() / 255.0 - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)


def soft_targets(y: torch.Tensor, n_classes: int, smoothing: float) -> torch.Tensor:
    """One-hot targets with label smoothing: (B, n_classes)."""
    target = torch.full((len(y), n_classes), smoothing / n_classes, device=y.device)
    return target.scatter_(1, y.view(-1, 1), 1 - smoothing + smoothing / n_classes)


def mix_batch(x: torch.Tensor, target: torch.Tensor, mixup: float, cutmix: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Mixup (Zhang et al. 2018) or CutMix (Yun et al. 2019), one of the enabled ones chosen at random."""
    kinds = [(kind, alpha) for kind, alpha in (("mixup", mixup), ("cutmix", cutmix)) if alpha > 0]
    if not kinds or len(x) < 2:
        return x, target
    kind, alpha = kinds[int(torch.randint(len(kinds), (1,)))]
    lam = float(torch.distributions.Beta(alpha, alpha).sample())
    perm = torch.randperm(len(x), device=x.device)
    if kind == "mixup":
        return lam * x + (1 - lam) * x[perm], lam * target + (1 - lam) * target[perm]
    h, w = x.shape[-2:]
    ch, cw = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
    cy, cx = int(torch.randint(h, (1,))), int(torch.randint(w, (1,)))
    y0, y1, x0, x1 = max(cy - ch // 2, 0), min(cy + ch // 2, h), max(cx - cw // 2, 0), min(cx + cw // 2, w)
    x = x.clone()
    x[:, :, y0:y1, x0:x1] = x[perm][:, :, y0:y1, x0:x1]
    lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)  # the share of the first photo actually left
    return x, lam * target + (1 - lam) * target[perm]


def uniform_target_loss(logits: torch.Tensor) -> torch.Tensor:
    """Cross-entropy to the uniform distribution: low when the model is unsure (outlier exposure)."""
    return -F.log_softmax(logits.float(), dim=1).mean(dim=1).mean()


def synthetic_images(n: int, size: int, kinds=SYNTHETIC_KINDS,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """``n`` made-up non-photos (B, 3, size, size) uint8: checkerboards, noise, flat colours, gradients,
    stripes, each with random colours, scales and angles. Used as outliers in training and in tests."""
    g = generator
    out = torch.empty(n, 3, size, size)
    yy, xx = torch.meshgrid(torch.arange(size).float(), torch.arange(size).float(), indexing="ij")
    for i in range(n):
        kind = kinds[int(torch.randint(len(kinds), (1,), generator=g))]
        a, b = torch.randint(0, 256, (2, 3, 1, 1), generator=g).float()
        if kind == "checkerboard":
            cell = int(torch.randint(2, max(3, size // 3), (1,), generator=g))
            mask = ((yy // cell + xx // cell) % 2).bool()
            img = torch.where(mask, a, b)
        elif kind == "noise":
            sigma = float(torch.empty(1).uniform_(10, 120, generator=g))
            img = (a + sigma * torch.randn(3, size, size, generator=g)).clamp(0, 255)
            if bool(torch.rand(1, generator=g) < 0.5):  # coloured blobs rather than pixel noise
                img = F.avg_pool2d(img[None], 5, 1, 2, count_include_pad=False)[0]
        elif kind == "flat":
            img = a.expand(3, size, size) + torch.randn(3, size, size, generator=g) * 2
        elif kind == "gradient":
            angle = float(torch.empty(1).uniform_(0, 2 * math.pi, generator=g))
            t = (math.cos(angle) * xx + math.sin(angle) * yy) / size
            t = (t - t.min()) / (t.max() - t.min() + 1e-6)
            img = a * (1 - t) + b * t
        else:  # stripes
            angle = float(torch.empty(1).uniform_(0, math.pi, generator=g))
            period = float(torch.empty(1).uniform_(3, size / 2, generator=g))
            t = (math.cos(angle) * xx + math.sin(angle) * yy) / period
            img = torch.where((t.floor() % 2).bool(), a, b)
        out[i] = img
    return out.clamp(0, 255).round().to(torch.uint8)


def random_crop_flip(x: torch.Tensor, size: int, generator: torch.Generator) -> torch.Tensor:
    """A random ``size``-px crop and a random horizontal flip per image of a stored batch (N, 3, S, S),
    dtype kept: live training's augmentation, cheap enough to run between other sessions' work."""
    room = x.shape[-1] - size
    out = torch.empty(len(x), 3, size, size, dtype=x.dtype)
    offsets = torch.randint(0, room + 1, (len(x), 2), generator=generator)
    flips = torch.rand(len(x), generator=generator) < 0.5
    for j in range(len(x)):
        top, left = int(offsets[j, 0]), int(offsets[j, 1])
        crop = x[j, :, top:top + size, left:left + size]
        out[j] = crop.flip(-1) if flips[j] else crop
    return out
