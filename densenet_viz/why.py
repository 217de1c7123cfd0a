"""Why DenseNet, measured: gradient flow, parameter efficiency and the memory cost of concatenation.

Everything here is computed from real models (ours or torchvision's architectures) or from the plan;
published numbers come from torchvision's weight metadata, never typed in by hand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import PRESET_INFO, DenseNetConfig, matching_preset
from .errors import UserError
from .graph import check_build, guard_memory
from .model import DenseLayer, build_densenet, default_device
from .plan import plan_network

ARCHS = ("dense", "plain", "residual")
INITS = ("default", "kaiming")


# --------------------------------------------------------------------------------------------- gradient flow
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


# ------------------------------------------------------------------------------------ parameter efficiency
REFERENCE_MODELS = ("densenet121", "densenet169", "densenet201", "densenet161", "resnet18", "resnet34",
                    "resnet50", "resnet101", "resnet152", "vgg16")


@dataclass(frozen=True)
class ReferenceModel:
    """A torchvision ImageNet model: metadata of its IMAGENET1K_V1 weights and its architecture's own count."""

    name: str
    family: str  # "DenseNet" | "ResNet" | "VGG"
    params: int  # from the weight metadata
    params_counted: int  # counted on the architecture torchvision builds (meta device: no memory, no download)
    gmacs: float  # torchvision's "_ops" (GFLOPS as it labels them; multiply-accumulates per image)
    top1: float  # ImageNet-1K acc@1, percent


def reference_models(names: tuple[str, ...] = REFERENCE_MODELS) -> list[ReferenceModel]:
    """Read every reference model's metadata from torchvision's weight enums (nothing is downloaded)."""
    from torchvision.models import get_model, get_model_weights

    out = []
    for name in names:
        meta = get_model_weights(name).IMAGENET1K_V1.meta
        with torch.device("meta"):  # builds the module without allocating or initialising real tensors
            counted = sum(p.numel() for p in get_model(name, weights=None).parameters())
        family = "DenseNet" if name.startswith("densenet") else "ResNet" if name.startswith("resnet") else "VGG"
        out.append(ReferenceModel(name, family, int(meta["num_params"]), int(counted), float(meta["_ops"]),
                                  float(meta["_metrics"]["ImageNet-1K"]["acc@1"])))
    return out


@dataclass(frozen=True)
class OurPoint:
    """The sidebar's DenseNet on the efficiency chart: plan numbers, and a published top-1 if it is a preset."""

    params: int
    gmacs: float
    top1: float | None
    preset_title: str | None
    input_size: int


def our_point(config: DenseNetConfig) -> OurPoint:
    """Params and GMACs from the plan; top-1 only when the config reproduces an ImageNet preset."""
    plan = plan_network(config)
    name = matching_preset(config)
    info = PRESET_INFO.get(name) if name else None
    top1 = info.published_top1 if info and info.dataset == "ImageNet-1k" else None
    return OurPoint(plan.params, plan.macs / 1e9, top1, info.title if info and top1 is not None else None,
                    config.input_size)


# ----------------------------------------------------------------------------------------------- memory
DEPTH_SCALES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
CPU_MEASURE_SCALES = (0.25, 0.5, 1.0)  # building and running 4× deeper models takes minutes on 2 cores


def scaled_config(config: DenseNetConfig, scale: float) -> DenseNetConfig:
    """``config`` with every block's layer count multiplied by ``scale`` (at least 1, at most 128)."""
    blocks = tuple(min(128, max(1, round(n * scale))) for n in config.block_config)
    return config.replace(block_config=blocks)


@dataclass(frozen=True)
class MemoryPoint:
    depth: int
    block_config: tuple[int, ...]
    naive_bytes: int
    shared_bytes: int
    macs: int  # per image, to budget measurements


def memory_curve(config: DenseNetConfig, batch_size: int = 1, dtype: str = "float32",
                 scales: tuple[float, ...] = DEPTH_SCALES) -> list[MemoryPoint]:
    """Activation memory of a training step against depth, for naive and shared storage (from the plan)."""
    points: dict[tuple[int, ...], MemoryPoint] = {}
    for s in scales:
        cfg = scaled_config(config, s)
        if cfg.block_config in points:
            continue
        plan = plan_network(cfg)
        points[cfg.block_config] = MemoryPoint(plan.depth, cfg.block_config,
                                               plan.activation_bytes(batch_size, dtype, "naive"),
                                               plan.activation_bytes(batch_size, dtype, "shared"), plan.macs)
    return sorted(points.values(), key=lambda p: p.depth)


def saved_tensor_bytes(model: nn.Module, x: torch.Tensor) -> int:
    """Bytes of activations autograd keeps for backward after one training forward pass of ``model``.

    Every tensor autograd saves goes through a ``saved_tensors_hooks`` pack hook; storages are counted
    once (a ReLU output saved by two ops, or views of one buffer, share a storage). Parameters and
    buffers are not activations and are left out. Tensors that a checkpointed (memory-efficient) dense
    layer keeps to recompute from are counted too: they are that layer's inputs.
    """
    skip = {t.untyped_storage().data_ptr() for t in list(model.parameters()) + list(model.buffers())}
    skip.add(x.untyped_storage().data_ptr())  # the input batch exists anyway
    storages: dict[int, int] = {}

    def note(t: torch.Tensor) -> None:
        s = t.untyped_storage()
        if s.data_ptr() not in skip and s.device.type != "meta":
            storages[s.data_ptr()] = max(storages.get(s.data_ptr(), 0), s.nbytes())

    def pack(t: torch.Tensor) -> torch.Tensor:
        note(t)
        return t  # keep it alive as usual, so its address cannot be reused while we count

    def pre_hook(layer: DenseLayer, args) -> None:
        if layer.memory_efficient:
            for t in args[0]:
                note(t)

    handles = [m.register_forward_pre_hook(pre_hook) for m in model.modules() if isinstance(m, DenseLayer)]
    was_training = model.training
    model.train()
    try:
        with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            out = model(x)
            total = sum(storages.values())
            del out
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return total


