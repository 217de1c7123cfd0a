"""Explaining one prediction: top-k, one-pass multi-layer Grad-CAM, Captum attributions, deletion curves.

Grad-CAM (Selvaraju et al. 2017) for a layer with activations A (C×h×w) and class score S is
``ReLU(Σ_c mean_hw(∂S/∂A_c) · A_c)``, upsampled bilinearly to the input's H×W. ``explain`` gets the
prediction and the CAM of *every* requested layer from one forward and one backward pass: forward hooks
keep each layer's output and a single ``torch.autograd.grad(score, activations)`` returns all their
gradients. Cost: the forward runs without autograd up to the first requested layer (its hook switches
gradients on and hands on a detached leaf), so the final layer's CAM alone costs about one plain forward.
The raw maps equal Captum's ``LayerGradCam(..., relu_attributions=True)`` followed by
``LayerAttribution.interpolate(..., "bilinear")`` (a test checks 1e-5).

Normalisation (for display only): each map is divided by its own maximum, so it lies in [0, 1] with
1 at the most important place; a map that is zero everywhere (the class has no positive evidence in that
layer) stays zero. The raw maps are kept on the ``Explanation`` for anything quantitative.

Thread safety: hooks on a shared (cached) model are added and removed under ``model.MODEL_LOCK``, and
they only record tensors produced by the thread that added them. Nothing on the model is left changed:
no hooks remain, ``training`` and every parameter's ``requires_grad`` are as before.
"""

from __future__ import annotations

import contextlib
import io
import math
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from .data import Preprocessing, center_crop, preprocess
from .model import MODEL_LOCK, cam_layer_names

DEFAULT_LOW_CONFIDENCE = 0.5  # used when the model card has no threshold measured on a test split
BLOCK_END_PREFIX = "features.denseblock"


# --------------------------------------------------------------------------------------------- results
@dataclass
class Explanation:
    """The prediction for one image and a Grad-CAM per layer (all numpy, on the CPU).

    ``probs``/``logits``: (classes,), from the averaged logits when test-time flip was used.
    ``raw``: layer -> (h, w) CAM at the layer's own resolution, after ReLU, not normalised.
    ``upsampled``: layer -> (H, W) bilinear upsampling of ``raw`` (what Captum returns).
    ``cams``: layer -> (H, W) ``upsampled`` divided by its maximum, in [0, 1].
    """

    probs: np.ndarray
    logits: np.ndarray
    target: int
    input_hw: tuple[int, int]
    raw: dict[str, np.ndarray] = field(default_factory=dict)
    upsampled: dict[str, np.ndarray] = field(default_factory=dict)
    cams: dict[str, np.ndarray] = field(default_factory=dict)

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


# --------------------------------------------------------------------------------- one-pass Grad-CAM
def _device_of(model: nn.Module) -> torch.device:
    p = next(model.parameters(), None)
    return p.device if p is not None else torch.device("cpu")


def _as_batch(x: torch.Tensor) -> torch.Tensor:
    if x.dim() == 3:
        x = x.unsqueeze(0)
    if x.dim() != 4 or x.shape[0] != 1:
        raise ValueError(f"explain needs one image, (3, H, W) or (1, 3, H, W); got {tuple(x.shape)}")
    return x


