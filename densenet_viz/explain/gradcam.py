"""Predictions and one-pass, multi-layer Grad-CAM for a batch of photos.

Grad-CAM (Selvaraju et al. 2017) for a layer with activations A (C×h×w) and class score S is
``ReLU(Σ_c mean_hw(∂S/∂A_c) · A_c)``, upsampled bilinearly to the input's H×W. ``explain_batch`` gets
every photo's prediction and the CAM of *every* requested layer from one forward and one backward pass:
forward hooks keep each layer's output and a single ``torch.autograd.grad(Σ_i S_i, activations)``
returns all their gradients. With batch norm in eval mode the photos do not interact, so the gradient of
the sum with respect to photo i's activations is photo i's own gradient: a batch gives exactly the maps
of one-by-one calls (a test checks it). Cost: the forward runs without autograd up to the first
requested layer (its hook switches gradients on and hands on a detached leaf), so the final layer's CAM
costs about one plain forward. The raw maps equal Captum's ``LayerGradCam(..., relu_attributions=True)``
followed by ``LayerAttribution.interpolate(..., "bilinear")`` (a test checks 1e-5).

Normalisation (for display only): each map is divided by its own maximum, so it lies in [0, 1] with
1 at the most important place; a map that is zero everywhere stays zero. Raw maps are kept too.

Thread safety: hooks on a shared (cached) model are added and removed by ``model.inspecting`` (under the
model's lock), and they only record tensors produced by the thread that added them. Nothing on the model
is left changed: no hooks remain, ``training`` and every parameter's ``requires_grad`` are as before.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..model import inspecting

BLOCK_END_PREFIX = "features.denseblock"


class _Derived(Mapping):
    """layer -> a map derived from the raw CAM on first access (then kept): full-size maps cost memory
    (9 layers × 224² floats each), and a page usually looks at one or two of them."""

    def __init__(self, raw: dict[str, np.ndarray], make):
        self._raw, self._make, self._done = raw, make, {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._done:
            self._done[name] = self._make(name)
        return self._done[name]

    def __iter__(self):
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@dataclass
class Explanation:
    """The prediction for one image and a Grad-CAM per layer (all numpy, on the CPU).

    ``probs``/``logits``: (classes,), from the averaged logits when test-time flip was used.
    ``raw``: layer -> (h, w) CAM at the layer's own resolution, after ReLU, not normalised.
    ``upsampled``: layer -> (H, W) bilinear upsampling of ``raw`` (what Captum returns), made on access.
    ``cams``: layer -> (H, W) ``upsampled`` divided by its maximum, in [0, 1], made on access.
    """

    probs: np.ndarray
    logits: np.ndarray
    target: int
    input_hw: tuple[int, int]
    raw: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.upsampled = _Derived(self.raw, self._upsample)
        self.cams = _Derived(self.raw, lambda name: normalise_cam(self.upsampled[name]))

    def _upsample(self, name: str) -> np.ndarray:
        cam = torch.from_numpy(self.raw[name])[None, None]
        return F.interpolate(cam, size=self.input_hw, mode="bilinear")[0, 0].numpy()  # as Captum's interpolate

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probs))

    @property
    def confidence(self) -> float:
        return float(np.max(self.probs))

    def top_k(self, class_names, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` most likely classes as (name, probability), most likely first."""
        return top_k(self.probs, class_names, k)


def top_k(probs, class_names, k: int = 5) -> list[tuple[str, float]]:
    """(name, probability) for the ``k`` largest probabilities, most likely first."""
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs, kind="stable")[: min(k, len(probs))]
    return [(str(class_names[i]), float(probs[i])) for i in order]


def normalise_cam(cam: np.ndarray) -> np.ndarray:
    """Divide a non-negative map by its maximum (all-zero stays zero): values in [0, 1]."""
    cam = np.asarray(cam, dtype=np.float32)
    top = float(cam.max()) if cam.size else 0.0
    if not np.isfinite(top) or top <= 0:
        return np.zeros_like(cam)
    return np.clip(cam / top, 0.0, 1.0)


def block_end_layers(layer_names) -> list[str]:
    """The dense-block outputs among ``layer_names`` (the CAM strip: 56→28→14→7 for a 224 input)."""
    return [n for n in layer_names if n.startswith(BLOCK_END_PREFIX) and n.count(".") == 1]


def device_of(model: nn.Module) -> torch.device:
    p = next(model.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


def as_single(x: torch.Tensor) -> torch.Tensor:
    """(3, H, W) or (1, 3, H, W) -> (1, 3, H, W); anything else is an error."""
    if x.dim() == 3:
        x = x.unsqueeze(0)
    if x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"explain needs one image, (3, H, W) or (1, 3, H, W); got {tuple(x.shape)}")
    return x


