"""One frozen, validated DenseNet configuration and the published presets.

Field names follow the paper (Huang et al., CVPR 2017) and torchvision's ``DenseNet``:
``growth_rate`` is k, ``block_config`` the layers per dense block, ``bn_size`` the bottleneck
multiplier (the 1×1 conv emits ``bn_size * k`` maps; 0 means no bottleneck), ``compression`` θ.
This module imports no torch, so the channel plan and the sliders stay fast.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STEMS = ("imagenet", "cifar")
MAX_BLOCKS = 8
MAX_LAYERS_PER_BLOCK = 128
MAX_GROWTH_RATE = 256
MAX_INPUT_SIZE = 1024


class ConfigError(ValueError):
    """A config value is out of range; ``field`` names it, the message says what is allowed."""

    def __init__(self, field_name: str, value: Any, allowed: str):
        self.field = field_name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field_name}={value!r} is not allowed: {allowed}")


def spatial_after_stem(stem: str, size: int) -> int:
    """Feature-map side after the stem (torchvision's arithmetic, floor division)."""
    if stem == "imagenet":
        after_conv = (size + 2 * 3 - 7) // 2 + 1  # 7×7 conv, stride 2, padding 3
        return (after_conv + 2 * 1 - 3) // 2 + 1  # 3×3 max-pool, stride 2, padding 1
    return size  # 3×3 conv, stride 1, padding 1


def transition_channels(channels: int, compression: float) -> int:
    """Channels after a transition: floor(θ·m), at least 1 (as torchvision and the paper)."""
    return max(1, int(math.floor(channels * compression + 1e-9)))


@dataclass(frozen=True)
class DenseNetConfig:
    """Everything that defines a DenseNet. Frozen and hashable: it keys caches and URLs."""

    growth_rate: int = 32
    block_config: tuple[int, ...] = (6, 12, 24, 16)
    num_init_features: int = 64
    bn_size: int = 4
    compression: float = 0.5
    drop_rate: float = 0.0
    num_classes: int = 1000
    stem: str = "imagenet"
    input_size: int = 224
    memory_efficient: bool = False

    def __post_init__(self) -> None:
        # Accept lists (JSON, query strings) but store a tuple so the config stays hashable.
        if not isinstance(self.block_config, tuple):
            try:
                object.__setattr__(self, "block_config", tuple(self.block_config))
            except TypeError:
                raise ConfigError("block_config", self.block_config, "a list of layer counts") from None
        self._validate()

    def _validate(self) -> None:
        def integer(name: str, lo: int, hi: int) -> None:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(name, value, f"an integer from {lo} to {hi}")
            if not lo <= value <= hi:
                raise ConfigError(name, value, f"an integer from {lo} to {hi}")

        integer("growth_rate", 1, MAX_GROWTH_RATE)
        integer("num_init_features", 1, 1024)
        integer("bn_size", 0, 16)
        integer("num_classes", 1, 100_000)
        integer("input_size", 8, MAX_INPUT_SIZE)
        blocks = self.block_config
        if not 1 <= len(blocks) <= MAX_BLOCKS:
            raise ConfigError("block_config", blocks, f"1 to {MAX_BLOCKS} dense blocks")
        for n in blocks:
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_LAYERS_PER_BLOCK:
                raise ConfigError(
                    "block_config", blocks, f"each block has 1 to {MAX_LAYERS_PER_BLOCK} layers"
                )
        if isinstance(self.compression, bool) or not isinstance(self.compression, (int, float)):
            raise ConfigError("compression", self.compression, "a number θ with 0 < θ ≤ 1")
        if not (0.0 < float(self.compression) <= 1.0):
            raise ConfigError("compression", self.compression, "a number θ with 0 < θ ≤ 1")
        if isinstance(self.drop_rate, bool) or not isinstance(self.drop_rate, (int, float)):
            raise ConfigError("drop_rate", self.drop_rate, "a probability with 0 ≤ p < 1")
        if not 0.0 <= float(self.drop_rate) < 1.0:
            raise ConfigError("drop_rate", self.drop_rate, "a probability with 0 ≤ p < 1")
        if self.stem not in STEMS:
            raise ConfigError("stem", self.stem, " or ".join(repr(s) for s in STEMS))
        if not isinstance(self.memory_efficient, bool):
            raise ConfigError("memory_efficient", self.memory_efficient, "True or False")
        # The feature map must stay at least 1×1 through every transition's 2×2 average pool.
        side = spatial_after_stem(self.stem, self.input_size)
        if side < 1:
            raise ConfigError("input_size", self.input_size, "large enough for the stem")
        for _ in range(len(blocks) - 1):
            side //= 2
        if side < 1:
            need = self.minimum_input_size()
            raise ConfigError(
                "input_size",
                self.input_size,
                f"at least {need} for {len(blocks)} blocks with the {self.stem} stem "
                f"(each transition halves the feature map, which must stay at least 1×1)",
            )

    def minimum_input_size(self) -> int:
        """Smallest input side that keeps a 1×1 map after the last transition."""
        for size in range(8, MAX_INPUT_SIZE + 1):
            side = spatial_after_stem(self.stem, size)
            if side >> (len(self.block_config) - 1) >= 1:
                return size
        return MAX_INPUT_SIZE + 1

    @property
    def bottleneck(self) -> bool:
        return self.bn_size > 0

    @property
    def variant(self) -> str:
        """Paper name of the variant: DenseNet, DenseNet-B, DenseNet-C or DenseNet-BC."""
        suffix = ("B" if self.bottleneck else "") + ("C" if self.compression < 1 else "")
        return "DenseNet" + (f"-{suffix}" if suffix else "")

    def replace(self, **changes: Any) -> DenseNetConfig:
        """A validated copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["block_config"] = list(self.block_config)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DenseNetConfig:
        """Build from a mapping, refusing unknown keys (a typo must not pass silently)."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(unknown[0], data[unknown[0]], "one of " + ", ".join(sorted(names)))
        return cls(**dict(data))


@dataclass(frozen=True)
class Preset:
    """A published model: its config, where it comes from and what was reported for it."""

    name: str
    title: str
    config: DenseNetConfig
    source: str
    dataset: str
    published_params: int | None = None  # exact where torchvision reports it, else the paper's rounding
    published_top1: float | None = None  # accuracy in percent on ``dataset``
    notes: str = ""
    extra: dict[str, float] = field(default_factory=dict)


_PAPER = "Huang, Liu, van der Maaten, Weinberger: Densely Connected Convolutional Networks, CVPR 2017"
_TV = "torchvision.models (IMAGENET1K_V1 weight metadata)"


def _imagenet(k: int, blocks: tuple[int, ...], init: int) -> DenseNetConfig:
    return DenseNetConfig(growth_rate=k, block_config=blocks, num_init_features=init)


def _cifar(k: int, depth: int, bc: bool) -> DenseNetConfig:
    # Paper, section 4.2: three blocks of equal size; (L-4)/3 layers each, or (L-4)/6 with
    # bottlenecks (each BC layer holds two convs); 16 stem channels, or 2k for DenseNet-BC.
    per_block = (depth - 4) // (6 if bc else 3)
    return DenseNetConfig(
        growth_rate=k,
        block_config=(per_block,) * 3,
        num_init_features=2 * k if bc else 16,
        bn_size=4 if bc else 0,
        compression=0.5 if bc else 1.0,
        num_classes=10,
        stem="cifar",
        input_size=32,
    )


# ImageNet numbers: torchvision's weight metadata (parameters exact, ImageNet-1k val acc@1), and the
# paper's Table 3 single-crop top-1 error for DenseNet-264, which torchvision does not ship.
# CIFAR numbers: the paper's Table 2 (parameters in millions as printed, C10+ error turned into accuracy).
PRESETS: dict[str, DenseNetConfig] = {}
PRESET_INFO: dict[str, Preset] = {}


def _register(p: Preset) -> None:
    PRESETS[p.name] = p.config
    PRESET_INFO[p.name] = p


_register(Preset("densenet121", "DenseNet-121", _imagenet(32, (6, 12, 24, 16), 64), _TV, "ImageNet-1k",
                 7_978_856, 74.434, extra={"gmacs": 2.834}))
_register(Preset("densenet169", "DenseNet-169", _imagenet(32, (6, 12, 32, 32), 64), _TV, "ImageNet-1k",
                 14_149_480, 75.600, extra={"gmacs": 3.36}))
_register(Preset("densenet201", "DenseNet-201", _imagenet(32, (6, 12, 48, 32), 64), _TV, "ImageNet-1k",
                 20_013_928, 76.896, extra={"gmacs": 4.291}))
_register(Preset("densenet161", "DenseNet-161", _imagenet(48, (6, 12, 36, 24), 96), _TV, "ImageNet-1k",
                 28_681_000, 77.138, extra={"gmacs": 7.728}))
_register(Preset("densenet264", "DenseNet-264", _imagenet(32, (6, 12, 64, 48), 64), _PAPER + ", Table 3",
                 "ImageNet-1k", None, 100 - 22.15, notes="single-crop top-1 error 22.15%"))
_register(Preset("densenet40_k12", "DenseNet (L=40, k=12)", _cifar(12, 40, False), _PAPER + ", Table 2",
                 "CIFAR-10+", 1_000_000, 100 - 5.24, notes="1.0M parameters as printed"))
_register(Preset("densenet100_k12", "DenseNet (L=100, k=12)", _cifar(12, 100, False), _PAPER + ", Table 2",
                 "CIFAR-10+", 7_000_000, 100 - 4.10, notes="7.0M parameters as printed"))
_register(Preset("densenet100_k24", "DenseNet (L=100, k=24)", _cifar(24, 100, False), _PAPER + ", Table 2",
                 "CIFAR-10+", 27_200_000, 100 - 3.74, notes="27.2M parameters as printed"))
_register(Preset("densenet_bc100_k12", "DenseNet-BC (L=100, k=12)", _cifar(12, 100, True),
                 _PAPER + ", Table 2", "CIFAR-10+", 800_000, 100 - 4.51, notes="0.8M parameters as printed"))
_register(Preset("densenet_bc250_k24", "DenseNet-BC (L=250, k=24)", _cifar(24, 250, True),
                 _PAPER + ", Table 2", "CIFAR-10+", 15_300_000, 100 - 3.62, notes="15.3M parameters as printed"))
_register(Preset("densenet_bc190_k40", "DenseNet-BC (L=190, k=40)", _cifar(40, 190, True),
                 _PAPER + ", Table 2", "CIFAR-10+", 25_600_000, 100 - 3.46, notes="25.6M parameters as printed"))


def matching_preset(config: DenseNetConfig) -> str | None:
    """Name of the published preset this config reproduces exactly (ignoring runtime-only fields)."""
    key = config.replace(memory_efficient=False, drop_rate=0.0)
    for name, preset in PRESETS.items():
        if preset.replace(drop_rate=0.0) == key:
            return name
    return None