def explain(model: nn.Module, x: torch.Tensor, layers, target: int | None = None,
            flip: bool = False) -> Explanation:
    """Probabilities and a Grad-CAM for each of ``layers`` (module names), from one forward/backward pass.

    ``target``: class to explain (default: the predicted one). ``flip``: also run the mirror image (no
    gradients) and average the logits, as the model card's test-time flip does; the CAMs still come from
    the un-mirrored image's score, so they equal Captum's on ``x``.
    """
    layers = list(dict.fromkeys(layers))
    modules = dict(model.named_modules())
    unknown = [name for name in layers if name not in modules]
    if unknown:
        raise ValueError(f"unknown layer {unknown[0]!r}; choose from {', '.join(n for n in modules if n)}")
    device = _device_of(model)
    x = _as_batch(x).detach().to(device, torch.float32)
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

    with MODEL_LOCK:
        was_training = model.training
        handles = []
        try:
            if was_training:
                model.eval()  # batch statistics would make the explanation depend on the batch
            handles = [modules[name].register_forward_hook(keeper(name)) for name in layers]
            with torch.no_grad():  # the hook switches gradients on at the first requested layer
                logits = model(x)  # (1, classes)
            for h in handles:
                h.remove()
            handles = []
            missing = [name for name in layers if name not in acts]
            if missing:
                raise ValueError(f"layer {missing[0]!r} did not run in the forward pass")
            with torch.no_grad():
                avg = (logits + model(x.flip(-1))) / 2 if flip else logits
                probs = torch.softmax(avg.float(), dim=1)[0]
            cls = int(probs.argmax()) if target is None else int(target)
            if not 0 <= cls < logits.shape[1]:
                raise ValueError(f"target class {cls} is out of range for {logits.shape[1]} classes")
            tensors = [acts[name] for name in layers]
            with torch.enable_grad():
                grads = torch.autograd.grad(logits[0, cls], tensors, allow_unused=True)
        finally:
            for h in handles:
                h.remove()
            if was_training:
                model.train()
    H, W = x.shape[-2:]
    result = Explanation(probs=probs.detach().cpu().numpy().astype(np.float32),
                         logits=avg[0].detach().float().cpu().numpy(), target=cls, input_hw=(int(H), int(W)))
    with torch.no_grad():
        for name, a, g in zip(layers, tensors, grads):
            a = a.detach()
            g = torch.zeros_like(a) if g is None else g
            weights = g.mean(dim=tuple(range(2, g.dim())), keepdim=True)  # (1, C, 1, 1)
            cam = F.relu((weights * a).sum(dim=1, keepdim=True))  # (1, 1, h, w)
            up = F.interpolate(cam, size=(int(H), int(W)), mode="bilinear")  # as Captum's interpolate
            result.raw[name] = cam[0, 0].float().cpu().numpy()
            result.upsampled[name] = up[0, 0].float().cpu().numpy()
            result.cams[name] = normalise_cam(result.upsampled[name])
    return result


def block_end_layers(layer_names) -> list[str]:
    """The dense-block outputs among ``layer_names`` (the CAM strip: 56→28→14→7 for a 224 input)."""
    return [n for n in layer_names if n.startswith(BLOCK_END_PREFIX) and n.count(".") == 1]


# ------------------------------------------------------------------------------ photo-level helpers
@dataclass
class PhotoExplanation:
    """Everything the page and the CLI show for one photo."""

    crop: Image.Image  # the centre crop the model saw, at display resolution
    x: torch.Tensor  # (3, H, W) the normalised model input
    explanation: Explanation
    top5: list[tuple[str, float]]
    low_confidence: bool
    threshold: float


def card_threshold(card) -> float:
    """The low-confidence threshold from the model card, or 0.5 when it was never measured."""
    value = (getattr(card, "data", None) or {}).get("low_confidence_threshold")
    try:
        value = float(value)
    except (TypeError, ValueError):
        return DEFAULT_LOW_CONFIDENCE
    return value if 0.0 < value < 1.0 else DEFAULT_LOW_CONFIDENCE


def display_crop(img: Image.Image, prep: Preprocessing, side: int | None = None) -> Image.Image:
    """The same centre crop the model sees, but at ``side`` pixels (default 2× the input) for display."""
    side = side or 2 * prep.input_size
    scale = side / prep.input_size
    return center_crop(img, max(side, round(prep.resize_size * scale)), side)


def decode_side(prep: Preprocessing, display_side: int | None = None) -> int:
    """Shorter side to decode JPEGs at (draft mode): enough for the model and the display crop."""
    side = display_side or 2 * prep.input_size
    return max(prep.resize_size, math.ceil(prep.resize_size * side / prep.input_size))


def explain_photo(model: nn.Module, card, img: Image.Image, layers=None, target: int | None = None,
                  display_side: int | None = None) -> PhotoExplanation:
    """Preprocess as the model card says (test-time flip included), predict and Grad-CAM ``layers``."""
    layers = list(layers) if layers is not None else cam_layer_names(card.config)
    x = preprocess(img, card.preprocessing)
    exp = explain(model, x, layers, target=target, flip=card.test_flip)
    threshold = card_threshold(card)
    return PhotoExplanation(crop=display_crop(img, card.preprocessing, display_side), x=x, explanation=exp,
                            top5=exp.top_k(card.class_names, 5), low_confidence=exp.confidence < threshold,
                            threshold=threshold)