def cuda_step_peak_bytes(model: nn.Module, x: torch.Tensor) -> int:
    """Peak CUDA memory a training step (forward + backward) allocates above what was there before."""
    device = x.device
    model.train()
    model.zero_grad(set_to_none=True)
    torch.cuda.synchronize(device)
    torch.cuda.reset_peak_memory_stats(device)
    base = torch.cuda.memory_allocated(device)
    with torch.enable_grad():
        model(x).sum().backward()
    torch.cuda.synchronize(device)
    peak = torch.cuda.max_memory_allocated(device) - base
    model.zero_grad(set_to_none=True)
    return int(peak)


@dataclass(frozen=True)
class MemoryMeasurement:
    depth: int
    block_config: tuple[int, ...]
    naive_bytes: int
    shared_bytes: int  # the memory-efficient model (checkpointed concatenation)


@dataclass(frozen=True)
class MeasuredMemory:
    method: str  # "saved_tensors" (CPU) or "cuda_peak" (GPU)
    device: str
    points: tuple[MemoryMeasurement, ...]
    skipped: int  # deeper points left out to stay within the compute budget
    seconds: float


def trainable_batch(config: DenseNetConfig, batch_size: int) -> bool:
    """Whether a training step is possible: batch norm in training mode needs more than one value per
    channel, so a batch of one image fails when the last feature map is 1×1."""
    side = plan_network(config).rows[-2].out_hw
    return batch_size * side * side > 1


def measure_memory(config: DenseNetConfig, batch_size: int = 2, scales: tuple[float, ...] | None = None,
                   device: str | torch.device | None = None, budget_gmacs: float | None = None) -> MeasuredMemory:
    """Measure activation memory for the configs of ``memory_curve``, naive and memory-efficient.

    On CUDA: the peak allocated during a training step. Elsewhere: the bytes autograd saves for
    backward (forward only). ``scales`` defaults to all of ``DEPTH_SCALES`` on a GPU and to
    ``CPU_MEASURE_SCALES`` elsewhere. Points are measured shallow to deep until their forward cost
    would pass ``budget_gmacs`` (default 12 GMACs on a CPU, 2000 on a GPU); the rest are skipped.
    """
    device = default_device() if device is None else torch.device(device)
    if device.type == "mps":
        device = torch.device("cpu")
    cuda = device.type == "cuda"
    if budget_gmacs is None:
        budget_gmacs = 2000.0 if cuda else 12.0
    if scales is None:
        scales = DEPTH_SCALES if cuda else CPU_MEASURE_SCALES
    if not trainable_batch(config, batch_size):
        raise UserError("memory.bn_batch")
    start = time.perf_counter()
    curve = memory_curve(config, batch_size, "float32", scales)
    # Refuse up front, with the estimate, when even the shallowest point would not fit in memory.
    guard_memory(plan_network(config.replace(block_config=curve[0].block_config)), str(device), batch_size)
    spent, points, skipped = 0.0, [], 0
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch_size, 3, config.input_size, config.input_size, generator=gen).to(device)
    for p in curve:
        cost = 2 * p.macs * batch_size / 1e9  # two models per point
        fits = check_build(plan_network(config.replace(block_config=p.block_config)), str(device), batch_size).fits
        if not fits or (points and spent + cost > budget_gmacs):
            skipped += 1
            continue
        spent += cost
        results = []
        for efficient in (False, True):
            cfg = config.replace(block_config=p.block_config, memory_efficient=efficient, drop_rate=0.0)
            torch.manual_seed(0)
            model = build_densenet(cfg, device=device)
            results.append(cuda_step_peak_bytes(model, x) if cuda else saved_tensor_bytes(model, x))
            del model
        points.append(MemoryMeasurement(p.depth, p.block_config, results[0], results[1]))
    if cuda:
        torch.cuda.empty_cache()
    return MeasuredMemory("cuda_peak" if cuda else "saved_tensors", str(device), tuple(points), skipped,
                          time.perf_counter() - start)


def vanishing_verdict(dense_first: float, plain_first: float) -> tuple[str, float | None]:
    """How the first layer's gradient of the dense net compares with the plain net's: ("vanish", ratio)
    when dense is at least 10× larger, ("vanish_zero", None) when the plain net's is exactly 0, else
    ("no_vanish", None)."""
    if plain_first == 0:
        return "vanish_zero", None
    ratio = dense_first / plain_first
    return ("vanish", ratio) if ratio >= 10 else ("no_vanish", None)


def measured_vs_plan(measured: MeasuredMemory, curve: list) -> list[tuple]:
    """Rows (depth, block config, measured naive, planned naive, measured shared, planned shared) in bytes,
    matching each measured point to the plan's point of the same depth."""
    planned = {p.depth: p for p in curve}
    return [(p.depth, p.block_config, p.naive_bytes, planned[p.depth].naive_bytes, p.shared_bytes,
             planned[p.depth].shared_bytes) for p in measured.points]
