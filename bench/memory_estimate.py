"""The memory budget's estimates against real peaks, for a few large workloads.

Each workload runs twice, each time in a fresh process (spawned, so nothing else is resident):

- ``rss``: the process's peak resident memory (``resource.getrusage``'s ``ru_maxrss``) after the work,
  minus the peak before it (imports, data and any resident model already loaded);
- ``profiled``: the peak of bytes held by the CPU allocator during the work (``memory.profiled_peak_bytes``).

and prints estimate / real for each. The estimate should be above both; ``rss`` minus ``profiled`` is what
``budget.OVERHEAD_BYTES`` must cover. Workloads: DenseNet-121 at 224 px built and run at batch 1 and 8
(``inference_bytes``), the shipped model's Grad-CAM batch of 8 (``explain_bytes``), a live-training step
at 64 px and batch 32 (``training_bytes``) and the Why page's measurement at 128 px (``measurement_bytes``).

    PYTHONPATH=. .venv/bin/python -m bench.memory_estimate [--quick] [--threads 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _workload(kind: str, quick: bool):
    """(estimate in bytes, the work to measure) for one workload; setup here is not measured."""
    import torch
    import torch.nn.functional as F

    from densenet_viz.budget import explain_bytes, inference_bytes, training_bytes
    from densenet_viz.config import PRESETS, DenseNetConfig
    from densenet_viz.explain import explain_batch
    from densenet_viz.memory import measure_memory, measurement_estimate
    from densenet_viz.model import build_densenet, cam_layer_names
    from densenet_viz.plan import plan_network
    from densenet_viz.trace import trace_model
    from densenet_viz.train.live import live_config

    big = PRESETS["densenet121"].replace(input_size=224)
    config = DenseNetConfig(growth_rate=6, block_config=(2, 3), num_init_features=8, num_classes=5,
                            input_size=32, stem="cifar") if quick else big
    name, _, batch = kind.partition(":")
    batch = int(batch or 1)
    if name == "inference":
        return inference_bytes(plan_network(config), batch), lambda: trace_model(
            build_densenet(config, device="cpu"), batch_size=batch)
    if name == "explain":
        if quick:
            model = build_densenet(config, device="cpu").eval()
        else:
            from densenet_viz.weights import SHIPPED_MODEL, load_model

            model, card = load_model(SHIPPED_MODEL)
            config = card.config.replace(input_size=card.preprocessing.input_size)
        x = torch.randn(batch, 3, config.input_size, config.input_size)
        return explain_bytes(plan_network(config), batch), lambda: explain_batch(
            model.eval(), x, cam_layer_names(config), flip=True)
    if name == "train":
        from densenet_viz.train.loop import use_bf16

        live = live_config(config, 5)

        def step():
            model = build_densenet(live, device="cpu").to(memory_format=torch.channels_last)
            opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05)
            x = torch.randn(batch, 3, live.input_size, live.input_size).contiguous(memory_format=torch.channels_last)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16(torch.device("cpu"))):
                logits = model(x).float()
            F.cross_entropy(logits, torch.zeros(batch, dtype=torch.long), label_smoothing=0.1).backward()
            opt.step()

        return training_bytes(plan_network(live), batch), step
    if name == "measure":
        mid = config if quick else config.replace(input_size=128)
        return measurement_estimate(mid, batch, device="cpu"), lambda: measure_memory(mid, batch, device="cpu")
    raise ValueError(kind)


def _run(kind: str, quick: bool, mode: str, threads: int, out) -> None:
    import torch

    from densenet_viz.memory import profiled_peak_bytes

    torch.set_num_threads(threads)
    estimate, work = _workload(kind, quick)
    if mode == "profiled":
        real, _ = profiled_peak_bytes(work)
    else:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        work()
        real = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024  # Linux: KiB
    out.put((estimate, real))


def measure(kind: str, quick: bool, mode: str, threads: int) -> tuple[int, int]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_run, args=(kind, quick, mode, threads, out))
    proc.start()
    result = out.get()
    proc.join()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one tiny model for every workload (a smoke test)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    kinds = ["inference:1", "inference:8", "explain:8", "train:32", "measure:2"]
    if args.quick:
        kinds = ["inference:1", "explain:2", "train:4", "measure:2"]
    mib = 2**20
    print(f"{'workload':<14}{'estimate MiB':>14}{'profiled MiB':>14}{'RSS MiB':>10}{'est/prof':>10}{'est/RSS':>9}")
    for kind in kinds:
        estimate, profiled = measure(kind, args.quick, "profiled", args.threads)
        _, rss = measure(kind, args.quick, "rss", args.threads)
        print(f"{kind:<14}{estimate / mib:>14.1f}{profiled / mib:>14.1f}{rss / mib:>10.1f}"
              f"{estimate / max(profiled, 1):>10.2f}{estimate / max(rss, 1):>9.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