@torch.inference_mode()
def predict(model: nn.Module, x: torch.Tensor, flip: bool = False) -> np.ndarray:
    """Softmax probabilities (N, classes) for a batch, optionally averaging logits with the mirror image."""
    x = x.to(_device_of(model), torch.float32)
    if x.dim() == 3:
        x = x.unsqueeze(0)
    logits = model(x)
    if flip:
        logits = (logits + model(x.flip(-1))) / 2
    return torch.softmax(logits.float(), dim=1).cpu().numpy()


# ----------------------------------------------------------------------- low-confidence threshold
def threshold_from_max_probs(max_probs, correct, quantile: float = 0.05) -> dict:
    """Choose the low-confidence threshold from a labelled split.

    Rule: the ``quantile`` (default 5 %) of the max-softmax of *correctly* classified photos, so about
    95 % of right answers on in-distribution photos show no notice. Returns the threshold and what it
    does on this split: the share of correct answers flagged and of wrong answers flagged (the higher
    the latter, the more useful the notice).
    """
    p = np.asarray(max_probs, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    if p.size == 0 or p.shape != ok.shape:
        raise ValueError("need one max probability and one correct/incorrect flag per photo")
    base = p[ok] if ok.any() else p
    threshold = float(np.quantile(base, quantile))
    flagged = p < threshold
    return {
        "threshold": round(threshold, 4),
        "quantile": quantile,
        "n": int(p.size),
        "accuracy": float(ok.mean()),
        "flagged_correct": float(flagged[ok].mean()) if ok.any() else 0.0,
        "flagged_wrong": float(flagged[~ok].mean()) if (~ok).any() else 0.0,
        "accuracy_unflagged": float(ok[~flagged].mean()) if (~flagged).any() else 0.0,
    }


def threshold_from_folder(model: nn.Module, card, folder: str | Path, quantile: float = 0.05) -> dict:
    """Run the model on ``folder/<class>/*`` exactly as ``evaluate`` does and choose the threshold."""
    from .evaluate import evaluate_folder

    report = evaluate_folder(model, card, folder)
    result = threshold_from_max_probs(report["max_prob"], report["correct"], quantile)
    result["folder"] = str(folder)
    result["skipped"] = report["skipped"]
    return result


# --------------------------------------------------------------------------- overlays and colour maps
_VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
            "#b5de2b", "#fde725"]
_INFERNO = ["#000004", "#1b0c41", "#4a0c6b", "#781c6d", "#a52c60", "#cf4446", "#ed6925", "#fb9b06",
            "#f7d13d", "#fcffa4"]
# Jet as piecewise-linear (position, value) knots per channel.
_JET = {
    "r": [(0.0, 0.0), (0.35, 0.0), (0.66, 1.0), (0.89, 1.0), (1.0, 0.5)],
    "g": [(0.0, 0.0), (0.125, 0.0), (0.375, 1.0), (0.64, 1.0), (0.91, 0.0), (1.0, 0.0)],
    "b": [(0.0, 0.5), (0.11, 1.0), (0.34, 1.0), (0.65, 0.0), (1.0, 0.0)],
}
COLORMAPS = ("viridis", "jet", "inferno")
PLOTLY_COLORSCALES = {"viridis": "Viridis", "jet": "Jet", "inferno": "Inferno"}


def _hex_knots(colors: list[str]) -> np.ndarray:
    return np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colors], dtype=np.float64)


def colormap_lut(name: str = "viridis") -> np.ndarray:
    """A (256, 3) uint8 lookup table built by linear interpolation between a few known colours."""
    pos = np.linspace(0.0, 1.0, 256)
    if name == "jet":
        channels = [np.interp(pos, *zip(*_JET[c], strict=True)) * 255.0 for c in "rgb"]
        return np.clip(np.stack(channels, axis=1) + 0.5, 0, 255).astype(np.uint8)
    if name not in ("viridis", "inferno"):
        raise ValueError(f"unknown colour map {name!r}; choose from {', '.join(COLORMAPS)}")
    knots = _hex_knots(_VIRIDIS if name == "viridis" else _INFERNO)
    at = np.linspace(0.0, 1.0, len(knots))
    lut = np.stack([np.interp(pos, at, knots[:, c]) for c in range(3)], axis=1)
    return np.clip(lut + 0.5, 0, 255).astype(np.uint8)


