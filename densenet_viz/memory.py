"""What DenseNets cost in memory, planned and measured: activation memory against depth for naive and
shared (memory-efficient) storage, real models measured on the CPU (bytes autograd saves) or on a GPU
(peak of a training step), and the exact peak of CPU allocations of any work (``profiled_peak_bytes``,
what the memory budget's estimates are checked against). Admission by the budget (``budget.admit``)
happens where work is submitted; ``measurement_estimate`` is what a measurement asks for."""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch.nn as nn

from .budget import measurement_bytes
from .config import MAX_LAYERS_PER_BLOCK, DenseNetConfig
from .errors import UserError
from .model import DenseLayer, build_densenet, default_device, inspecting
from .plan import plan_network

DEPTH_SCALES = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
CPU_MEASURE_SCALES = (0.25, 0.5, 1.0)  # building and running 4× deeper models takes minutes on 2 cores


def scaled_config(config: DenseNetConfig, scale: float) -> DenseNetConfig:
    """``config`` with every block's layer count multiplied by ``scale`` (kept within the allowed 1 … 128)."""
    blocks = tuple(min(MAX_LAYERS_PER_BLOCK, max(1, round(n * scale))) for n in config.block_config)
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

    layers = {m: pre_hook for m in model.modules() if isinstance(m, DenseLayer)}
    with (inspecting(model, pre_hooks=layers, training=True), torch.enable_grad(),
          torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t)):
        out = model(x)
        total = sum(storages.values())
        del out
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


def _measure_settings(device, scales, budget_gmacs) -> tuple[torch.device, tuple[float, ...], float]:
    """The device a measurement runs on (MPS: the CPU) and the defaults of its scales and compute budget."""
    device = default_device() if device is None else torch.device(device)
    if device.type == "mps":
        device = torch.device("cpu")
    cuda = device.type == "cuda"
    if budget_gmacs is None:
        budget_gmacs = 2000.0 if cuda else 12.0
    if scales is None:
        scales = DEPTH_SCALES if cuda else CPU_MEASURE_SCALES
    return device, tuple(scales), float(budget_gmacs)


def points_to_measure(config: DenseNetConfig, batch_size: int, scales: tuple[float, ...],
                      budget_gmacs: float) -> tuple[list[MemoryPoint], int]:
    """The points of ``memory_curve`` a measurement builds, shallow to deep until their forward cost
    (two models each) would pass ``budget_gmacs`` (the shallowest always), and how many it skips."""
    spent, chosen = 0.0, []
    curve = memory_curve(config, batch_size, "float32", scales)
    for p in curve:
        cost = 2 * p.macs * batch_size / 1e9
        if chosen and spent + cost > budget_gmacs:
            break
        spent += cost
        chosen.append(p)
    return chosen, len(curve) - len(chosen)


def measurement_estimate(config: DenseNetConfig, batch_size: int = 2, scales: tuple[float, ...] | None = None,
                         device: str | torch.device | None = None, budget_gmacs: float | None = None) -> int:
    """Bytes ``measure_memory`` with the same arguments needs at its peak (``budget.measurement_bytes``)."""
    device, scales, budget_gmacs = _measure_settings(device, scales, budget_gmacs)
    chosen, _skipped = points_to_measure(config, batch_size, scales, budget_gmacs)
    plans = [plan_network(config.replace(block_config=p.block_config)) for p in chosen]
    return measurement_bytes(plans, batch_size, backward=device.type == "cuda")


def measure_memory(config: DenseNetConfig, batch_size: int = 2, scales: tuple[float, ...] | None = None,
                   device: str | torch.device | None = None, budget_gmacs: float | None = None) -> MeasuredMemory:
    """Measure activation memory for the configs of ``memory_curve``, naive and memory-efficient.

    On CUDA: the peak allocated during a training step. Elsewhere: the bytes autograd saves for
    backward (forward only). ``scales`` defaults to all of ``DEPTH_SCALES`` on a GPU and to
    ``CPU_MEASURE_SCALES`` elsewhere. Points are measured shallow to deep until their forward cost
    would pass ``budget_gmacs`` (default 12 GMACs on a CPU, 2000 on a GPU); the rest are skipped.
    """
    device, scales, budget_gmacs = _measure_settings(device, scales, budget_gmacs)
    cuda = device.type == "cuda"
    if not trainable_batch(config, batch_size):
        raise UserError("memory.bn_batch")
    start = time.perf_counter()
    chosen, skipped = points_to_measure(config, batch_size, scales, budget_gmacs)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch_size, 3, config.input_size, config.input_size, generator=gen).to(device)
    points = []
    for p in chosen:
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


def profiled_peak_bytes(fn) -> tuple[int, object]:
    """(peak of CPU bytes allocated while ``fn()`` runs, above what was allocated before, and its result).

    Exact, not sampled: the torch profiler records every allocation and free of the CPU allocator; the
    running sum of those events, in time order, peaks where the work held the most tensor memory at once.
    (Resident memory would add the allocator's slack and move with everything else in the process.)
    """
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        result = fn()
    events = [e for e in prof.profiler.kineto_results.events()
              if e.name() == "[memory]" and str(e.device_type()).endswith("CPU")]
    # In time order; at equal times allocations first, so a tie can only raise the peak.
    events.sort(key=lambda e: (e.start_ns(), -e.nbytes()))
    held = peak = 0
    for e in events:
        held += e.nbytes()
        peak = max(peak, held)
    return peak, result


def measured_vs_plan(measured: MeasuredMemory, curve: list) -> list[tuple]:
    """Rows (depth, block config, measured naive, planned naive, measured shared, planned shared) in bytes,
    matching each measured point to the plan's point of the same depth."""
    planned = {p.depth: p for p in curve}
    return [(p.depth, p.block_config, p.naive_bytes, planned[p.depth].naive_bytes, p.shared_bytes,
             planned[p.depth].shared_bytes) for p in measured.points]
