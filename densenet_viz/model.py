"""The real DenseNet, built from a ``DenseNetConfig``.

Module names match torchvision's ``densenet.py`` (``features.denseblock1.denselayer1.conv1``,
``features.transition1``, ``features.norm5``, ``classifier``) so its state dicts load strictly.
Differences on purpose: every ReLU is out-of-place and the final ReLU is a module (``final_relu``),
because Grad-CAM hooks sit on block outputs and ``features.norm5``, and an in-place op after a hooked
tensor corrupts its gradient.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint as cp

from .config import DenseNetConfig, transition_channels

if TYPE_CHECKING:
    from .plan import Stage


class DenseLayer(nn.Module):
    """BN-ReLU-Conv(1×1, bn_size·k) then BN-ReLU-Conv(3×3, k); without a bottleneck just BN-ReLU-Conv(3×3)."""

    def __init__(self, in_channels: int, growth_rate: int, bn_size: int, drop_rate: float,
                 memory_efficient: bool):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(in_channels)
        self.relu1 = nn.ReLU()
        if bn_size > 0:
            mid = bn_size * growth_rate
            self.conv1 = nn.Conv2d(in_channels, mid, kernel_size=1, bias=False)
            self.norm2 = nn.BatchNorm2d(mid)
            self.relu2 = nn.ReLU()
            self.conv2 = nn.Conv2d(mid, growth_rate, kernel_size=3, padding=1, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, growth_rate, kernel_size=3, padding=1, bias=False)
        self.has_bottleneck = bn_size > 0
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient

    def _concat_norm_conv(self, *inputs: torch.Tensor) -> torch.Tensor:
        # The step whose memory grows quadratically: concatenate everything the layer receives.
        return self.conv1(self.relu1(self.norm1(torch.cat(inputs, 1))))

    def _checkpointed(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        # Recompute concat-BN-ReLU-conv in backward instead of storing it (Pleiss et al. 2017).
        # The recomputation must not update BN's running statistics a second time: it normalises
        # with the batch statistics (what the first pass used) but leaves the buffers alone.
        first_pass = [True]

        def run(*xs: torch.Tensor) -> torch.Tensor:
            cat = torch.cat(xs, 1)
            norm = self.norm1
            if first_pass[0] or not norm.training:
                first_pass[0] = False
                y = norm(cat)
            else:
                # Throw-away copies of the statistics keep the saved-tensor layout of the first pass.
                y = F.batch_norm(cat, norm.running_mean.clone(), norm.running_var.clone(), norm.weight,
                                 norm.bias, True, 0.0, norm.eps)
            return self.conv1(self.relu1(y))

        return cp.checkpoint(run, *inputs, use_reentrant=False)

    def forward(self, inputs: list[torch.Tensor]) -> torch.Tensor:  # inputs: list of (B, c_i, H, W)
        if self.memory_efficient and torch.is_grad_enabled() and any(t.requires_grad for t in inputs):
            out = self._checkpointed(inputs)
        else:
            out = self._concat_norm_conv(*inputs)  # (B, bn_size·k or k, H, W)
        if self.has_bottleneck:
            out = self.conv2(self.relu2(self.norm2(out)))  # (B, k, H, W)
        if self.drop_rate > 0:
            out = F.dropout(out, p=self.drop_rate, training=self.training)
        return out


class DenseBlock(nn.ModuleDict):
    """Layer ℓ receives the concatenation of the block input and every earlier layer's output."""

    def __init__(self, num_layers: int, in_channels: int, growth_rate: int, bn_size: int,
                 drop_rate: float, memory_efficient: bool):
        super().__init__()
        for i in range(num_layers):
            layer = DenseLayer(in_channels + i * growth_rate, growth_rate, bn_size, drop_rate, memory_efficient)
            self.add_module(f"denselayer{i + 1}", layer)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, c0, H, W) -> (B, c0 + L·k, H, W)
        features = [x]
        for layer in self.values():
            features.append(layer(features))
        return torch.cat(features, 1)