def apply_colormap(cam: np.ndarray, name: str = "viridis") -> np.ndarray:
    """(H, W) values in [0, 1] to an (H, W, 3) uint8 RGB image."""
    idx = np.clip(np.nan_to_num(np.asarray(cam, dtype=np.float32)) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return colormap_lut(name)[idx]


def resize_map(cam: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of an (h, w) float map to ``size`` = (width, height)."""
    cam = np.asarray(cam, dtype=np.float32)
    if (cam.shape[1], cam.shape[0]) == tuple(size):
        return cam
    return np.asarray(Image.fromarray(cam, mode="F").resize(size, Image.BILINEAR), dtype=np.float32)


def overlay(image: Image.Image | np.ndarray, cam: np.ndarray, alpha: float = 0.5,
            cmap: str = "viridis") -> np.ndarray:
    """Blend the coloured ``cam`` (values in [0, 1], resized to the image) over ``image``; uint8 (H, W, 3).

    ``alpha`` is the heat map's opacity: 0 shows the photo only, 1 the map only.
    """
    photo = np.asarray(image.convert("RGB") if isinstance(image, Image.Image) else image, dtype=np.float32)
    heat = apply_colormap(resize_map(cam, (photo.shape[1], photo.shape[0])), cmap).astype(np.float32)
    alpha = float(np.clip(alpha, 0.0, 1.0))
    return np.clip((1 - alpha) * photo + alpha * heat + 0.5, 0, 255).astype(np.uint8)


def colorbar_image(cmap: str = "viridis", width: int = 256, height: int = 14) -> np.ndarray:
    """A horizontal colour bar, low (left) to high (right), as uint8 (height, width, 3)."""
    return np.repeat(apply_colormap(np.linspace(0, 1, width)[None, :], cmap), height, axis=0)


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode a uint8 RGB array as PNG."""
    buf = io.BytesIO()
    Image.fromarray(np.asarray(rgb, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    """Serialise an array in NumPy's .npy format (no pickle)."""
    buf = io.BytesIO()
    np.save(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


# ---------------------------------------------------------------------- Captum attributions (extras)
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
    x = _as_batch(x).detach().to(_device_of(model), torch.float32)
    H, W = x.shape[-2:]
    out: dict[str, np.ndarray] = {}
    grads_before = [p.requires_grad for p in model.parameters()]
    # Captum registers hooks (Guided backprop patches every ReLU's backward): serialise on the shared model.
    with MODEL_LOCK, torch.enable_grad():
        was_training = model.training
        model.eval()
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
            model.train(was_training)
            for p, flag in zip(model.parameters(), grads_before):
                p.requires_grad_(flag)
    return out


# ------------------------------------------------------------------------- faithfulness: deletion
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
    x = _as_batch(x).to(_device_of(model), torch.float32)
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
    # Plain forwards need no lock on an eval-mode model; a model in training mode is switched to eval
    # for the duration, which must not interleave with other users of the same model.
    with MODEL_LOCK if model.training else contextlib.nullcontext():
        was_training = model.training
        if was_training:
            model.eval()
        try:
            for start in range(0, len(fractions), batch):
                chunk = fractions[start:start + batch]
                masks = torch.cat([(rank < round(f * n)).to(x.dtype) for f in chunk])  # (b, 1, H, W): 1 = removed
                images = x * (1 - masks) + fill * masks
                p = torch.softmax(model(images).float(), dim=1)[:, target]
                probs += p.cpu().tolist()
        finally:
            if was_training:
                model.train()
    auc = sum((probs[i] + probs[i + 1]) / 2 * (fractions[i + 1] - fractions[i]) for i in range(steps))
    return DeletionCurve(tuple(fractions), tuple(float(p) for p in probs), auc)
