"""One optimiser step, the learning-rate schedule and the validation top-1, shared by the training script
(``train/loop.py``) and live training in the app (``train/live.py``). What differs between the two (their loss,
their warm-up, whether validation averages the mirror image, how a stored batch becomes model input) is a
parameter here, not a second copy."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ..model import inspecting


def use_bf16(device: torch.device) -> bool:
    """bf16 autocast pays off on CUDA and on CPUs whose oneDNN has native bf16 kernels."""
    if device.type == "cuda":
        return True
    if device.type == "cpu":
        try:
            return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
        except (AttributeError, RuntimeError):
            return False
    return False


def lr_at(step: int, total: int, warmup: int, base: float) -> float:
    """Linear warm-up over ``warmup`` steps (none when 0), then cosine decay to zero at ``total``."""
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def train_step(net: torch.nn.Module, opt: torch.optim.Optimizer, x: torch.Tensor,
               loss_of: Callable[[torch.Tensor], torch.Tensor], lr: float,
               bf16: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Set every group's learning rate to ``lr``, run ``x`` forward (bf16 autocast when ``bf16``), take the
    loss ``loss_of(logits)`` (logits in float32) and one optimiser step. Returns (loss, logits)."""
    for group in opt.param_groups:
        group["lr"] = lr
    with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=bf16):
        logits = net(x).float()
    loss = loss_of(logits)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss, logits


@torch.no_grad()
def val_top1(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, flip: bool, bf16: bool, batch: int = 64,
             prepare: Callable[[torch.Tensor], torch.Tensor] | None = None) -> float:
    """Top-1 of ``model`` (in eval mode for the call, ``model.inspecting``) on stored val tensors.

    ``prepare`` turns a stored chunk (on the model's device) into model input (e.g. uint8 thumbnails to
    normalised floats); ``flip`` adds the mirror image's logits."""
    device = next(model.parameters()).device
    correct = 0
    with inspecting(model):
        for i in range(0, len(x), batch):
            xb = x[i:i + batch].to(device)
            xb = (prepare(xb) if prepare is not None else xb).contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                logits = model(xb).float()
                if flip:
                    logits = logits + model(xb.flip(-1)).float()
            correct += int((logits.argmax(1).cpu() == y[i:i + batch]).sum())
    return correct / len(x)
