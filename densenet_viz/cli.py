"""``python -m densenet_viz summary|train|evaluate|explain``.

Every failure the user can cause ends in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import PRESETS, ConfigError, DenseNetConfig
from .plan import format_bytes, format_count, plan_network


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage + message; we want one line
        raise UsageError(message)


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.replace(" ", "").split(",") if v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of integers") from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one block, e.g. 6,12,24,16")
    return values


def _add_config_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preset", default="densenet121", help=f"one of: {', '.join(PRESETS)}")
    p.add_argument("--growth-rate", type=int, help="k, maps added by each dense layer")
    p.add_argument("--blocks", type=_int_list, help="layers per dense block, e.g. 6,12,24,16")
    p.add_argument("--init-features", type=int, help="channels out of the stem")
    p.add_argument("--bn-size", type=int, help="bottleneck width multiplier (0: no bottleneck)")
    p.add_argument("--compression", type=float, help="θ at transitions, 0 < θ ≤ 1")
    p.add_argument("--drop-rate", type=float)
    p.add_argument("--num-classes", type=int)
    p.add_argument("--stem", choices=["imagenet", "cifar"])
    p.add_argument("--input-size", type=int)


def config_from_args(a: argparse.Namespace) -> DenseNetConfig:
    """The preset with any flags given applied on top (validated)."""
    if a.preset not in PRESETS:
        raise UsageError(f"unknown preset {a.preset!r}; choose one of: {', '.join(PRESETS)}")
    changes = {
        "growth_rate": a.growth_rate, "block_config": a.blocks, "num_init_features": a.init_features,
        "bn_size": a.bn_size, "compression": a.compression, "drop_rate": a.drop_rate,
        "num_classes": a.num_classes, "stem": a.stem, "input_size": a.input_size,
    }
    return PRESETS[a.preset].replace(**{k: v for k, v in changes.items() if v is not None})


def cmd_summary(a: argparse.Namespace) -> int:
    plan = plan_network(config_from_args(a))
    if a.json:
        print(json.dumps(plan.summary(), indent=1))
        return 0
    c = plan.config
    print(f"{c.variant}: k={c.growth_rate}, blocks={list(c.block_config)}, stem={c.stem}, "
          f"input {c.input_size}×{c.input_size}, θ={c.compression:g}, bn_size={c.bn_size}")
    header = f"{'stage':<40}{'in':>7}{'bottl.':>8}{'new':>6}{'out':>7}{'H×W':>10}{'params':>11}{'MACs':>10}"
    print(header)
    print("-" * len(header))
    for r in plan.rows:
        print(f"{r.name:<40}{r.in_channels:>7}{r.bottleneck_channels or '':>8}{r.new_channels:>6}"
              f"{r.out_channels:>7}{f'{r.out_hw}×{r.out_hw}':>10}{r.params:>11,}{format_count(r.macs):>10}")
    print("-" * len(header))
    print(f"depth L = {plan.depth}   params = {plan.params:,}   MACs = {plan.macs:,} ({plan.macs / 1e9:.3f} G)")
    for storage in ("naive", "shared"):
        b = plan.activation_bytes(a.batch_size, a.dtype, storage)
        print(f"activation memory, batch {a.batch_size} {a.dtype}, {storage} storage: {format_bytes(b)}")
    return 0


def cmd_train(a: argparse.Namespace) -> int:
    from .train import TrainArgs, train

    fields = TrainArgs.__dataclass_fields__
    args = TrainArgs(**{k: v for k, v in vars(a).items() if k in fields and v is not None})
    if not Path(args.data).is_dir():
        raise UsageError(f"--data {args.data}: no such folder")
    train(args)
    return 0


def cmd_evaluate(a: argparse.Namespace) -> int:
    from .evaluate import evaluate_folder, format_report
    from .weights import SHIPPED_MODEL, load_model

    model, card = load_model(a.weights or SHIPPED_MODEL)
    report = evaluate_folder(model, card, a.data, flip=None if a.flip is None else a.flip == "on")
    if a.json:
        keep = ("top1", "per_class", "confusion", "classes", "n", "flip", "skipped")
        print(json.dumps({k: report[k] for k in keep}, indent=1))
    else:
        print(format_report(report))
    return 0


def cmd_explain(a: argparse.Namespace) -> int:
    from .explain_cli import run_explain

    return run_explain(a)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m densenet_viz", description="DenseNet Explorer command line")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("summary", help="per-layer channel plan and totals")
    _add_config_flags(s)
    s.add_argument("--json", action="store_true", help="machine-readable output")
    s.add_argument("--batch-size", type=int, default=1)
    s.add_argument("--dtype", default="float32", choices=["float32", "float16", "bfloat16"])
    s.set_defaults(func=cmd_summary)

    t = sub.add_parser("train", help="train a DenseNet from scratch on a class folder")
    t.add_argument("--data", required=True, help="root with train/ (and val/), or one class folder")
    t.add_argument("--out", help="weights file to write (.safetensors); the card goes beside it")
    t.add_argument("--preset")
    for name, typ in (("epochs", int), ("batch-size", int), ("lr", float), ("weight-decay", float),
                      ("warmup-epochs", float), ("label-smoothing", float), ("train-size", int),
                      ("eval-size", int), ("min-scale", float), ("jitter", float), ("mixup", float),
                      ("cutmix", float), ("ema", float), ("val-split", float), ("seed", int),
                      ("max-steps", int)):
        t.add_argument(f"--{name}", type=typ)
    t.add_argument("--device", help="cuda, cpu, mps (default: the best available)")
    t.add_argument("--checkpoint-dir", help="save a resumable checkpoint here after every epoch")
    t.add_argument("--resume", action="store_true", help="continue from --checkpoint-dir")
    t.add_argument("--no-tta-flip", dest="tta_flip", action="store_false", default=None)
    t.add_argument("--no-progress", dest="progress", action="store_false", default=None)
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="top-1, per-class accuracy and confusion matrix on a class folder")
    e.add_argument("--data", required=True)
    e.add_argument("--weights", help="a .safetensors model (default: the shipped one)")
    e.add_argument("--flip", choices=["on", "off"], help="test-time flip (default: as the model card says)")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_evaluate)

    x = sub.add_parser("explain", help="predict and write Grad-CAM overlays for photos")
    x.add_argument("photos", nargs="+")
    x.add_argument("--layer", default="features.denseblock4")
    x.add_argument("--out", default="explained")
    x.add_argument("--weights")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_explain)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        a = build_parser().parse_args(argv)
        return a.func(a)
    except (UsageError, ConfigError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
