"""Follow one photo through a trained DenseNet: one forward pass with hooks on every stage of the plan.

The result is plain data (numpy arrays, tuples) so a page can cache it per photo and step through the
stages without touching the model again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFilter

from .budget import walkthrough_bytes
from .config import DenseNetConfig
from .data import Preprocessing, center_crop, to_tensor
from .explain import predict_logits
from .model import DenseNet, feature_taps, inspecting
from .plan import Plan, plan_network, stages

STAGE_KINDS = ("stem", "block", "transition", "norm", "pool", "classifier", "softmax")


@dataclass(frozen=True)
class FeatureMaps:
    """A few channels of one stage's output for one image: raw values, (n, H, W) float32."""

    channels: tuple[int, ...]
    maps: np.ndarray
    origins: tuple[int, ...] = ()  # inside a dense block: 0 = the block's input, i = added by dense layer i

    def __len__(self) -> int:
        return len(self.channels)

    def normalised(self) -> np.ndarray:
        """Each map scaled to [0, 1] on its own (a constant map becomes all zeros)."""
        lo = self.maps.min(axis=(1, 2), keepdims=True)
        span = self.maps.max(axis=(1, 2), keepdims=True) - lo
        return np.where(span > 0, (self.maps - lo) / np.where(span > 0, span, 1), 0.0).astype(np.float32)


@dataclass(frozen=True)
class WalkStage:
    """One stop of the walkthrough. ``shape`` is the real tensor's shape, batch dimension included."""

    kind: str  # one of STAGE_KINDS
    module: str  # the module whose output this is ("" for softmax, computed from the logits)
    index: int  # block / transition number, else 0
    shape: tuple[int, ...]
    plan_shape: tuple[int, ...]  # what the plan predicts, in the same layout
    say: dict = field(default_factory=dict)  # numbers for this stage's sentence (from the plan or the model)
    active: FeatureMaps | None = None  # the most active channels
    newest: FeatureMaps | None = None  # the maps the block's last dense layer just added
    vector: np.ndarray | None = None  # pool: pooled features; classifier: logits; softmax: probabilities
    value_range: tuple[float, float] = (0.0, 0.0)  # min and max over the whole tensor

    @property
    def matches_plan(self) -> bool:
        return self.shape == self.plan_shape


@dataclass(frozen=True)
class Walkthrough:
    stages: tuple[WalkStage, ...]
    class_names: tuple[str, ...]
    probabilities: np.ndarray  # (num_classes,)
    pooled: np.ndarray  # (C,) the globally pooled feature vector
    image: np.ndarray  # (H, W, 3) uint8: the centre crop the model saw
    input_size: int

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))


def _most_active(t: torch.Tensor, n: int, offset: int = 0) -> list[int]:
    """Indices of the ``n`` channels of (C, H, W) ``t`` with the largest mean activation."""
    means = t.float().mean(dim=(1, 2))
    n = min(n, int(means.numel()))
    return [int(i) + offset for i in torch.topk(means, n).indices.tolist()]


def _maps(t: torch.Tensor, channels: list[int], origins: tuple[int, ...] = ()) -> FeatureMaps:
    return FeatureMaps(tuple(channels), t[channels].float().cpu().numpy(), origins)


def _origin(channel: int, block_in: int, k: int) -> int:
    return 0 if channel < block_in else (channel - block_in) // k + 1


def stage_plan_shapes(plan: Plan) -> list[tuple[str, int, tuple[int, ...]]]:
    """(kind, index, shape with batch 1) for every walkthrough stage, from the plan alone."""
    out: list[tuple[str, int, tuple[int, ...]]] = [
        (s.kind, s.number, (1, s.channels, s.hw, s.hw)) for s in stages(plan) if s.kind != "classifier"]
    final = plan.rows[-1]
    out.append(("pool", 0, (1, final.in_channels)))
    out.append(("classifier", 0, (1, final.out_channels)))
    out.append(("softmax", 0, (1, final.out_channels)))
    return out


def walkthrough_memory_bytes(config: DenseNetConfig, prep: Preprocessing) -> int:
    """What ``walk_through`` holds at its peak for a resident model of ``config`` (``budget.walkthrough_bytes``)."""
    return walkthrough_bytes(plan_network(config.replace(input_size=prep.input_size)))


