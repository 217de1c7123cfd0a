"""Why dense connections help training, measured: the gradient that reaches every layer of a dense, a plain
and a residual toy network at initialisation (the Why DenseNet page's first chart)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .model import default_device

ARCHS = ("dense", "plain", "residual")
INITS = ("default", "kaiming")


class ToyNet(nn.Module):
    """A stem conv, ``depth`` 3×3 conv layers of ``width`` output maps each, global pool, linear head.

    ``dense``: layer ℓ sees the concatenation of the stem output and every earlier layer's output (and
    the head sees all of them). ``plain``: the same layers, each seeing only the previous output.
    ``residual``: each layer's output is added to its input (ResNet-style sums). Every layer is
    [BN]-ReLU-Conv3×3 (pre-activation, as in DenseNet), so the three differ only in how they connect.
    """

    def __init__(self, arch: str, depth: int, width: int, batch_norm: bool = False, init: str = "default",
                 num_classes: int = 10):
        super().__init__()
        if arch not in ARCHS:
            raise ValueError(f"arch={arch!r}: use one of {', '.join(ARCHS)}")
        if init not in INITS:
            raise ValueError(f"init={init!r}: use one of {', '.join(INITS)}")
        if depth < 1 or width < 1:
            raise ValueError("depth and width must be at least 1")
        self.arch = arch
        # Stride 2 keeps the toy cheap on a CPU; the comparison does not depend on resolution.
        self.stem = nn.Conv2d(3, width, kernel_size=3, stride=2, padding=1, bias=False)
        self.layers = nn.ModuleList()
        self.norms = nn.ModuleList()
        for i in range(depth):
            c_in = width * (i + 1) if arch == "dense" else width
            self.norms.append(nn.BatchNorm2d(c_in) if batch_norm else nn.Identity())
            self.layers.append(nn.Conv2d(c_in, width, kernel_size=3, padding=1, bias=False))
        head_in = width * (depth + 1) if arch == "dense" else width
        self.head = nn.Linear(head_in, num_classes)
        if init == "kaiming":
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        # "default" keeps PyTorch's own initialisation (uniform, variance 1/(3·fan_in)): no tricks.

    def forward(self, x: torch.Tensor, outputs: list | None = None) -> torch.Tensor:  # (B, 3, H, W) -> (B, classes)
        """``outputs``: if given, each body layer's output (what the layer adds, before any sum) is appended."""
        h = self.stem(x)
        features = [h]
        for norm, conv in zip(self.norms, self.layers, strict=True):
            if self.arch == "dense":
                out = conv(F.relu(norm(torch.cat(features, 1))))
                features.append(out)
            else:
                out = conv(F.relu(norm(h)))
                h = out if self.arch == "plain" else h + out
            if outputs is not None:
                outputs.append(out)
        final = torch.cat(features, 1) if self.arch == "dense" else h
        return self.head(F.adaptive_avg_pool2d(F.relu(final), 1).flatten(1))


@dataclass(frozen=True)
class GradientFlow:
    """Per architecture, one entry per body layer (index 0 is the first layer): ``norms`` is the L2 norm
    of dLoss/dW (the layer's weight gradient), ``output_norms`` that of dLoss/d(layer output), the
    signal that backpropagation hands to the layer."""

    norms: dict[str, np.ndarray]
    output_norms: dict[str, np.ndarray]
    params: dict[str, int]
    depth: int
    width: int
    batch_size: int
    image_size: int
    batch_norm: bool
    init: str
    device: str
    seconds: float

    def series(self, kind: str = "weights") -> dict[str, np.ndarray]:
        """``norms`` for kind "weights", ``output_norms`` for kind "outputs"."""
        if kind not in ("weights", "outputs"):
            raise ValueError(f"kind={kind!r}: use 'weights' or 'outputs'")
        return self.norms if kind == "weights" else self.output_norms


def toy_batch(batch_size: int, image_size: int, num_classes: int = 10, seed: int = 0,
              device: str | torch.device = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """A reproducible batch of images with smooth structure (not pure noise) and random labels."""
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(batch_size, 3, 4, 4, generator=gen)
    images = F.interpolate(coarse, size=(image_size, image_size), mode="bilinear", align_corners=False)
    images = images + 0.1 * torch.randn(batch_size, 3, image_size, image_size, generator=gen)
    images = (images - images.mean()) / images.std()
    labels = torch.randint(0, num_classes, (batch_size,), generator=gen)
    return images.to(device), labels.to(device)


def gradient_flow(depth: int = 40, width: int = 12, batch_size: int = 8, image_size: int = 32,
                  batch_norm: bool = False, init: str = "default", archs: tuple[str, ...] = ARCHS,
                  seed: int = 0, device: str | torch.device | None = None) -> GradientFlow:
    """Build each architecture at initialisation, run one batch forward and backward, and return the
    gradient norm of every body layer's weights. Same seed, same batch for all architectures."""
    device = default_device() if device is None else torch.device(device)
    if device.type == "mps":
        device = torch.device("cpu")  # a few small convs: not worth the transfer
    images, labels = toy_batch(batch_size, image_size, seed=seed, device=device)
    norms, output_norms, params = {}, {}, {}
    start = time.perf_counter()
    with torch.enable_grad():
        for arch in archs:
            torch.manual_seed(seed)
            net = ToyNet(arch, depth, width, batch_norm, init).to(device).train()
            outputs: list[torch.Tensor] = []
            loss = F.cross_entropy(net(images, outputs), labels)
            grads = torch.autograd.grad(loss, [conv.weight for conv in net.layers] + outputs)
            norms[arch] = torch.stack([g.norm() for g in grads[:depth]]).double().cpu().numpy()
            output_norms[arch] = torch.stack([g.norm() for g in grads[depth:]]).double().cpu().numpy()
            params[arch] = sum(p.numel() for p in net.parameters())
    return GradientFlow(norms, output_norms, params, depth, width, batch_size, image_size, batch_norm, init,
                        str(device), time.perf_counter() - start)


def vanishing_verdict(dense_first: float, plain_first: float) -> tuple[str, float | None]:
    """How the first layer's gradient of the dense net compares with the plain net's: ("vanish", ratio)
    when dense is at least 10× larger, ("vanish_zero", None) when the plain net's is exactly 0, else
    ("no_vanish", None)."""
    if plain_first == 0:
        return "vanish_zero", None
    ratio = dense_first / plain_first
    return ("vanish", ratio) if ratio >= 10 else ("no_vanish", None)
