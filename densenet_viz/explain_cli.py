"""``python -m densenet_viz explain PHOTO... [--layer L] [--out DIR] [--weights W] [--json]``.

For each photo: the prediction and top-5 (the model card's preprocessing and test-time flip), a Grad-CAM
overlay PNG in ``--out``, and the deletion-curve AUC of that CAM. A photo that cannot be used gives one
line on stderr; the others are still processed and the exit code is then 2.

Also ``python -m densenet_viz.explain_cli threshold --data TEST_SPLIT [--weights W] [--write]``: choose
the low-confidence threshold from a labelled folder (see ``explain.threshold_from_max_probs``) and, with
``--write``, store it in the model card as ``low_confidence_threshold``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .data import ImageError, load_image, safe_name

DELETION_STEPS = 10  # CLI-sized: 11 forward passes per photo
DEFAULT_LAYER = "features.denseblock4"  # cli.py's default for --layer


def _unique_path(folder: Path, stem: str, suffix: str, taken: set[Path]) -> Path:
    path = folder / f"{stem}{suffix}"
    i = 2
    while path in taken:
        path = folder / f"{stem}-{i}{suffix}"
        i += 1
    taken.add(path)
    return path


def run_explain(args: argparse.Namespace) -> int:
    """Explain every photo in ``args.photos``; returns the exit code (0, or 2 if any photo failed)."""
    from .explain import block_end_layers, deletion_curve, explain_photo, overlay, png_bytes
    from .model import cam_layer_names, default_device
    from .weights import SHIPPED_MODEL, WeightsError, load_model

    try:
        model, card = load_model(args.weights or SHIPPED_MODEL, device=default_device())
    except WeightsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    layers = cam_layer_names(card.config)
    last_block = block_end_layers(layers)[-1]
    layer = getattr(args, "layer", None) or last_block
    if layer == DEFAULT_LAYER and layer not in layers:
        # The parser's default assumes 4 blocks (DenseNet-121); other models use their last block.
        print(f"note: this model has no {DEFAULT_LAYER}; using {last_block}", file=sys.stderr)
        layer = last_block
    if layer not in layers:
        print(f"error: --layer {layer!r} is not one of: {', '.join(layers)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot create --out {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    prep = card.preprocessing
    failed, results, taken = 0, [], set()
    for photo in args.photos:
        try:
            img = load_image(photo, target_side=2 * prep.resize_size)
        except ImageError as exc:
            failed += 1
            print(f"error: {photo}: {exc}", file=sys.stderr)
            continue
        res = explain_photo(model, card, img, layers=[layer])
        exp = res.explanation
        cam = exp.cams[layer]
        stem = Path(safe_name(photo)).stem or "photo"
        path = _unique_path(out, f"{stem}_{layer.replace('.', '-')}", ".png", taken)
        path.write_bytes(png_bytes(overlay(res.crop, cam, alpha=0.5)))
        curve = deletion_curve(model, res.x, exp.upsampled[layer], exp.target,
                               steps=DELETION_STEPS)
        results.append({
            "file": str(photo),
            "top5": [{"class": name, "prob": round(p, 6)} for name, p in res.top5],
            "cam_shape": list(cam.shape),
            "overlay": str(path),
            "deletion_auc": round(curve.auc, 6),
            "layer": layer,
            "low_confidence": res.low_confidence,
        })
        if not args.json:
            name, p = res.top5[0]
            note = f"  (low confidence: below {res.threshold:.2f})" if res.low_confidence else ""
            print(f"{photo}: {name} {p:.1%}{note}")
            print("  top-5: " + ", ".join(f"{n} {q:.1%}" for n, q in res.top5))
            print(f"  Grad-CAM ({layer}, {cam.shape[0]}×{cam.shape[1]}): {path}   deletion AUC {curve.auc:.3f}")
    if args.json:
        print(json.dumps(results, indent=1, ensure_ascii=False))
    return 2 if failed else 0


def run_threshold(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m densenet_viz.explain_cli threshold``."""
    from .explain import threshold_from_folder
    from .model import default_device
    from .weights import SHIPPED_MODEL, card_path, load_model

    p = argparse.ArgumentParser(prog="python -m densenet_viz.explain_cli threshold")
    p.add_argument("--data", required=True, help="labelled test split: DATA/<class>/<images>")
    p.add_argument("--weights", default=str(SHIPPED_MODEL))
    p.add_argument("--quantile", type=float, default=0.05)
    p.add_argument("--write", action="store_true", help="store the threshold in the model card")
    a = p.parse_args(argv)
    try:
        model, card = load_model(a.weights, device=default_device())
        result = threshold_from_folder(model, card, a.data, quantile=a.quantile)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({k: v for k, v in result.items() if k != "skipped"} | {"skipped": len(result["skipped"])},
                     indent=1))
    if a.write:
        path = card_path(Path(a.weights))
        data = json.loads(path.read_text(encoding="utf-8"))
        data["low_confidence_threshold"] = result["threshold"]
        data["low_confidence_rule"] = {k: result[k] for k in ("quantile", "n", "accuracy", "flagged_correct",
                                                               "flagged_wrong")} | {"data": str(a.data)}
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote low_confidence_threshold={result['threshold']} to {path}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "threshold":
        sys.exit(run_threshold(sys.argv[2:]))
    print("usage: python -m densenet_viz.explain_cli threshold --data DIR [--weights W] [--write]",
          file=sys.stderr)
    sys.exit(2)
