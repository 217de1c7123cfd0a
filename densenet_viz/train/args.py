"""The training recipe: one frozen, validated dataclass (the CLI's ``train`` flags map onto it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from ..config import PRESETS, ConfigError, check_length

OPTIMIZERS = ("sgd", "adamw")
AUGMENTS = ("none", "trivial")


@dataclass(frozen=True)
class TrainArgs:
    """Everything that decides a training run. Sizes are crop sides in pixels; fractions are of all epochs."""

    data: str  # a folder with train/ (and val/) class folders, or one class folder to split
    out: str = "assets/models/flowers-densenet121.safetensors"
    preset: str = "densenet121"
    epochs: int = 30
    batch_size: int = 64
    optimizer: str = "sgd"  # SGD with Nesterov momentum, or AdamW
    lr: float = 0.1
    momentum: float = 0.9
    weight_decay: float = 5e-4  # never applied to BN weights or biases
    warmup_epochs: float = 2.0
    label_smoothing: float = 0.1
    train_size: int = 112  # crop side at the start of training
    final_train_size: int | None = None  # progressive resizing: reached at ramp_end (None: no ramp)
    ramp_start: float = 0.5
    ramp_end: float = 0.85
    eval_size: int = 192  # side used on val and in the app (larger than train: FixRes)
    min_scale: float = 0.25  # random-resized-crop area range [min_scale, 1]
    augment: str = "trivial"  # per-photo TrivialAugment (Müller & Hutter 2021) after crop and flip
    mixup: float = 0.0  # Beta(α, α) for mixup; 0 turns it off
    cutmix: float = 0.0
    mix_prob: float = 0.5  # share of batches that get mixup or CutMix
    mix_off: float = 0.1  # no mixing in this last share of the epochs
    ema: float = 0.0  # EMA decay of the weights; 0 turns it off
    ood_data: str | None = None  # class-less folder of other photos for outlier exposure (Hendrycks et al. 2019)
    ood_batch: int = 0  # outlier photos added to each batch (their target is the uniform distribution)
    ood_weight: float = 0.5  # weight of their loss
    synthetic_share: float = 0.25  # share of the outlier slots filled with generated non-photos
    val_split: float = 0.15  # used when the data folder has no val/ sub-folder
    eval_every: int = 1  # evaluate on val every N epochs (and every epoch in the last 10 %)
    seed: int = 0
    device: str | None = None
    max_steps: int | None = None  # stop early (tests, smoke runs)
    checkpoint_dir: str | None = None
    resume: bool = False
    init_weights: str | None = None  # start from this model (same architecture and classes): a second schedule
    tta_flip: bool = True
    progress: bool = True
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(self.notes))
        self._validate()

    def _validate(self) -> None:
        def whole(name: str, lo: int = 1, hi: int = 10**7) -> None:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ConfigError(name, v, "int_range", lo=lo, hi=hi)

        def number(name: str, lo: float, hi: float, open_low: bool = False) -> None:
            v = getattr(self, name)
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and (v > lo if open_low else v >= lo)
            if not ok or not v <= hi:
                raise ConfigError(name, v, "float_range", lo=f"{lo:g}" + ("+" if open_low else ""), hi=f"{hi:g}")

        for f in fields(self):  # paths and names: no text over config.MAX_INPUT_CHARS, before any other check
            for text in (getattr(self, f.name) if f.name == "notes" else (getattr(self, f.name),)):
                if isinstance(text, str):
                    check_length(f.name, text)
        if self.preset not in PRESETS:
            raise ConfigError("preset", self.preset, "preset", choices=", ".join(PRESETS))
        for name, options in (("optimizer", OPTIMIZERS), ("augment", AUGMENTS)):
            if getattr(self, name) not in options:
                raise ConfigError(name, getattr(self, name), "choice", choices=", ".join(options))
        whole("epochs", 1, 100_000)
        whole("batch_size", 1, 65_536)
        whole("train_size", 16, 1024)
        whole("eval_size", 16, 1024)
        if self.final_train_size is not None:
            whole("final_train_size", 16, 1024)
        whole("ood_batch", 0, 65_536)
        whole("eval_every", 1, 100_000)
        whole("seed", 0, 2**31 - 1)
        if self.max_steps is not None:
            whole("max_steps", 1, 10**9)
        number("lr", 0.0, 10.0, open_low=True)
        number("min_scale", 0.0, 1.0, open_low=True)
        for name, hi in (("momentum", 0.999), ("weight_decay", 1.0), ("warmup_epochs", 100_000.0),
                         ("label_smoothing", 0.99), ("mixup", 100.0), ("cutmix", 100.0), ("mix_prob", 1.0),
                         ("mix_off", 1.0), ("ema", 0.99999), ("ood_weight", 100.0), ("synthetic_share", 1.0),
                         ("val_split", 0.9), ("ramp_start", 1.0), ("ramp_end", 1.0)):
            number(name, 0.0, hi)
        if self.ramp_end < self.ramp_start:
            raise ConfigError("ramp_end", self.ramp_end, "ramp_order")
        if self.ood_batch and self.ood_data is None and self.synthetic_share <= 0:
            raise ConfigError("ood_batch", self.ood_batch, "outliers_need_source")

    def replace(self, **changes: Any) -> TrainArgs:
        """A validated copy with ``changes`` applied."""
        return replace(self, **changes)

    def recipe(self) -> dict[str, Any]:
        """The fields that decide the result (paths, logging and resumption left out), for the card."""
        skip = {"data", "out", "notes", "progress", "checkpoint_dir", "resume", "device", "ood_data", "init_weights"}
        return {k: v for k, v in asdict(self).items() if k not in skip}

    def size_at(self, epoch: int) -> int:
        """Training crop side in ``epoch`` (0-based): a linear ramp in 16-px steps (progressive resizing)."""
        if self.final_train_size is None or self.final_train_size == self.train_size:
            return self.train_size
        start, end = self.ramp_start * self.epochs, self.ramp_end * self.epochs
        t = 0.0 if epoch < start else 1.0 if epoch >= end or end <= start else (epoch - start) / (end - start)
        side = self.train_size + t * (self.final_train_size - self.train_size)
        return int(round(side / 16) * 16) if 0 < t < 1 else int(round(side))

    def mixing_on(self, epoch: int) -> bool:
        """Mixup/CutMix is switched off for the last ``mix_off`` share of the epochs."""
        return (self.mixup > 0 or self.cutmix > 0) and epoch < self.epochs * (1 - self.mix_off)

    def evaluates_at(self, epoch: int) -> bool:
        """Whether val is measured after ``epoch`` (0-based)."""
        return (epoch + 1) % self.eval_every == 0 or epoch + 1 >= self.epochs * 0.9 or epoch + 1 == self.epochs

