"""How much one session's heavy work delays another session's single explanation, with the shipped model
and the app's own serving objects (the inference worker and the job executor, as ``ui.workers`` makes them).

Session B uploads a new photo (a cache miss each time) and waits for its explanation, first on an idle
server, then while session A runs each heavy action: an occlusion sweep at the smallest square (on the
inference worker, sliced), a build + trace of a large configuration, a memory measurement and a live
training run (on the job executor). Goal (issue 29): B's latency ≤ 2 × idle + 1 s while any of them runs.

    PYTHONPATH=. .venv/bin/python -m bench.isolation [--samples 5] [--quick]
"""

from __future__ import annotations

import argparse
import io
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from bench.harness import make_photo, percentile  # noqa: E402


def _photo(seed: int) -> Image.Image:
    return Image.open(io.BytesIO(make_photo(seed, (640, 480)))).convert("RGB")


def _latencies(worker, samples: int, seed0: int, stop: threading.Event | None = None) -> list[float]:
    """Session B's explanation latency for ``samples`` new photos, one after another (while ``stop`` is
    unset, if given)."""
    out = []
    for i in range(samples):
        if stop is not None and stop.is_set():
            break
        t0 = time.perf_counter()
        worker.explain(f"b{seed0 + i}", lambda s=seed0 + i: _photo(s), owner="B").future.result(600)
        out.append(time.perf_counter() - t0)
        time.sleep(0.2)  # a student looks at the result before the next upload
    return out


def main(argv: list[str] | None = None) -> int:
    import torch

    from densenet_viz.config import PRESETS
    from densenet_viz.data import load_image
    from densenet_viz.explain.photo import decode_side
    from densenet_viz.memory import measure_memory
    from densenet_viz.model import build_densenet, describe_device
    from densenet_viz.occlusion import sensitivity_steps
    from densenet_viz.plan import plan_network
    from densenet_viz.predictor import Predictor
    from densenet_viz.serving import InferenceWorker, JobExecutor
    from densenet_viz.trace import trace_model
    from densenet_viz.train.live import LiveRun, live_config, load_live_data
    from densenet_viz.weights import SHIPPED_MODEL, load_model

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--samples", type=int, default=5, help="session B's uploads per case")
    p.add_argument("--quick", action="store_true", help="one sample, small heavy actions (a smoke run)")
    a = p.parse_args(argv)
    samples = 1 if a.quick else a.samples
    model, card = load_model(SHIPPED_MODEL)
    worker = InferenceWorker(model, card)
    jobs = JobExecutor(workers=1)
    side = decode_side(card.preprocessing)
    x = Predictor(model, card).explain_one(load_image(make_photo(99, (640, 480)), target_side=side)).x

    def build(config):
        def job():
            return trace_model(build_densenet(config, device="cpu").eval(), plan_network(config))
        return job

    big = PRESETS["densenet121"].replace(input_size=320 if a.quick else 640)
    data = load_live_data()
    cases = {
        "occlusion sweep, 8-px square (worker)": lambda: worker.submit(
            lambda m, c: sensitivity_steps(m, x, 0, 8 if not a.quick else 64), owner="A"),
        f"build + trace DenseNet-121 at {big.input_size} px (executor)": lambda: jobs.submit(build(big), owner="A"),
        "memory measurement, DenseNet-121 batch 2 (executor)": lambda: jobs.submit(
            measure_memory, PRESETS["densenet121"].replace(input_size=128 if a.quick else 224), 2, owner="A"),
        "live training, DenseNet-121 at 64 px, 1 epoch (executor)": lambda: jobs.submit(
            LiveRun(live_config(PRESETS["densenet121"], len(data.classes)), data, epochs=1).run, owner="A"),
    }
    _latencies(worker, 1, 0)  # warm-up
    idle = _latencies(worker, samples, 1000)
    idle_p50 = percentile(idle, 50)
    print(f"{describe_device(torch.device('cpu'))}, torch {torch.__version__}, input {x.shape[-1]} px, "
          f"{samples} uploads per case")
    print(f"idle: p50 {idle_p50:.2f} s, max {max(idle):.2f} s; goal while busy: <= {2 * idle_p50 + 1:.2f} s")
    print("| heavy action of session A | A's job (s) | B's uploads | B p50 (s) | B max (s) | goal met |")
    print("| --- | --- | --- | --- | --- | --- |")
    for n, (name, start) in enumerate(cases.items()):
        t0 = time.perf_counter()
        ticket = start()
        time.sleep(1.0)  # the heavy action is under way
        stop = threading.Event()
        ticket.future.add_done_callback(lambda _future, stop=stop: stop.set())
        busy = _latencies(worker, samples, 2000 + 100 * n, stop)
        ticket.future.exception()  # wait for it; errors are shown as such
        took = time.perf_counter() - t0
        err = ticket.future.exception()
        if err is not None or not busy:
            print(f"| {name} | {took:.1f} | {len(busy)} | — | — | {'error: ' + str(err) if err else 'ended first'} |")
            continue
        met = max(busy) <= 2 * idle_p50 + 1
        print(f"| {name} | {took:.1f} | {len(busy)} | {percentile(busy, 50):.2f} | {max(busy):.2f} | "
              f"{'yes' if met else 'no'} |")
    worker.close()
    jobs.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
