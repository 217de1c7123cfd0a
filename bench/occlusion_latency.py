"""The occlusion playground's cost per click and per sweep, with the shipped model: one click is one
batched explanation of the covered photo (top-5 with flip + every CAM); the sweep is Captum's Occlusion in
batched forwards. Then a click as the page runs it: the playground fragment rerun through AppTest.

    PYTHONPATH=. .venv/bin/python -m bench.occlusion_latency [--repeats 10] [--threads 2]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from PIL import Image  # noqa: E402

from bench.harness import make_photo, percentile  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from densenet_viz.model import describe_device
    from densenet_viz.occlusion import Square, occluded_explanation, sensitivity_map
    from densenet_viz.predictor import Predictor
    from densenet_viz.weights import SHIPPED_MODEL, load_model

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    model, card = load_model(SHIPPED_MODEL)
    img = Image.open(io.BytesIO(make_photo(5, (640, 480)))).convert("RGB")
    res = Predictor(model, card).explain_one(img)
    side = res.x.shape[-1]
    clicks = []
    for i in range(a.repeats + 1):
        square = Square(16 + (i * 37) % (side - 32), 16 + (i * 53) % (side - 32), side // 4)
        t0 = time.perf_counter()
        occluded_explanation(Predictor(model, card), res.x, square, res.explanation.probs)
        if i:  # the first is a warm-up
            clicks.append(time.perf_counter() - t0)
    sweeps = []
    for _ in range(3):
        t0 = time.perf_counter()
        sensitivity_map(model, res.x, res.explanation.target, side // 4)
        sweeps.append(time.perf_counter() - t0)
    print(f"{describe_device(torch.device('cpu'))}, torch {torch.__version__}, {a.threads} threads, "
          f"input {side} px")
    print(f"one click (model work): p50 {percentile(clicks, 50) * 1000:.0f} ms, "
          f"p95 {percentile(clicks, 95) * 1000:.0f} ms over {len(clicks)} clicks")
    print(f"one sweep ({side // 4}-px square, stride {side // 8}): p50 {percentile(sweeps, 50):.2f} s")

    from streamlit.testing.v1 import AppTest

    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=300).run()
    at.switch_page("pages/explain.py").run()
    runs = []
    for i in range(a.repeats + 1):
        at.slider(key="occ_size").set_value(8 * (2 + i % 5))  # a new square each time: nothing cached
        t0 = time.perf_counter()
        at.button(key="occ_centre").click().run()
        if i:
            runs.append(time.perf_counter() - t0)
    assert not at.exception
    print(f"a click through the page (AppTest rerun, model work included): "
          f"p50 {percentile(runs, 50) * 1000:.0f} ms, p95 {percentile(runs, 95) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
