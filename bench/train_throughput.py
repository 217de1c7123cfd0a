"""Training throughput: our training step against a plain torchvision DenseNet-121 step, same batch size.

- ``torchvision fp32 NCHW``: ``torchvision.models.densenet121``, fp32, default memory format, AdamW.
- ``ours``: ``densenet_viz`` DenseNet-121 as ``densenet_viz.train`` runs it: channels_last, bf16 autocast
  on CUDA (fp32 on the CPU), AdamW, soft-target cross-entropy.
- ``ours + compile``: the same under ``torch.compile`` (CUDA only; never on the interactive CPU path);
  the compile time (first steps) is reported separately.
- ``memory_efficient`` on vs off for ours: speed and peak memory.

Peak memory: ``torch.cuda.max_memory_allocated`` on CUDA; on the CPU the bytes autograd saves for backward
in one step (what a training step must keep alive), since a process's peak RSS cannot be reset.

    PYTHONPATH=. .venv/bin/python -m bench.train_throughput [--batch 64 --size 224 --steps 20]
    (on a CPU: --batch 8 --size 112 --steps 3)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class SavedBytes:
    """Counts the bytes autograd saves for backward while active (each storage once)."""

    def __init__(self):
        self.total = 0
        self._seen: set[int] = set()

    def _pack(self, t: torch.Tensor):
        try:
            key = t.untyped_storage().data_ptr()
        except (RuntimeError, NotImplementedError):
            key = id(t)
        if key not in self._seen:
            self._seen.add(key)
            self.total += t.untyped_storage().nbytes()
        return t

    def __enter__(self):
        self._ctx = torch.autograd.graph.saved_tensors_hooks(self._pack, lambda t: t)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


def make_step(kind: str, device: torch.device, classes: int, memory_efficient: bool = False,
              compile_model: bool = False):
    """A closure ``step(x, y) -> loss`` doing forward, backward and an optimizer step."""
    if kind == "torchvision":
        import torchvision

        model = torchvision.models.densenet121(num_classes=classes, memory_efficient=memory_efficient).to(device)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        model.train()

        def step(x, y):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            return loss
        return step, model

    from densenet_viz.config import PRESETS
    from densenet_viz.model import build_densenet

    config = PRESETS["densenet121"].replace(num_classes=classes, memory_efficient=memory_efficient)
    model = build_densenet(config, device=device).to(memory_format=torch.channels_last).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    net = torch.compile(model) if compile_model else model
    use_bf16 = device.type == "cuda"

    def step(x, y):
        x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            logits = net(x)
        target = F.one_hot(y, classes).float()
        loss = torch.sum(-target * F.log_softmax(logits.float(), dim=1), dim=1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss
    return step, model


def measure(step, device: torch.device, batch: int, size: int, classes: int, steps: int, warmup: int) -> dict:
    """Images per second over ``steps`` timed steps after ``warmup``, peak memory, warm-up time."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch, 3, size, size, generator=gen).to(device)
    y = torch.randint(0, classes, (batch,), generator=gen).to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def timed(n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            step(x, y)
        sync()
        return time.perf_counter() - t0

    warm_s = timed(warmup)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        peak = None
    else:
        with SavedBytes() as saved:
            step(x, y)
        peak = saved.total
    elapsed = timed(steps)
    if device.type == "cuda":
        peak = torch.cuda.max_memory_allocated(device)
    return {"img_s": batch * steps / elapsed, "step_ms": elapsed / steps * 1e3, "peak_bytes": peak,
            "warmup_s": warm_s}


def main(argv: list[str] | None = None) -> int:
    from densenet_viz.model import default_device, describe_device

    p = argparse.ArgumentParser(description="training throughput")
    p.add_argument("--batch", type=int, default=None, help="default: 64 on CUDA, 8 on the CPU")
    p.add_argument("--size", type=int, default=None, help="default: 224 on CUDA, 112 on the CPU")
    p.add_argument("--steps", type=int, default=None, help="timed steps (default: 20 on CUDA, 3 on the CPU)")
    p.add_argument("--warmup", type=int, default=None)
    p.add_argument("--classes", type=int, default=5)
    p.add_argument("--device", default=None)
    p.add_argument("--no-compile", action="store_true")
    a = p.parse_args(argv)
    device = torch.device(a.device) if a.device else default_device()
    cuda = device.type == "cuda"
    batch = a.batch or (64 if cuda else 8)
    size = a.size or (224 if cuda else 112)
    steps = a.steps or (20 if cuda else 3)
    warmup = a.warmup if a.warmup is not None else (5 if cuda else 1)
    if cuda:
        torch.backends.cudnn.benchmark = True
    mem_kind = "peak allocated (CUDA)" if cuda else "saved for backward (CPU)"
    print(f"# training throughput · {time.strftime('%Y-%m-%d %H:%M')} · {describe_device(device)} · "
          f"torch {torch.__version__}")
    print(f"# DenseNet-121, {a.classes} classes, batch {batch}, {size}×{size}, {steps} timed steps "
          f"after {warmup} warm-up; memory = {mem_kind}")
    runs = [("torchvision fp32 NCHW", "torchvision", False, False),
            ("torchvision fp32 NCHW, memory_efficient", "torchvision", True, False),
            ("ours" + (" (bf16, channels_last)" if cuda else " (fp32, channels_last)"), "ours", False, False),
            ("ours, memory_efficient", "ours", True, False)]
    if cuda and not a.no_compile:
        runs += [("ours + torch.compile", "ours", False, True)]
    results = {}
    header = f"{'variant':<44}{'img/s':>9}{'ms/step':>10}{'memory MiB':>12}{'× baseline':>12}{'warm-up s':>11}"
    print(header)
    print("-" * len(header))
    for name, kind, mem_eff, comp in runs:
        torch.manual_seed(0)
        step, model = make_step(kind, device, a.classes, mem_eff, comp)
        r = measure(step, device, batch, size, a.classes, steps, warmup)
        results[name] = r
        base = results[runs[0][0]]["img_s"]
        print(f"{name:<44}{r['img_s']:>9.1f}{r['step_ms']:>10.1f}{r['peak_bytes'] / 2**20:>12.0f}"
              f"{r['img_s'] / base:>12.2f}{r['warmup_s']:>11.1f}")
        del step, model
        if cuda:
            torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main())
