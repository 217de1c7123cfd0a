"""What batching buys: explaining N photos (top-5 with flip + every block's Grad-CAM) one by one against
in batches, with the shipped model, on one torch thread and on ``--threads``; then through the inference
worker with N concurrent requests (as a class would send them). Prints photos per second, wall ms per
photo, and the process's CPU ms per photo (on a CPU, threads that wait for each other spin: CPU time
the sessions' reruns cannot use).

    PYTHONPATH=. .venv/bin/python -m bench.batching [--photos 16] [--batch 1,4,8,16] [--threads 2]
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from PIL import Image  # noqa: E402

from bench.harness import make_photo  # noqa: E402


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main(argv: list[str] | None = None) -> int:
    from densenet_viz.model import default_device, describe_device
    from densenet_viz.predictor import Predictor
    from densenet_viz.serving import InferenceWorker
    from densenet_viz.weights import SHIPPED_MODEL, load_model

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--photos", type=int, default=16)
    p.add_argument("--batch", default="1,4,8,16")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    device = default_device()
    model, card = load_model(SHIPPED_MODEL, device=device)
    images = [Image.open(io.BytesIO(make_photo(100 + i, (640, 480)))).convert("RGB") for i in range(a.photos)]
    Predictor(model, card).explain(images[:2])  # warm-up
    print(f"{describe_device(device)}, torch {torch.__version__}, {a.threads} threads, input "
          f"{card.preprocessing.input_size} px, {a.photos} photos, best of {a.repeats}")
    print(f"{'how':<34}{'photos/s':>10}{'ms/photo':>10}{'CPU ms/photo':>14}{'× one by one':>14}")
    base = None
    thread_counts = sorted({1, a.threads}, reverse=True) if device.type == "cpu" else [a.threads]
    for b in (int(v) for v in a.batch.split(",")):
        for n_threads in thread_counts:
            torch.set_num_threads(n_threads)  # this thread's setting (torch's is per thread)
            best, best_cpu = float("inf"), 0.0
            for _ in range(a.repeats):
                t0, c0 = time.perf_counter(), cpu_seconds()
                for i in range(0, a.photos, b):
                    Predictor(model, card).explain(images[i:i + b])
                if device.type == "cuda":
                    torch.cuda.synchronize()
                if time.perf_counter() - t0 < best:
                    best, best_cpu = time.perf_counter() - t0, cpu_seconds() - c0
            rate = a.photos / best
            base = base or rate  # the first row: one by one on all threads
            how = f"batches of {b}, {n_threads} thread{'s' if n_threads > 1 else ''}"
            print(f"{how:<34}{rate:>10.2f}{1000 / rate:>10.1f}{1000 * best_cpu / a.photos:>14.1f}{rate / base:>14.2f}")
    torch.set_num_threads(a.threads)
    # One long-lived worker, as in the server, warmed up like the direct path: best of the repeats.
    worker = InferenceWorker(model, card, max_batch=8, max_wait_s=0.02, cache_size=0)
    worker.explain("warm-up", lambda: images[0]).future.result(600)
    best, best_cpu, sizes = float("inf"), 0.0, []
    for r in range(a.repeats):
        worker.batches.clear()
        t0, c0 = time.perf_counter(), cpu_seconds()
        tickets: list = [None] * a.photos

        def ask(i: int, tickets=tickets, r=r) -> None:
            tickets[i] = worker.explain(f"photo-{r}-{i}", lambda: images[i])

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(a.photos)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for tk in tickets:
            tk.future.result(600)
        if time.perf_counter() - t0 < best:
            best, best_cpu = time.perf_counter() - t0, cpu_seconds() - c0
            sizes = list(worker.batches)
    worker.close()
    rate = a.photos / best
    print(f"{'worker, concurrent requests':<34}{rate:>10.2f}{1000 / rate:>10.1f}{1000 * best_cpu / a.photos:>14.1f}"
          f"{rate / base:>14.2f}   ({worker.threads} thread; batches run: {sizes})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
