"""One memory budget for every heavy action: estimates that are upper bounds, and a process-wide ledger.

Estimates are pure functions of a ``Plan`` and a batch size (no torch here, no streamlit): what a no-grad
forward (``inference_bytes``), a Grad-CAM pass (``explain_bytes``), a walkthrough (``walkthrough_bytes``), a
training step with AdamW (``training_bytes``) and ``memory.measure_memory`` (``measurement_bytes``) hold at
their peak. They count float32 tensors per op, as the model really runs: a dense layer keeps its block's
feature maps, concatenates them into a fresh tensor, normalises and rectifies copies of it, and a
convolution needs a workspace (see ``_conv_workspace``). Training and Grad-CAM keep what autograd saves
for backward, then hold the backward pass's gradients on top. A test checks each of them against the peak
of allocated bytes the torch profiler records, over random small configs (tests/unit/test_memory_budget.py);
``bench/memory_estimate.py`` checks a few large ones against the process's resident memory.

Every estimate adds ``OVERHEAD_BYTES`` for what no tensor count sees (allocator slack, oneDNN's primitive
caches, the first use of a kernel). ``admit`` then reserves an estimate against one limit per device,
minus what running work holds already, and refuses with both numbers (``MemoryRefused``) when it does not fit.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from .errors import UserError
from .plan import Plan, PlanRow, format_bytes

FLOAT_BYTES = 4  # estimates count float32 (bf16 autocast only makes activations smaller)
# Measured with ``bench.memory_estimate --quick`` on the 2-core VM: a fresh process's resident memory grew by
# up to 204 MiB more than the profiler's peak of allocated bytes (a bf16 training step of a tiny model:
# 221.8 MiB resident against 17.6 MiB allocated; the measurement: 196.3 against 7.9): oneDNN's kernels and
# caches, glibc's arenas, first-use buffers. Rounded up.
OVERHEAD_BYTES = 256 * 2**20
RAM_SHARE = 0.5  # of the RAM available when the limit is decided: the rest is for the server itself
CUDA_SHARE = 0.8  # of the CUDA memory free when the limit is decided (a GPU is ours alone)
# The op-by-op count leaves out a few small buffers, and one config's profiled peak moved by 0.2% between
# runs; the closest estimate over 50 random configs was 1.002× the real peak before this margin.
MARGIN = 1.05
LIMIT_ENV = "DENSENET_VIZ_MEMORY_LIMIT_MB"  # overrides the decided limit, in MiB
UNFOLD_LIMIT = 20480  # ATen's own 3×3 convolution (not oneDNN) runs one image of at most this many values


def _conv_workspace(channels: int, hw: int, out_channels: int, kernel: int, batch_size: int) -> int:
    """Floats per image a convolution allocates besides its output. ATen picks its own kernel for a 3×3
    conv of one small image (``batch == 1`` and ``C·H·W <= 20480``, aten's ``use_mkldnn``): it unfolds the
    input nine times over (im2col). Everything else goes to oneDNN, which may reorder the input and the
    output into its blocked layout (measured: one copy of the input)."""
    if kernel == 3 and batch_size == 1 and channels * hw <= UNFOLD_LIMIT:
        return 9 * channels * hw
    return (channels + out_channels) * hw


def _pad16(channels: int) -> int:
    return -(-channels // 16) * 16


def _weight_copy(plan: Plan) -> int:
    """Floats of oneDNN's copy of the largest conv weight, reordered per call with channels padded to 16
    (measured: a 12×48×3×3 weight became 6,912 floats); the stem's three colours are not padded."""
    cfg = plan.config
    sizes = [_pad16(cfg.num_init_features) * 3 * (49 if cfg.stem == "imagenet" else 9)]
    sizes += [_pad16(r.new_channels) * _pad16(r.in_channels) for r in plan.transitions]
    for r in plan.dense_layers:
        if r.bottleneck_channels:
            sizes += [_pad16(r.bottleneck_channels) * _pad16(r.in_channels),
                      _pad16(r.new_channels) * _pad16(r.bottleneck_channels) * 9]
        else:
            sizes.append(_pad16(r.new_channels) * _pad16(r.in_channels) * 9)
    return max(sizes)


@dataclass(frozen=True)
class _Costs:
    """Per-image float counts of a plan: forward peak, what training saves, backward's extra peak."""

    input: int  # the input batch itself
    forward_peak: int  # live at the worst moment of a no-grad forward (input excluded)
    saved: int  # what autograd keeps for backward after a training forward
    saved_after_block1: int  # the part of ``saved`` after the first block (Grad-CAM's graph starts there)
    backward_peak: int  # gradients and workspaces live at the worst moment of backward (besides ``saved``)
    stage_outputs: int  # every stage's output (a walkthrough keeps them; Grad-CAM takes their gradients)


def _dense_layer(r: PlanRow, batch_size: int) -> tuple[int, int, int]:
    """(forward transient, saved, backward transient) of one dense layer, besides its block's kept maps."""
    hw, c, m, k = r.out_hw * r.out_hw, r.in_channels, r.bottleneck_channels, r.new_channels
    if m:  # cat → BN → ReLU → 1×1 conv → BN → ReLU → 3×3 conv; conv1's output stays referenced to the end
        ws1 = _conv_workspace(c, hw, m, 1, batch_size) // hw
        ws2 = _conv_workspace(m, hw, k, 3, batch_size) // hw
        forward = max(3 * c, c + m + ws1, 3 * m, 2 * m + k + ws2)
        saved = 2 * c + 2 * m + k  # concatenation (BN input), ReLU output, conv1 output, ReLU output, new maps
        backward = max(3 * c + 2 * m + ws1, 4 * m + k + ws2)
    else:  # cat → BN → ReLU → 3×3 conv
        ws = _conv_workspace(c, hw, k, 3, batch_size) // hw
        forward = max(3 * c, 2 * c + k + ws)
        saved = 2 * c + k
        backward = 3 * c + 2 * k + ws
    return forward * hw, saved * hw, backward * hw


def _costs(plan: Plan, batch_size: int) -> _Costs:
    cfg = plan.config
    size = cfg.input_size
    peak = saved = backward = outputs = early = 0
    block_out = {r.block: r.out_channels for r in plan.dense_layers}  # the last layer of each block wins
    for r in plan.rows:
        hw_in, hw_out = r.in_hw * r.in_hw, r.out_hw * r.out_hw
        outputs += r.act_elems
        if r.stage == "stem":
            if cfg.stem == "imagenet":  # 7×7/2 conv → BN → ReLU → 3×3/2 max-pool (output and int64 indices)
                side = (size + 6 - 7) // 2 + 1
                conv = r.new_channels * side * side
                ws = _conv_workspace(3, size * size, 0, 7, batch_size) + conv
                peak = max(peak, conv + ws, 3 * conv, conv + 3 * r.act_elems)
                saved += 2 * conv + 3 * r.act_elems
                backward = max(backward, 3 * conv + ws + r.act_elems)
            else:  # one 3×3 conv
                ws = _conv_workspace(3, hw_out, r.new_channels, 3, batch_size)
                peak = max(peak, r.act_elems + ws)
                saved += r.act_elems
                backward = max(backward, 2 * r.act_elems + ws)
        elif r.stage == "dense_layer":
            forward, kept, back = _dense_layer(r, batch_size)
            c_out = block_out[r.block] * hw_out
            peak = max(peak, r.in_channels * hw_out + forward, 2 * c_out)  # the block's maps; its final cat
            saved += kept + (2 * r.act_elems if cfg.drop_rate > 0 else 0)  # dropout: its output and mask
            backward = max(backward, 2 * c_out + back)  # the block output's gradient and each map's sum
        elif r.stage == "transition":  # BN → ReLU → 1×1 conv → 2×2 avg-pool, input kept by the caller
            c, o = r.in_channels * hw_in, r.new_channels * hw_in
            ws = _conv_workspace(r.in_channels, hw_in, r.new_channels, 1, batch_size)
            peak = max(peak, 3 * c, 2 * c + o + ws, c + o + r.act_elems)
            saved += 2 * c + o + r.act_elems
            backward = max(backward, 3 * c + 2 * o + ws + r.act_elems)
        elif r.stage == "norm":  # norm5 → final ReLU → global pool
            peak = max(peak, 3 * r.act_elems)
            saved += 2 * r.act_elems + r.out_channels
            backward = max(backward, 3 * r.act_elems)
        else:  # classifier: pooled vector in, logits out
            peak = max(peak, r.in_channels * (hw_in + 1) + r.out_channels)
            saved += r.in_channels + 2 * r.out_channels
            backward = max(backward, 2 * r.in_channels + 2 * r.out_channels)
        if r.stage == "stem" or r.stage == "dense_layer" and r.block == 1:
            early = saved  # what the stem and the first block save
    return _Costs(3 * size * size, peak, saved, saved - early, backward, outputs)


def weight_floats(plan: Plan) -> int:
    """Parameters plus batch-norm running statistics (two per normalised channel)."""
    bn_channels = sum(r.in_channels for r in plan.dense_layers) + sum(r.bottleneck_channels for r in plan.dense_layers)
    bn_channels += sum(r.in_channels for r in plan.transitions) + plan.final_channels
    if plan.config.stem == "imagenet":
        bn_channels += plan.config.num_init_features
    return plan.params + 2 * bn_channels


def _total(floats: int, overhead: bool) -> int:
    return int(FLOAT_BYTES * floats * MARGIN) + (OVERHEAD_BYTES if overhead else 0)


SMALL_FLOATS_PER_STAGE = 16  # batch-norm statistics, shapes and other small tensors each op allocates


def _model(plan: Plan, weights: bool) -> int:
    """The model's floats when it is built for the work (not when it is resident already), plus the one
    reordered weight copy any forward makes and the small tensors of its ops."""
    small = SMALL_FLOATS_PER_STAGE * len(plan.rows)
    return (weight_floats(plan) if weights else 0) + _weight_copy(plan) + small


def inference_bytes(plan: Plan, batch_size: int = 1, weights: bool = True, overhead: bool = True) -> int:
    """A no-grad forward of ``batch_size`` images: weights (unless ``weights=False``: a model already
    resident) plus the input and the activations live at the forward's worst moment."""
    c = _costs(plan, batch_size)
    return _total(_model(plan, weights) + batch_size * (c.input + c.forward_peak), overhead)


def explain_bytes(plan: Plan, batch_size: int = 1, weights: bool = False, overhead: bool = True) -> int:
    """One Grad-CAM batch (``explain.explain_batch`` with test-time flip): a forward that keeps its graph,
    a mirrored forward beside it, then the gradients of every stage output. The model is resident already."""
    c = _costs(plan, batch_size)
    per_image = 2 * c.input + c.saved_after_block1 + c.stage_outputs + max(c.forward_peak, c.backward_peak)
    return _total(_model(plan, weights) + batch_size * per_image, overhead)


def walkthrough_bytes(plan: Plan, weights: bool = False, overhead: bool = True) -> int:
    """Follow a flower: one hooked forward that keeps every stage's output, then a mirrored forward."""
    c = _costs(plan, 1)
    return _total(_model(plan, weights) + 2 * c.input + c.stage_outputs + c.forward_peak, overhead)


OPTIMIZER_FLOATS = {"adamw": 4, "sgd": 2, "none": 1}  # per parameter: its gradient, state, one temporary


def training_bytes(plan: Plan, batch_size: int, optimizer: str = "adamw", overhead: bool = True) -> int:
    """One training step of a model built for it: weights, gradients, the optimizer's state and its
    update's temporaries, bf16 copies of the weights under autocast, reordered weights and weight
    gradients, the activations autograd saves and backward's extra peak."""
    c = _costs(plan, batch_size)
    floats = _model(plan, True) + _weight_copy(plan) + (OPTIMIZER_FLOATS[optimizer] * plan.params + plan.params // 2)
    return _total(floats + batch_size * (c.input + c.saved + max(c.forward_peak, c.backward_peak)), overhead)


def measurement_bytes(plans: list[Plan], batch_size: int, backward: bool, overhead: bool = True) -> int:
    """``memory.measure_memory`` over ``plans``: for each, a naive and a memory-efficient model each run a
    training forward that keeps its graph, plus backward and gradients when ``backward`` (the CUDA
    measurement). Counted as if both models and both graphs of every point were alive at once: the profiled
    peak showed the first graph's tensors still there during the second model's forward, and the earlier
    points' too (DenseNet-121 at 128 px, batch 2, three points: 297 MiB allocated at the peak against
    255 MiB counted for the deepest point alone)."""
    total = 0
    for plan in plans:
        c = _costs(plan, batch_size)
        floats = 2 * _model(plan, True) + batch_size * (c.input + 2 * c.saved + c.forward_peak)
        if backward:
            floats += _weight_copy(plan) + plan.params + batch_size * c.backward_peak
        total += floats
    return _total(total, overhead)


# ------------------------------------------------------------------------------------------- the ledger
class MemoryRefused(UserError):
    """Work that would need more memory than its device may give it now; the message says how much of each:
    more than the whole limit ("memory.refused"), or more than is left while other work runs ("memory.busy")."""

    def __init__(self, needed: int, allowed: int, limit: int, device: str, work: str):
        self.needed, self.allowed, self.limit, self.device, self.work = needed, max(0, allowed), limit, device, work
        if needed > limit or allowed >= limit:
            super().__init__("memory.refused", estimate=format_bytes(needed), limit=format_bytes(limit), device=device)
        else:
            super().__init__("memory.busy", needed=format_bytes(needed), allowed=format_bytes(self.allowed),
                             limit=format_bytes(limit), device=device, running=format_bytes(limit - allowed))


@dataclass(eq=False)
class Reservation:
    """Bytes held in a ledger until ``release()`` (idempotent; also on leaving a ``with`` block)."""

    ledger: Ledger = field(repr=False)
    nbytes: int
    work: str
    key: object = None
    released: bool = False

    def release(self) -> None:
        self.ledger._release(self)

    def for_job(self, submit):
        """Queue a job with ``submit()`` (returns its ``Ticket``) and hold this reservation until the job's
        future is done, however it ends (a cached result: at once). A refused submit releases it."""
        try:
            ticket = submit()
        except BaseException:
            self.release()
            raise
        ticket.future.add_done_callback(lambda _future: self.release())
        return ticket

    def __enter__(self) -> Reservation:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class Ledger:
    """The bytes reserved on one device against its limit. Reservations with the same ``key`` share their
    bytes (equal requests share one computation too); the bytes return when the last of them is released."""

    def __init__(self, limit_bytes: int, device: str):
        self.limit, self.device = int(limit_bytes), device
        self._lock = threading.Lock()
        self._held: dict[object, list] = {}  # key -> [bytes, holders]

    def reserved(self) -> int:
        with self._lock:
            return sum(b for b, _ in self._held.values())

    def admit(self, estimate_bytes: int, work: str, key: object = None) -> Reservation:
        """Reserve ``estimate_bytes`` for ``work`` or raise ``MemoryRefused`` (needed and allowed)."""
        estimate_bytes = int(estimate_bytes)
        with self._lock:
            if key is not None and key in self._held:
                self._held[key][1] += 1
                return Reservation(self, 0, work, key)
            allowed = self.limit - sum(b for b, _ in self._held.values())
            if estimate_bytes > allowed:
                raise MemoryRefused(estimate_bytes, allowed, self.limit, self.device, work)
            token = key if key is not None else object()
            self._held[token] = [estimate_bytes, 1]
            return Reservation(self, estimate_bytes, work, token)

    def _release(self, reservation: Reservation) -> None:
        with self._lock:
            if reservation.released:
                return
            reservation.released = True
            entry = self._held.get(reservation.key)
            if entry is not None:
                entry[1] -= 1
                if entry[1] <= 0:
                    del self._held[reservation.key]


def ram_available_bytes() -> int:
    """RAM the kernel says can be had (MemAvailable, within a cgroup's limit when there is one)."""
    available = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
    except OSError:
        pass
    if available is None:
        try:
            available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):  # not on this platform: assume a small machine
            available = 2 * 2**30
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as f:
            cap = f.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as f:
            used = int(f.read().strip())
        if cap.isdigit():
            available = min(available, int(cap) - used)
    except (OSError, ValueError):
        pass
    return available


def default_limit_bytes(device: str, available_bytes: int | None = None) -> int:
    """The limit a device's ledger gets: ``$DENSENET_VIZ_MEMORY_LIMIT_MB`` if set, else a share of its
    memory available now (``available_bytes`` stands in for the machine's, for a test)."""
    override = os.environ.get(LIMIT_ENV, "").strip()
    if override:
        return int(float(override) * 2**20)
    if device.startswith("cuda"):
        if available_bytes is None:
            import torch

            available_bytes, _total = torch.cuda.mem_get_info(torch.device(device))
        return int(available_bytes * CUDA_SHARE)
    return int((ram_available_bytes() if available_bytes is None else available_bytes) * RAM_SHARE)


_ledgers: dict[str, Ledger] = {}
_ledgers_lock = threading.Lock()


def ledger_device(device: str) -> str:
    """The memory a device draws on: one GPU's ("cuda:0"), or the machine's RAM ("cpu"; MPS shares it)."""
    device = str(device)
    if device.startswith("cuda"):
        return device if ":" in device else "cuda:0"
    return "cpu"


def ledger(device: str = "cpu") -> Ledger:
    """The process's ledger for ``device``, its limit decided on first use."""
    name = ledger_device(device)
    with _ledgers_lock:
        if name not in _ledgers:
            _ledgers[name] = Ledger(default_limit_bytes(name), name)
        return _ledgers[name]


def admit(estimate_bytes: int, work: str, device: str = "cpu", key: object = None) -> Reservation:
    """Reserve ``estimate_bytes`` on ``device`` for ``work`` (a name for logs); ``MemoryRefused`` when it
    exceeds the limit minus what running work holds. Release it when the work ends (``with``, ``release()``
    or ``for_job``); requests with an equal ``key`` (one shared computation) share one reservation."""
    return ledger(device).admit(estimate_bytes, work, key)


@contextmanager
def limit_for_tests(limit_bytes: int, device: str = "cpu"):
    """A fresh ledger for ``device`` with ``limit_bytes`` while the block runs (the old one after)."""
    name = ledger_device(device)
    with _ledgers_lock:
        before = _ledgers.get(name)
        _ledgers[name] = fresh = Ledger(limit_bytes, name)
    try:
        yield fresh
    finally:
        with _ledgers_lock:
            if before is None:
                _ledgers.pop(name, None)
            else:
                _ledgers[name] = before


__all__ = [
    "OVERHEAD_BYTES", "inference_bytes", "explain_bytes", "walkthrough_bytes", "training_bytes",
    "measurement_bytes", "weight_floats", "MemoryRefused", "Reservation", "Ledger", "ledger", "admit",
    "default_limit_bytes", "ram_available_bytes", "limit_for_tests",
]