def walk_through(model: DenseNet, image: Image.Image, prep: Preprocessing, class_names: tuple[str, ...],
                 n_maps: int = 8, flip: bool = False) -> Walkthrough:
    """Run ``image`` through ``model`` once, recording every stage of the plan.

    ``flip``: the softmax stage averages the logits with the mirror image's (one more forward pass, no
    hooks), exactly as the Explain page and the CLI do, so all three show the same probabilities.

    The plan is the model's config at the preprocessing's input size (the size the model really sees).
    ``n_maps``: how many feature maps to keep per stage (most active; and, for a dense block, the
    most active of the maps its last layer added).
    """
    config = model.config.replace(input_size=prep.input_size)
    plan = plan_network(config)
    crop = center_crop(image, prep.resize_size, prep.input_size)
    device = next(model.parameters()).device
    x = to_tensor(crop, prep).unsqueeze(0).to(device)  # (1, 3, S, S)

    names = [tap.module for tap in feature_taps(config) if tap.kind != "relu"]
    outputs: dict[str, torch.Tensor] = {}

    def keep(name: str):
        def hook(_module, _args, output):
            outputs[name] = output.detach()
        return hook

    def keep_pooled(_module, args):
        outputs["pooled"] = args[0].detach()

    with inspecting(model, {n: keep(n) for n in names}, {model.classifier: keep_pooled}), torch.no_grad():
        logits = model(x)
    final = torch.from_numpy(predict_logits(model, x, flip=True)) if flip else logits.float().cpu()
    probs = torch.softmax(final, dim=1)

    expected = iter(stage_plan_shapes(plan))
    walk: list[WalkStage] = []
    k = config.growth_rate

    def add(kind: str, module: str, index: int, t: torch.Tensor, say: dict, active=None, newest=None,
            vector=None) -> None:
        e_kind, e_index, e_shape = next(expected)
        assert (e_kind, e_index) == (kind, index), (e_kind, e_index, kind, index)
        walk.append(WalkStage(kind, module, index, tuple(t.shape), e_shape, say, active, newest, vector,
                              (float(t.min()), float(t.max()))))

    for s in stages(plan):
        if s.kind == "classifier":
            continue
        t = outputs[s.module]
        active = _maps(t[0], _most_active(t[0], n_maps))
        if s.kind == "stem":
            add("stem", s.module, 0, t, {"size": config.input_size, "c": s.channels, "hw": s.hw}, active=active)
        elif s.kind == "block":
            layers = [r for r in plan.dense_layers if r.block == s.number]
            c_in, c_out = layers[0].in_channels, s.channels
            top = _most_active(t[0], n_maps)
            newest = _most_active(t[0][c_out - k:], n_maps, offset=c_out - k)  # the last layer's k maps
            add("block", s.module, s.number, t,
                {"b": s.number, "n": len(layers), "k": k, "cin": c_in, "cout": c_out, "hw": s.hw,
                 "first": c_out - k, "last": c_out - 1},
                active=_maps(t[0], top, tuple(_origin(c, c_in, k) for c in top)),
                newest=_maps(t[0], newest, tuple(len(layers) for _ in newest)))
        elif s.kind == "transition":
            r = next(r for r in plan.transitions if r.block == s.number)
            add("transition", s.module, s.number, t,
                {"b": s.number, "cin": r.in_channels, "cout": r.out_channels, "theta": config.compression,
                 "hw_in": r.in_hw, "hw": r.out_hw}, active=active)
        else:
            add("norm", s.module, 0, t, {"c": s.channels, "hw": s.hw}, active=active)
    norm = next(r for r in plan.rows if r.stage == "norm")
    pooled = outputs["pooled"]
    add("pool", "final_relu", 0, pooled, {"c": norm.out_channels, "hw": norm.out_hw},
        vector=pooled[0].float().cpu().numpy())
    add("classifier", "classifier", 0, logits, {"c": norm.out_channels, "n": config.num_classes},
        vector=logits[0].float().cpu().numpy())
    p = probs[0].cpu().numpy()
    top = int(np.argmax(p))
    add("softmax", "", 0, probs, {"cls": class_names[top], "p": round(float(p[top]) * 100, 1), "flip": flip},
        vector=p)
    return Walkthrough(tuple(walk), tuple(class_names), p, pooled[0].float().cpu().numpy(),
                       np.asarray(crop, dtype=np.uint8), config.input_size)


def top_entries(vector: np.ndarray, n: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the ``n`` largest entries, largest first."""
    n = min(n, vector.size)
    idx = np.argsort(vector)[::-1][:n]
    return idx, vector[idx]


def synthetic_flower(size: int = 256, seed: int = 0) -> Image.Image:
    """A drawn flower (yellow centre, petals, green background) for when no example photo is shipped."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (size, size), (70, 120, 60))
    draw = ImageDraw.Draw(img)
    c = size / 2
    petal = size * 0.2
    for i in range(12):
        a = i * np.pi / 6
        px, py = c + np.cos(a) * size * 0.22, c + np.sin(a) * size * 0.22
        draw.ellipse((px - petal / 2, py - petal / 2, px + petal / 2, py + petal / 2), fill=(245, 245, 240))
    draw.ellipse((c - size * 0.12, c - size * 0.12, c + size * 0.12, c + size * 0.12), fill=(235, 190, 30))
    arr = np.asarray(img.filter(ImageFilter.GaussianBlur(size / 128)), dtype=np.float32)
    arr += rng.normal(0, 6, arr.shape)  # a little texture, like a photo
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def synthetic_flower_bytes(size: int = 256) -> bytes:
    """``synthetic_flower`` encoded as PNG bytes (the same path as an uploaded file)."""
    import io

    buf = io.BytesIO()
    synthetic_flower(size).save(buf, format="PNG")
    return buf.getvalue()
