"""Run the real model once with forward hooks and compare what it did with the plan."""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch.nn as nn

from .model import DenseNet, inspecting
from .plan import Plan, plan_network


@dataclass(frozen=True)
class TracedRow:
    name: str
    in_channels: int
    out_channels: int  # channels of the module's output (a dense layer: its k new maps)
    out_hw: int
    params: int


@dataclass(frozen=True)
class TraceResult:
    rows: tuple[TracedRow, ...]
    mismatches: tuple[str, ...]  # human-readable differences from the plan; empty when they agree
    forward_ms: float
    peak_memory_bytes: int | None  # CUDA only
    device: str

    @property
    def agrees(self) -> bool:
        return not self.mismatches


def _channels(x) -> int:
    if isinstance(x, (list, tuple)):
        return sum(_channels(t) for t in x)
    return int(x.shape[1])


def _module_params(model: nn.Module, name: str) -> int:
    if name == "features.pool0":  # the stem row covers conv0 and norm0
        return sum(p.numel() for n, p in model.named_parameters() if n.startswith(("features.conv0", "features.norm0")))
    prefix = name + "."
    return sum(p.numel() for n, p in model.named_parameters() if n.startswith(prefix))


@torch.no_grad()
def trace_model(model: DenseNet, plan: Plan | None = None, batch_size: int = 1) -> TraceResult:
    """One forward pass with hooks on every planned stage; returns observed shapes and any mismatch."""
    plan = plan_network(model.config) if plan is None else plan
    device = next(model.parameters()).device
    observed: dict[str, tuple[int, int, int]] = {}

    def hook_for(name: str):
        def hook(_module, args, output):
            observed[name] = (_channels(args[0]), int(output.shape[1]), int(output.shape[-1]))
        return hook

    size = plan.config.input_size
    x = torch.randn(batch_size, 3, size, size, device=device)
    # The stem row is named after its last module; its input is read at conv0 (keyed by the module itself,
    # as a row may be named "features.conv0" too).
    hooks = {r.name: hook_for(r.name) for r in plan.rows} | {model.features.conv0: hook_for("stem input")}
    with inspecting(model, hooks):
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        model(x)
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        forward_ms = (time.perf_counter() - start) * 1e3
    peak = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None

    rows, mismatches = [], []
    for r in plan.rows:
        c_in, c_out, hw = observed[r.name]
        if r.stage == "stem":
            c_in = observed["stem input"][0]  # the stem row spans conv0 .. pool0
        if r.stage == "classifier":
            hw = 1
        traced = TracedRow(r.name, c_in, c_out, hw, _module_params(model, r.name))
        rows.append(traced)
        # A dense layer's module emits only its k new maps; every other stage emits out_channels.
        out = r.new_channels if r.stage == "dense_layer" else r.out_channels
        expected = (r.in_channels, out, r.out_hw, r.params)
        got = (traced.in_channels, traced.out_channels, traced.out_hw, traced.params)
        if expected != got:
            mismatches.append(f"{r.name}: plan (in, out, H, params) = {expected}, model = {got}")
    return TraceResult(tuple(rows), tuple(mismatches), forward_ms, peak, str(device))
