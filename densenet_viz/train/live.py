"""Train it live: a DenseNet trained in front of the class on the shipped thumbnail pack, small enough for
a laptop CPU (64×64 crops, a thousand photos), with its loss and accuracy readable while it runs.

A ``LiveRun`` is one run of one configuration; it is deterministic in (config, data, seed, epochs), so a
class asking the same question can share one run. Its ``points`` grow as it trains (read them from any
thread). Who shares it are its watchers (opaque ids, e.g. session ids): ``stop(watcher)`` ends one
watcher's part, and the run itself stops (after the current step, or at once while queued) only when
nobody watches it any more; ``seen_by(watcher)`` is the run as that watcher should see it.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
import torch.nn.functional as F

from ..config import DenseNetConfig
from ..data import IMAGENET_MEAN, IMAGENET_STD, list_images, load_image
from ..hashing import sha256_hex
from ..model import build_densenet
from ..plan import plan_network
from ..weights import ASSETS

if TYPE_CHECKING:
    from ..serving import Ticket

THUMBNAILS_DIR = ASSETS / "thumbnails"
LIVE_SIZE = 64  # training and evaluation crop side
EPOCH_CHOICES = (1, 2, 4, 8)


@dataclass(frozen=True)
class LiveData:
    """The thumbnail pack in memory: uint8 (N, 3, S, S) train photos (S ≥ 64) and centre-cropped val photos."""

    classes: tuple[str, ...]
    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor  # (M, 3, 64, 64) uint8
    val_y: torch.Tensor
    key: str  # identifies the data (hash of the file list and sizes)

    def summary(self) -> str:
        return f"{len(self.train_y)} train / {len(self.val_y)} val photos, {len(self.classes)} classes"


def load_live_data(folder: str | Path = THUMBNAILS_DIR) -> LiveData:
    """Read ``folder/{train,val}/<class>/*.jpg`` into tensors."""
    folder = Path(folder)
    classes = tuple(sorted(p.name for p in (folder / "train").iterdir() if p.is_dir()))
    listing: list[str] = []

    def read(split: str) -> tuple[torch.Tensor, torch.Tensor]:
        xs, ys = [], []
        for label, name in enumerate(classes):
            for path in list_images(folder / split / name, recursive=False):
                listing.append(f"{split}/{name}/{path.name}:{path.stat().st_size}")
                xs.append(torch.from_numpy(np.asarray(load_image(path)).copy()).permute(2, 0, 1))
                ys.append(label)
        return torch.stack(xs), torch.tensor(ys)

    train_x, train_y = read("train")
    val_x, val_y = read("val")
    off = (val_x.shape[-1] - LIVE_SIZE) // 2
    val_x = val_x[:, :, off:off + LIVE_SIZE, off:off + LIVE_SIZE].contiguous()
    return LiveData(classes, train_x, train_y, val_x, val_y, sha256_hex("\n".join(listing))[:16])


def live_config(config: DenseNetConfig, n_classes: int) -> DenseNetConfig:
    """The sidebar's network, scaled to the live task: 64-px input (or its minimum), ``n_classes`` outputs."""
    return config.replace(num_classes=n_classes, memory_efficient=False, drop_rate=0.0).with_input_size(LIVE_SIZE)


@dataclass(frozen=True)
class LivePoint:
    """One step of a run: when, the running training loss and accuracy, and val accuracy at epoch ends."""

    step: int
    epoch: float  # fractional: 1.5 = half-way through the second epoch
    seconds: float
    train_loss: float
    train_acc: float
    val_acc: float | None = None


@dataclass(eq=False)  # runs are compared by identity: two equal settings are still two runs
class LiveRun:
    """One live training run; ``steps()`` is the job (sliced: one optimiser step per turn), the rest is read
    while it trains."""

    config: DenseNetConfig
    data: LiveData
    seed: int = 0
    epochs: int = 2
    batch_size: int = 32
    lr: float = 2e-3
    points: list[LivePoint] = field(default_factory=list)
    state: str = "queued"  # queued, running, done, stopped, failed
    params: int = 0  # from the channel plan until the model is built (then counted on it)
    seconds: float = 0.0
    error: str | None = None
    ticket: Ticket | None = field(default=None, repr=False)  # its place on the job executor, once submitted
    watchers: set[str] = field(default_factory=set, repr=False)
    _left: dict[str, int] = field(default_factory=dict, repr=False)  # watcher -> points it had seen on leaving
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self.params:  # a queued run already tells its size
            self.params = plan_network(self.config).params

    def watch(self, watcher: str) -> bool:
        """Count ``watcher`` among those who want this run (again, if it had stopped its part). False when
        the run cannot be joined: it failed, or it stopped or is stopping (start a new one then)."""
        with self._lock:
            if not self.joinable:
                return False
            self.watchers.add(watcher)
            self._left.pop(watcher, None)
            return True

    @property
    def joinable(self) -> bool:
        """Whether ``watch`` would succeed: the run waits, trains or is done, and nobody stopped it."""
        return not self._stop.is_set() and self.state != "failed"

    def stop(self, watcher: str | None = None) -> None:
        """End ``watcher``'s part (None: everyone's). The run stops when nobody watches it any more: after
        the current step while training, at once while queued (the executor then skips it). A finished
        run stays as it is."""
        with self._lock:
            if not self.active:
                return
            if watcher is None:
                self.watchers.clear()
            else:  # also a session that only looked at the run: its view shows it stopped
                self.watchers.discard(watcher)
                self._left[watcher] = len(self.points)
            if self.watchers:
                return
            self._stop.set()
            if self.state == "queued":
                self.state = "stopped"

    def seen_by(self, watcher: str) -> LiveRun:
        """The run itself, or, for a watcher who stopped its part, a copy frozen where it stopped (state
        "stopped", even if others trained on to the end), for drawing only."""
        seen = self._left.get(watcher)
        if seen is None:
            return self
        frozen = copy.copy(self)
        frozen.points = self.points[:seen]
        frozen.seconds = frozen.points[-1].seconds if frozen.points else 0.0
        frozen.state = "stopped"
        return frozen

    def queue_place(self) -> int:
        """How many jobs the executor serves before this run while it waits (0: next, or not waiting)."""
        ticket = self.ticket
        return ticket.position() if self.state == "queued" and ticket is not None else 0

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @property
    def val_accuracy(self) -> float | None:
        """The last measured val accuracy."""
        vals = [p.val_acc for p in self.points if p.val_acc is not None]
        return vals[-1] if vals else None

    @property
    def seconds_per_epoch(self) -> float | None:
        epochs = self.points[-1].epoch if self.points else 0
        return self.seconds / epochs if epochs else None

    def run(self) -> LiveRun:
        """Train to the end at once (see ``steps``); returns self."""
        for _ in self.steps():
            pass
        return self

    def steps(self):
        """Train (AdamW, random 64-px crops and flips, bf16 autocast where the CPU has it), one optimiser
        step per ``next()``: a generator that yields the fraction done and returns self. The job executor
        runs it a slice at a time, so a build or another run takes turns with it instead of waiting for the
        whole run."""
        from .augment import random_crop_flip
        from .step import lr_at, train_step, use_bf16

        with self._lock:
            if self._stop.is_set():  # stopped while it waited: give the trainer to the next job at once
                self.state = "stopped"
                return self
            self.state = "running"
        # The run's own compute time: while it waits for its next turn on the executor, the clock stops.
        busy, started = 0.0, time.perf_counter()
        try:
            device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
            with torch.random.fork_rng(devices=[]):  # a seeded init without disturbing other threads' streams
                torch.manual_seed(self.seed)
                model = build_densenet(self.config, device=device).to(memory_format=torch.channels_last)
            self.params = sum(p.numel() for p in model.parameters())
            opt = torch.optim.AdamW(model.parameters(), lr=self.lr, weight_decay=0.05)
            gen = torch.Generator().manual_seed(self.seed)
            mean = torch.tensor(IMAGENET_MEAN, device=device).view(1, 3, 1, 1)
            std = torch.tensor(IMAGENET_STD, device=device).view(1, 3, 1, 1)
            bf16 = use_bf16(device)
            n = len(self.data.train_y)
            per_epoch = max(1, n // self.batch_size)
            total = per_epoch * self.epochs
            step, loss_avg, acc_avg = 0, None, None
            for epoch in range(self.epochs):
                order = torch.randperm(n, generator=gen)
                model.train()
                for i in range(per_epoch):
                    if self._stop.is_set():
                        self.state = "stopped"
                        return self
                    idx = order[i * self.batch_size:(i + 1) * self.batch_size]
                    x = random_crop_flip(self.data.train_x[idx], LIVE_SIZE, gen).to(device)
                    x = ((x.float() / 255 - mean) / std).contiguous(memory_format=torch.channels_last)
                    y = self.data.train_y[idx].to(device)
                    loss, logits = train_step(model, opt, x, partial(F.cross_entropy, target=y, label_smoothing=0.1),
                                              lr_at(step, total, 0, self.lr), bf16)  # cosine to zero, no warm-up
                    step += 1
                    acc = float((logits.argmax(1) == y).float().mean())
                    loss_value = loss.item()
                    loss_avg = loss_value if loss_avg is None else 0.9 * loss_avg + 0.1 * loss_value
                    acc_avg = acc if acc_avg is None else 0.9 * acc_avg + 0.1 * acc
                    val = self._evaluate(model, mean, std, bf16) if i == per_epoch - 1 else None
                    self.seconds = busy + time.perf_counter() - started
                    self.points.append(LivePoint(step, epoch + (i + 1) / per_epoch, self.seconds, loss_avg, acc_avg,
                                                 val))
                    busy = self.seconds
                    yield step / total
                    started = time.perf_counter()
            self.state = "done"
        except Exception as exc:  # noqa: BLE001 - reported in the page; the executor goes on
            self.state, self.error = "failed", f"{type(exc).__name__}: {str(exc)[:200]}"
        finally:
            self.seconds = busy + time.perf_counter() - started
        return self

    def _evaluate(self, model, mean, std, bf16: bool) -> float:
        """Validation top-1 on the thumbnails' val split (no mirror image: a quick signal, not a score)."""
        from .step import val_top1

        return val_top1(model, self.data.val_x, self.data.val_y, flip=False, bf16=bf16, batch=100,
                        prepare=lambda x: (x.float() / 255 - mean) / std)