# ------------------------------------------------------------------------------------------ predictions
@torch.inference_mode()
def predict_logits(model: nn.Module, x: torch.Tensor, flip: bool = False) -> np.ndarray:
    """Logits (N, classes) for a batch, optionally averaged with the mirror image's (test-time flip)."""
    x = x.to(device_of(model), torch.float32)
    if x.dim() == 3:
        x = x.unsqueeze(0)
    logits = model(x)
    if flip:
        logits = (logits + model(x.flip(-1))) / 2
    return logits.float().cpu().numpy()


# ------------------------------------------------------------------------------------------- Grad-CAM
def explain_batch(model: nn.Module, x: torch.Tensor, layers, targets=None, flip: bool = False) -> list[Explanation]:
    """Probabilities and a Grad-CAM for each of ``layers`` for every photo of ``x`` (B, 3, H, W).

    ``targets``: the class to explain per photo (None or a None entry: the predicted one). ``flip``: also
    run the mirror images (no gradients) and average the logits, as the model card's test-time flip does;
    the CAMs still come from the un-mirrored photo's score, so they equal Captum's on ``x``.
    """
    layers = list(dict.fromkeys(layers))
    modules = dict(model.named_modules())
    unknown = [name for name in layers if name not in modules]
    if unknown:
        raise ValueError(f"unknown layer {unknown[0]!r}; choose from {', '.join(n for n in modules if n)}")
    if x.dim() != 4:
        raise ValueError(f"explain_batch needs (B, 3, H, W); got {tuple(x.shape)}")
    x = x.detach().to(device_of(model), torch.float32)
    n = x.shape[0]
    targets = [None] * n if targets is None else list(targets)
    if len(targets) != n:
        raise ValueError(f"{len(targets)} targets for {n} photos")
    owner = threading.get_ident()
    acts: dict[str, torch.Tensor] = {}

    def keeper(name: str):
        def hook(_module, _inputs, output):
            # Another thread may run a plain forward on the same shared model meanwhile: ignore it.
            if threading.get_ident() != owner or name in acts:
                return None
            if not acts:
                # The first requested layer to run: record the autograd graph only from here on. Everything
                # before it runs without gradients (cheaper), and this fresh leaf has a grad_fn path to the
                # score even when every parameter is frozen. The values, hence the CAMs, are unchanged.
                torch.set_grad_enabled(True)
                output = output.detach().requires_grad_(True)
            acts[name] = output
            return output

        return hook

    with inspecting(model, {name: keeper(name) for name in layers}):  # eval: batch statistics would mix photos
        with torch.no_grad():  # the hook switches gradients on at the first requested layer
            logits = model(x)  # (B, classes)
        missing = [name for name in layers if name not in acts]
        if missing:
            raise ValueError(f"layer {missing[0]!r} did not run in the forward pass")
        with torch.no_grad():  # the mirror image's forward: the hooks have what they need and ignore it
            avg = (logits + model(x.flip(-1))) / 2 if flip else logits
            probs = torch.softmax(avg.float(), dim=1)
        chosen = [int(probs[i].argmax()) if t is None else int(t) for i, t in enumerate(targets)]
        bad = [c for c in chosen if not 0 <= c < logits.shape[1]]
        if bad:
            raise ValueError(f"target class {bad[0]} is out of range for {logits.shape[1]} classes")
        tensors = [acts[name] for name in layers]
        with torch.enable_grad():  # the caller may have switched gradients off
            rows = torch.arange(n, device=logits.device)
            score = logits[rows, torch.tensor(chosen, device=logits.device)].sum()  # Σ_i S_i: each photo's own
            grads = torch.autograd.grad(score, tensors, allow_unused=True)
    H, W = x.shape[-2:]
    results = [Explanation(probs=probs[i].detach().cpu().numpy().astype(np.float32),
                           logits=avg[i].detach().float().cpu().numpy(), target=chosen[i],
                           input_hw=(int(H), int(W))) for i in range(n)]
    with torch.no_grad():
        for name, a, g in zip(layers, tensors, grads):
            a = a.detach()
            g = torch.zeros_like(a) if g is None else g
            weights = g.mean(dim=tuple(range(2, g.dim())), keepdim=True)  # (B, C, 1, 1)
            cam = F.relu((weights * a).sum(dim=1))  # (B, h, w)
            for r, m in zip(results, cam.float().cpu().numpy()):
                r.raw[name] = m
    return results


def explain(model: nn.Module, x: torch.Tensor, layers, target: int | None = None,
            flip: bool = False) -> Explanation:
    """``explain_batch`` for one photo, (3, H, W) or (1, 3, H, W)."""
    return explain_batch(model, as_single(x), layers, [target], flip)[0]