class Transition(nn.Sequential):
    """BN-ReLU-Conv(1×1, θ·m)-AvgPool(2×2): compresses channels and halves H and W."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(in_channels))
        self.add_module("relu", nn.ReLU())
        self.add_module("conv", nn.Conv2d(in_channels, out_channels, kernel_size=1, bias=False))
        self.add_module("pool", nn.AvgPool2d(kernel_size=2, stride=2))


class DenseNet(nn.Module):
    """``features`` (stem, blocks, transitions, norm5) → ReLU → global average pool → ``classifier``."""

    def __init__(self, config: DenseNetConfig):
        super().__init__()
        self.config = config
        c = config.num_init_features
        if config.stem == "imagenet":
            stem = [
                ("conv0", nn.Conv2d(3, c, kernel_size=7, stride=2, padding=3, bias=False)),
                ("norm0", nn.BatchNorm2d(c)),
                ("relu0", nn.ReLU()),
                ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
            ]
        else:
            stem = [("conv0", nn.Conv2d(3, c, kernel_size=3, padding=1, bias=False))]
        self.features = nn.Sequential(OrderedDict(stem))
        for b, n_layers in enumerate(config.block_config, start=1):
            block = DenseBlock(n_layers, c, config.growth_rate, config.bn_size, config.drop_rate,
                               config.memory_efficient)
            self.features.add_module(f"denseblock{b}", block)
            c += n_layers * config.growth_rate
            if b < len(config.block_config):
                out = transition_channels(c, config.compression)
                self.features.add_module(f"transition{b}", Transition(c, out))
                c = out
        self.features.add_module("norm5", nn.BatchNorm2d(c))
        self.final_relu = nn.ReLU()  # a module, not F.relu, so Grad-CAM can hook it
        self.classifier = nn.Linear(c, config.num_classes)
        self.feature_info = feature_taps(config)
        modules = dict(self.named_modules())
        assert all(modules.get(tap.module) is not None for tap in self.feature_info), "a tap names no module"
        self._init_weights()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, H, W) -> (B, C, h, w)
        return self.final_relu(self.features(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, H, W) -> (B, num_classes)
        out = F.adaptive_avg_pool2d(self.forward_features(x), 1).flatten(1)
        return self.classifier(out)


def build_densenet(config: DenseNetConfig, device: str | torch.device | None = None) -> DenseNet:
    """Build the model for ``config`` on ``device`` (default: the best available, see ``default_device``)."""
    if not isinstance(config, DenseNetConfig):
        raise TypeError(f"build_densenet needs a DenseNetConfig, got {type(config).__name__}")
    model = DenseNet(config)
    return model.to(default_device() if device is None else torch.device(device))


def default_device() -> torch.device:
    """CUDA, then Apple MPS, then the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe_device(device: torch.device | None = None, lang: str = "en") -> str:
    """A one-line, human description of a device in ``lang``, e.g. 'CUDA GPU: NVIDIA H100 (80 GiB)'."""
    from .i18n import t

    device = default_device() if device is None else torch.device(device)
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        return t("device.cuda", lang, name=props.name, gib=f"{props.total_memory / 2**30:.0f}")
    if device.type == "mps":
        return t("device.mps", lang)
    return t("device.cpu", lang, n=torch.get_num_threads())


_LOCKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def inspecting(model: nn.Module, forward_hooks: Mapping | None = None, pre_hooks: Mapping | None = None, *,
               training: bool = False):
    """``model`` for hook-based work: under its lock (``model_lock``), in eval mode (train mode with
    ``training``), with ``forward_hooks`` and ``pre_hooks`` ({module name or module: hook}) registered.
    Yields the model's modules by name. Hooks and mode are undone after, also on an error."""
    with model_lock(model):
        was_training = model.training
        handles = []
        try:
            model.train(training)
            modules = dict(model.named_modules())
            for hooks, register in ((forward_hooks, "register_forward_hook"), (pre_hooks, "register_forward_pre_hook")):
                for where, hook in (hooks or {}).items():
                    module = modules[where] if isinstance(where, str) else where
                    handles.append(getattr(module, register)(hook))
            yield modules
        finally:
            for handle in handles:
                handle.remove()
            model.train(was_training)


def model_lock(model: nn.Module) -> threading.RLock:
    """The lock for hook-based work on ``model``: hooks on a shared model must not interleave. One lock per
    model, so a build tracing its own fresh model never waits for (or holds up) an explanation."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(model)
        if lock is None:
            lock = _LOCKS[model] = threading.RLock()
        return lock


def feature_taps(config: DenseNetConfig) -> tuple[Stage, ...]:
    """Where the network is read (timm's ``feature_info``): the stem, each dense block's output, each
    transition, norm5 and the final ReLU, with their channels and side, from the plan. ``DenseNet`` keeps
    them as ``feature_info`` and checks at build time that each is one of its modules."""
    from .plan import Stage, plan_network, stages

    walk = [s for s in stages(plan_network(config)) if s.kind in ("stem", "block", "transition", "norm")]
    norm = walk[-1]
    return (*walk, Stage("relu", 0, "final_relu", norm.channels, norm.hw))


def cam_layer_names(config: DenseNetConfig) -> list[str]:
    """Layers worth a class-activation map: every tap after the stem."""
    return [tap.module for tap in feature_taps(config) if tap.kind != "stem"]


def default_cam_layer(config: DenseNetConfig) -> str:
    """The layer Explain and the CLI start with: the last dense block's output (the finest map that already
    sees the whole object)."""
    return [tap.module for tap in feature_taps(config) if tap.kind == "block"][-1]
