"""Explain latency for one 224×224 photo: top-5 plus Grad-CAM at the 4 block ends and the final layer.

Side by side, same model, same process, methods interleaved within every repetition (so a noisy
machine slows all of them alike):

- ``inference``: one plain forward pass (the floor);
- ``captum``: one forward for the prediction, then one Captum ``LayerGradCam`` call per layer;
- ``grad-cam``: the ``grad-cam`` package (pytorch-grad-cam): one ``GradCAM`` per layer;
- ``ours``: ``densenet_viz.explain.explain`` (one forward and one backward for every CAM);
- ``ours-final`` / ``captum-final``: the final layer's CAM alone.

Then upload → heatmap for a generated 12-megapixel JPEG, with draft-mode decoding and without.
Results of ``ours`` are checked against Captum's (max |difference|). Runs on CUDA when present.

    PYTHONPATH=. .venv/bin/python -m bench.explain_latency [--repeats 10] [--threads 1,2]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from bench.harness import make_large_jpeg, make_photo, percentile  # noqa: E402


def load_bench_model(device: torch.device, size: int):
    """The shipped flower model (weights are input-size independent), in eval mode, and its card."""
    from densenet_viz.weights import SHIPPED_MODEL, load_model

    model, card = load_model(SHIPPED_MODEL, device=device)
    return model.eval(), card


def photo_tensor(card, size: int, device: torch.device) -> torch.Tensor:
    import io

    from PIL import Image

    from densenet_viz.data import Preprocessing, preprocess

    img = Image.open(io.BytesIO(make_photo(3, (640, 480)))).convert("RGB")
    prep = Preprocessing.for_input_size(size, card.preprocessing.mean, card.preprocessing.std)
    return preprocess(img, prep).unsqueeze(0).to(device)  # (1, 3, size, size)


def make_methods(model, x: torch.Tensor, layers: list[str], final: str):
    """name -> zero-argument callable doing the whole job and returning (top-1, {layer: CAM at input size})."""
    from captum.attr import LayerAttribution, LayerGradCam

    from densenet_viz.explain import explain

    modules = dict(model.named_modules())
    H, W = x.shape[-2:]

    def inference():
        with torch.inference_mode():
            return int(model(x).argmax(1)), {}

    def captum_job(names):
        def run():
            with torch.no_grad():
                cls = int(model(x).argmax(1))
            cams = {}
            for n in names:
                a = LayerGradCam(model, modules[n]).attribute(x, target=cls, relu_attributions=True)
                cams[n] = LayerAttribution.interpolate(a, (H, W), interpolate_mode="bilinear")[0, 0].detach()
            return cls, cams
        return run

    def ours_job(names):
        def run():
            exp = explain(model, x, names)
            return exp.target, {n: torch.from_numpy(exp.upsampled[n]) for n in names}
        return run

    methods = {"inference": inference, "captum": captum_job(layers), "ours": ours_job(layers),
               "captum-final": captum_job([final]), "ours-final": ours_job([final])}
    try:
        from pytorch_grad_cam import GradCAM
        from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

        def gradcam_pkg():
            with torch.no_grad():
                cls = int(model(x).argmax(1))
            out = {}
            for n in layers:
                # Its hooks are released on exit, so they do not slow the other methods down.
                with GradCAM(model=model, target_layers=[modules[n]]) as cam:
                    out[n] = torch.from_numpy(cam(input_tensor=x, targets=[ClassifierOutputTarget(cls)])[0])
            return cls, out

        methods["grad-cam"] = gradcam_pkg
    except ImportError:
        print("note: the grad-cam package is not installed (pip install -r bench/requirements.txt); skipped")
    return methods


def time_methods(methods: dict, repeats: int, warmup: int, sync) -> dict[str, list[float]]:
    """Round-robin over methods ``repeats`` times; returns seconds per call for each."""
    for _ in range(warmup):
        for fn in methods.values():
            fn()
    times = {name: [] for name in methods}
    for _ in range(repeats):
        for name, fn in methods.items():
            sync()
            t0 = time.perf_counter()
            fn()
            sync()
            times[name].append(time.perf_counter() - t0)
    return times


def upload_to_heatmap(model, card, data: bytes, draft: bool, layer: str) -> float:
    """Server time for one uploaded JPEG: decode, preprocess, explain (all CAM layers), overlay PNG."""
    from densenet_viz.data import load_image
    from densenet_viz.explain import decode_side, overlay, png_bytes
    from densenet_viz.predictor import Predictor

    t0 = time.perf_counter()
    img = load_image(data, target_side=decode_side(card.preprocessing) if draft else None)
    res = Predictor(model, card).explain_one(img)
    png_bytes(overlay(res.crop, res.explanation.cams[layer], 0.5))
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    from densenet_viz.model import cam_layer_names, default_device, describe_device

    p = argparse.ArgumentParser(description="explain latency, side by side")
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--threads", default="", help="CPU thread counts to try, e.g. 1,2 (default: 1..cores)")
    p.add_argument("--device", default=None)
    p.add_argument("--skip-large", action="store_true", help="skip the 12-megapixel upload")
    a = p.parse_args(argv)

    device = torch.device(a.device) if a.device else default_device()
    model, card = load_bench_model(device, a.size)
    x = photo_tensor(card, a.size, device)
    from densenet_viz.explain import block_end_layers

    all_layers = cam_layer_names(card.config)
    final = "final_relu" if "final_relu" in all_layers else all_layers[-1]
    layers = block_end_layers(all_layers) + [final]
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    print(f"# explain latency · {time.strftime('%Y-%m-%d %H:%M')} · {describe_device(device)} · "
          f"{platform.processor() or platform.machine()} · torch {torch.__version__}")
    print(f"# model {card.config.variant} ({len(card.class_names)} classes), input {a.size}×{a.size}, "
          f"layers {layers}, repeats {a.repeats}")

    methods = make_methods(model, x, layers, final)
    # Check before timing: our CAMs equal Captum's (and the grad-cam package's up to its min-max scaling).
    _, ref = methods["captum"]()
    cls, ours = methods["ours"]()
    diff = max(float((ours[n].cpu() - ref[n].cpu()).abs().max()) for n in layers)
    print(f"# max |ours - captum| over the {len(layers)} upsampled CAMs: {diff:.2e} (class {cls})")

    counts = [int(v) for v in a.threads.split(",") if v] if a.threads else \
        sorted({1, torch.get_num_threads()}) if device.type == "cpu" else [torch.get_num_threads()]
    header = f"{'threads':>7} {'method':<13}{'p50 ms':>9}{'p95 ms':>9}{'× inference':>13}{'× captum':>10}"
    print(header)
    print("-" * len(header))
    for n in counts:
        torch.set_num_threads(n)
        times = time_methods(methods, a.repeats, a.warmup, sync)
        med = {k: percentile(v, 50) for k, v in times.items()}
        for k, v in times.items():
            base_captum = med["captum-final"] if k.endswith("final") else med["captum"]
            print(f"{n:>7} {k:<13}{med[k] * 1e3:>9.1f}{percentile(v, 95) * 1e3:>9.1f}"
                  f"{med[k] / med['inference']:>13.2f}{med[k] / base_captum:>10.2f}")
    if not a.skip_large:
        data = make_large_jpeg(12.0)
        rows = []
        for draft in (True, False):
            upload_to_heatmap(model, card, data, draft, final)  # warm-up
            ts = [upload_to_heatmap(model, card, data, draft, final) for _ in range(max(3, a.repeats // 2))]
            rows.append((draft, percentile(ts, 50), percentile(ts, 95)))
        print(f"\n# upload → heatmap, generated 4000×3000 JPEG ({len(data) / 1e6:.1f} MB), all "
              f"{len(all_layers)} CAM layers, threads {torch.get_num_threads()}")
        for draft, p50, p95 in rows:
            print(f"{'draft decode' if draft else 'full decode':<14} p50 {p50 * 1e3:7.1f} ms  p95 {p95 * 1e3:7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
