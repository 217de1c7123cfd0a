"""An exponential moving average of a model's weights (Polyak averaging), BN statistics included."""

from __future__ import annotations

import copy

import torch
import torch.nn as nn


class ModelEMA:
    """``shadow = d·shadow + (1 - d)·weights`` after every step, with ``d`` warmed up from 0.1 to ``decay``.

    The warm-up (``d = min(decay, (1 + step) / (10 + step))``) keeps the average from being dominated by
    the random initial weights in short runs. Integer buffers (BN's batch counters) are copied.
    """

    def __init__(self, model: nn.Module, decay: float):
        self.decay = float(decay)
        self.module = copy.deepcopy(model).eval()
        self.module.requires_grad_(False)
        self.updates = 0

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for shadow, current in zip(self.module.state_dict().values(), model.state_dict().values()):
            if shadow.is_floating_point():
                shadow.mul_(d).add_(current.detach(), alpha=1 - d)
            else:
                shadow.copy_(current)
        self.updates += 1

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.module.state_dict()

    def load_state_dict(self, state: dict[str, torch.Tensor], updates: int) -> None:
        self.module.load_state_dict(state)
        self.updates = int(updates)
