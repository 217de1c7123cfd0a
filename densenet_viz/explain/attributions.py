"""Captum's Guided Grad-CAM, Integrated Gradients and Occlusion, sized for a CPU (the page's extras)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..model import inspecting
from .gradcam import as_single, device_of, normalise_cam

ATTRIBUTION_METHODS = ("guided_gradcam", "integrated_gradients", "occlusion")


def _pixel_map(attr: torch.Tensor) -> np.ndarray:
    """(1, 3, H, W) attributions to an (H, W) map in [0, 1]: |·| summed over colour, clipped at the 99th
    percentile (pixel attributions are spiky: a few extreme pixels would otherwise wash out the rest)."""
    m = attr.detach().abs().sum(dim=1)[0].float().cpu().numpy()
    top = float(np.percentile(m, 99)) if m.size else 0.0
    if top <= 0:
        return normalise_cam(m)
    return np.clip(m / top, 0.0, 1.0).astype(np.float32)


def attributions(model: nn.Module, x: torch.Tensor, target: int, layer: str,
                 methods=ATTRIBUTION_METHODS, ig_steps: int = 16, occlusion_window: int | None = None,
                 batch: int = 8) -> dict[str, np.ndarray]:
    """Captum's Guided Grad-CAM, Integrated Gradients and Occlusion as (H, W) maps in [0, 1].

    CPU-sized: ``ig_steps`` path steps (batched ``batch`` at a time) against a black-in-normalised-space
    (all-zero) baseline, and occlusion with a square window of a quarter of the side (stride half that),
    i.e. 7×7 = 49 occluded copies, evaluated ``batch`` at a time. Occlusion maps are signed score drops;
    only drops (positive evidence) are shown.
    """
    from captum.attr import GuidedGradCam, IntegratedGradients, Occlusion

    unknown = [m for m in methods if m not in ATTRIBUTION_METHODS]
    if unknown:
        raise ValueError(f"unknown attribution method {unknown[0]!r}")
    module = dict(model.named_modules()).get(layer)
    if module is None:
        raise ValueError(f"unknown layer {layer!r}")
    x = as_single(x).detach().to(device_of(model), torch.float32)
    H, W = x.shape[-2:]
    out: dict[str, np.ndarray] = {}
    grads_before = [p.requires_grad for p in model.parameters()]
    # Captum registers hooks (Guided backprop patches every ReLU's backward): serialise on the shared model.
    with inspecting(model), torch.enable_grad():
        try:
            if "guided_gradcam" in methods:
                a = GuidedGradCam(model, module).attribute(x.clone().requires_grad_(True), target=target)
                out["guided_gradcam"] = _pixel_map(a)
            if "integrated_gradients" in methods:
                ig = IntegratedGradients(model)
                a = ig.attribute(x.clone().requires_grad_(True), baselines=torch.zeros_like(x), target=target,
                                 n_steps=ig_steps, internal_batch_size=batch)
                out["integrated_gradients"] = _pixel_map(a)
            if "occlusion" in methods:
                win = occlusion_window or max(2, int(H) // 4)
                stride = max(1, win // 2)
                with torch.no_grad():
                    a = Occlusion(model).attribute(x, target=target, sliding_window_shapes=(3, win, win),
                                                   strides=(3, stride, stride), baselines=0.0,
                                                   perturbations_per_eval=batch)
                m = F.relu(a[:, :1]).detach()[0, 0].float().cpu().numpy()  # same drop on all 3 channels
                out["occlusion"] = normalise_cam(m)
        finally:
            for p, flag in zip(model.parameters(), grads_before):
                p.requires_grad_(flag)
    return out
