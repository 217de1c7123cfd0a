"""``python -m densenet_viz explain PHOTO... [--layer L] [--out DIR] [--weights W] [--json]``.

For each photo: the prediction and top-5 (the model card's preprocessing and test-time flip), a Grad-CAM
overlay PNG in ``--out``, and the deletion-curve AUC of that CAM. A photo that cannot be used gives one
line on stderr; the others are still processed and the exit code is then 2. ``none_of_these`` says
whether the photo is probably none of the model's classes (its top probability is below the card's
threshold, chosen on val by ``scripts/finalize_model.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .data import ImageError, load_image, safe_name
from .errors import user_message
from .explain import decode_side

DELETION_STEPS = 10  # CLI-sized: 11 forward passes per photo


def _unique_path(folder: Path, stem: str, suffix: str, taken: set[Path]) -> Path:
    path = folder / f"{stem}{suffix}"
    i = 2
    while path in taken:
        path = folder / f"{stem}-{i}{suffix}"
        i += 1
    taken.add(path)
    return path


def _explain_one(predictor, photo: str, layer: str, out: Path, taken: set[Path], quiet: bool) -> dict:
    """Explain one photo, write its overlay, print its summary (unless ``quiet``); its JSON record."""
    from .explain import deletion_curve, overlay, png_bytes

    img = load_image(photo, target_side=decode_side(predictor.card.preprocessing))
    res = predictor.explain_one(img, layers=[layer])
    exp = res.explanation
    cam = exp.cams[layer]
    stem = Path(safe_name(photo)).stem or "photo"
    path = _unique_path(out, f"{stem}_{layer.replace('.', '-')}", ".png", taken)
    path.write_bytes(png_bytes(overlay(res.crop, cam, alpha=0.5)))
    curve = deletion_curve(predictor.model, res.x, exp.upsampled[layer], exp.target, steps=DELETION_STEPS)
    if not quiet:
        name, p = res.top5[0]
        note = f"  (probably none of these: top probability below {res.threshold:.0%})" if res.none_of_these else ""
        print(f"{photo}: {name} {p:.1%}{note}")
        print("  top-5: " + ", ".join(f"{n} {q:.1%}" for n, q in res.top5))
        print(f"  Grad-CAM ({layer}, {cam.shape[0]}×{cam.shape[1]}): {path}   deletion AUC {curve.auc:.3f}")
    return {
        "file": str(photo),
        "top5": [{"class": name, "prob": round(p, 6)} for name, p in res.top5],
        "none_of_these": bool(res.none_of_these),
        "threshold": res.threshold,
        "cam_shape": list(cam.shape),
        "overlay": str(path),
        "deletion_auc": round(curve.auc, 6),
        "layer": layer,
    }


def run_explain(args: argparse.Namespace) -> int:
    """Explain every photo in ``args.photos``; returns the exit code (0, or 2 if any photo failed)."""
    from .model import cam_layer_names, default_cam_layer, default_device
    from .predictor import Predictor
    from .weights import SHIPPED_MODEL, WeightsError

    try:
        predictor = Predictor.load(args.weights or SHIPPED_MODEL, device=default_device())
    except WeightsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    layers = cam_layer_names(predictor.card.config)
    layer = getattr(args, "layer", None) or default_cam_layer(predictor.card.config)
    if layer not in layers:
        print(f"error: --layer {layer!r} is not one of: {', '.join(layers)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot create --out {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    failed, results, taken = 0, [], set()
    for photo in args.photos:
        try:
            results.append(_explain_one(predictor, photo, layer, out, taken, quiet=args.json))
        except ImageError as exc:
            failed += 1
            print(f"error: {photo}: {exc}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - one bad photo must not stop the others, nor print a traceback
            failed += 1
            print(f"error: {photo}: {user_message(exc, markdown=False)}", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=1, ensure_ascii=False))
    return 2 if failed else 0
