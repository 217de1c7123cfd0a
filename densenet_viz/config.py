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

from .errors import Term, UserError, shorten

STEMS = ("imagenet", "cifar")
MAX_BLOCKS = 8
MAX_LAYERS_PER_BLOCK = 128
# The longest text any parser reads (a URL value, a text box, a CLI argument), checked before parsing:
# a hostile link can cost no more than this much work.
MAX_INPUT_CHARS = 256


class ConfigError(UserError):
    """A config value is not allowed; ``field`` names it, ``code`` (under ``error.config.``) says why."""

    def __init__(self, field_name: str, value: Any, rule: str, **limits: Any):
        self.field = field_name
        self.value = value
        super().__init__(f"config.{rule}", field=Term(f"field.{field_name}"), value=shorten(repr(value)), **limits)


def check_length(field_name: str, text: str) -> str:
    """``text`` unchanged, or ``ConfigError`` (``config.too_long``) if it is over ``MAX_INPUT_CHARS``."""
    if len(text) > MAX_INPUT_CHARS:
        raise ConfigError(field_name, text, "too_long", length=f"{len(text):,}", limit=MAX_INPUT_CHARS)
    return text


def parse_block_counts(text: str) -> tuple[int, ...]:
    """``6,12,24,16``, ``6-12-24-16`` or ``6 12 24 16`` as layer counts; ``ValueError`` for anything else.

    Between two numbers stands one ',' or '-' (spaces around it allowed) or only spaces. Split and
    per-token checks, no regular expression: the time is linear in the length, whatever the text."""
    counts = []
    for piece in text.replace("-", ",").split(","):
        tokens = piece.split()
        if not tokens or not all(tok.isdecimal() for tok in tokens):  # empty: two separators in a row
            raise ValueError(text)
        counts.extend(int(tok) for tok in tokens)
    return tuple(counts)


@dataclass(frozen=True)
class FieldSpec:
    """Everything said about one config field, once: its kind and range, its URL key, its CLI flag,
    its label (an i18n key). The sidebar, the URL state, the CLI and validation are built from these."""

    name: str
    kind: str  # "int", "float", "blocks", "choice" or "bool"
    url: str
    lo: float = 0
    hi: float = 0
    step: float = 1
    choices: tuple[str, ...] = ()
    help: bool = False  # whether an i18n "help" text exists (``field.<name>_help``)
    slider: bool = False  # the sidebar draws a slider (else a number box, text box, radio or toggle)

    @property
    def flag(self) -> str:
        return "--" + {"block_config": "blocks", "num_init_features": "init-features"}.get(
            self.name, self.name.replace("_", "-"))

    @property
    def label(self) -> str:
        return f"field.{self.name}"

    def check(self, value: Any) -> None:
        """Raise ``ConfigError`` unless ``value`` is allowed for this field."""
        if self.kind in ("int", "float"):
            types = (int,) if self.kind == "int" else (int, float)
            if isinstance(value, bool) or not isinstance(value, types) or not self.lo <= value <= self.hi:
                raise ConfigError(self.name, value, f"{self.kind}_range", lo=f"{self.lo:g}", hi=f"{self.hi:g}")
        elif self.kind == "choice" and value not in self.choices:
            raise ConfigError(self.name, value, "choice", choices=", ".join(self.choices))
        elif self.kind == "bool" and not isinstance(value, bool):
            raise ConfigError(self.name, value, "bool")
        elif self.kind == "blocks":
            if not 1 <= len(value) <= self.hi:
                raise ConfigError(self.name, value, "block_count", hi=int(self.hi))
            if any(isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_LAYERS_PER_BLOCK
                   for n in value):
                raise ConfigError(self.name, value, "block_layers", hi=MAX_LAYERS_PER_BLOCK)

    def parse(self, text: str) -> Any:
        """The one parser of this field's text form (URL value, text box, CLI argument)."""
        text = check_length(self.name, str(text)).strip()
        try:
            if self.kind == "int":
                return int(text)
            if self.kind == "float":
                value = float(text)
                if not math.isfinite(value):
                    raise ValueError
                return value
            if self.kind == "bool":
                return {"1": True, "0": False, "true": True, "false": False}[text.lower()]
            if self.kind == "blocks":
                return parse_block_counts(text)
        except (ValueError, KeyError):
            raise ConfigError(self.name, text, f"parse_{self.kind}") from None
        return text

    def format(self, value: Any) -> str:
        """The text form ``parse`` reads back (blocks joined by '-', booleans as 1/0)."""
        if self.kind == "blocks":
            return "-".join(str(v) for v in value)
        if self.kind == "bool":
            return "1" if value else "0"
        return f"{value:g}" if isinstance(value, float) else str(value)


FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    FieldSpec("growth_rate", "int", "k", 1, 64, help=True, slider=True),
    FieldSpec("block_config", "blocks", "blocks", hi=MAX_BLOCKS, help=True),
    FieldSpec("num_init_features", "int", "init", 1, 1024),
    FieldSpec("bn_size", "int", "bn", 0, 16),
    FieldSpec("compression", "float", "theta", 0.05, 1.0, 0.05, slider=True),
    FieldSpec("drop_rate", "float", "drop", 0.0, 0.9, 0.05, slider=True),
    FieldSpec("num_classes", "int", "classes", 1, 100_000),
    FieldSpec("stem", "choice", "stem", choices=STEMS),
    FieldSpec("input_size", "int", "size", 8, 1024),
    FieldSpec("memory_efficient", "bool", "mem"),
)}
MAX_INPUT_SIZE = int(FIELDS["input_size"].hi)


def spatial_after_stem(stem: str, size: int) -> int:
    """Feature-map side after the stem (torchvision's arithmetic, floor division)."""
    if stem == "imagenet":
        after_conv = (size + 2 * 3 - 7) // 2 + 1  # 7×7 conv, stride 2, padding 3
        return (after_conv + 2 * 1 - 3) // 2 + 1  # 3×3 max-pool, stride 2, padding 1
    return size  # 3×3 conv, stride 1, padding 1


def minimum_input_size(stem: str, n_blocks: int) -> int:
    """Smallest input side for which the feature map is still 1×1 after the last of ``n_blocks - 1``
    transitions (MAX_INPUT_SIZE + 1 when there is none)."""
    for size in range(int(FIELDS["input_size"].lo), MAX_INPUT_SIZE + 1):
        if spatial_after_stem(stem, size) >> (n_blocks - 1) >= 1:
            return size
    return MAX_INPUT_SIZE + 1


def transition_channels(channels: int, compression: float) -> int:
    """Channels after a transition: floor(θ·m), at least 1 (as torchvision and the paper)."""
    return max(1, int(math.floor(channels * compression + 1e-9)))


@dataclass(frozen=True)
class DenseNetConfig:
    """Everything that defines a DenseNet. Frozen and hashable: it keys caches and URLs.
    Allowed values: ``FIELDS``."""

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
                raise ConfigError("block_config", self.block_config, "parse_blocks") from None
        self._validate()

    def _validate(self) -> None:
        for spec in FIELDS.values():
            spec.check(getattr(self, spec.name))
        # The feature map must stay at least 1×1 through every transition's 2×2 average pool.
        side = spatial_after_stem(self.stem, self.input_size) >> (len(self.block_config) - 1)
        if side < 1:
            raise ConfigError("input_size", self.input_size, "input_too_small", need=self.minimum_input_size(),
                              blocks=len(self.block_config), stem=self.stem)

    def minimum_input_size(self) -> int:
        """Smallest input side that keeps a 1×1 map after the last transition."""
        return minimum_input_size(self.stem, len(self.block_config))

    def with_input_size(self, size: int) -> DenseNetConfig:
        """This config at input ``size``, or at its minimum input size if ``size`` is too small for it."""
        return self.replace(input_size=max(size, self.minimum_input_size()))

    @property
    def architecture(self) -> tuple:
        """The fields that decide the weights' shapes (not input size, dropout or checkpointing)."""
        return (self.growth_rate, self.block_config, self.num_init_features, self.bn_size, self.compression,
                self.num_classes, self.stem)

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
            raise ConfigError(unknown[0], data[unknown[0]], "unknown_field", names=", ".join(sorted(names)))
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
