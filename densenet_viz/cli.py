"""``python -m densenet_viz summary|train|evaluate|explain|card``.

Every failure the user can cause ends in one line on stderr and exit code 2, never a traceback.
No argument over ``config.MAX_INPUT_CHARS`` characters reaches argparse or a parser.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .config import FIELDS, MAX_INPUT_CHARS, PRESETS, ConfigError, DenseNetConfig, check_length
from .errors import render
from .plan import format_bytes, format_count, plan_network


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage + message; we want one line
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None
    if not 1 <= value <= 65_536:
        raise argparse.ArgumentTypeError(f"{value} is not allowed: a whole number from 1 to 65536")
    return value


def _add_config_flags(p: argparse.ArgumentParser) -> None:
    """``--preset`` plus one flag per config field (from ``config.FIELDS``), parsed by the field's own parser."""
    p.add_argument("--preset", default="densenet121", help=f"one of: {', '.join(PRESETS)}")
    for spec in FIELDS.values():
        if spec.kind == "bool":
            p.add_argument(spec.flag, dest=spec.name, default=None, action="store_const", const="1",
                           help="turn on (default: the preset's)")
        else:
            choices = f"one of {', '.join(spec.choices)}" if spec.choices else f"{spec.lo:g} to {spec.hi:g}"
            p.add_argument(spec.flag, dest=spec.name, help=choices if spec.kind != "blocks" else "e.g. 6,12,24,16")


def config_from_args(a: argparse.Namespace) -> DenseNetConfig:
    """The preset with any flags given applied on top (each parsed and validated like a URL value)."""
    if a.preset not in PRESETS:
        raise UsageError(f"unknown preset {a.preset!r}; choose one of: {', '.join(PRESETS)}")
    changes = {spec.name: spec.parse(getattr(a, spec.name)) for spec in FIELDS.values()
               if getattr(a, spec.name, None) is not None}
    return PRESETS[a.preset].replace(**changes)


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


def _add_train_flags(t: argparse.ArgumentParser) -> None:
    """One flag per ``TrainArgs`` field (``ood_batch`` -> ``--ood-batch``), typed from the dataclass."""
    from dataclasses import MISSING, fields

    from .train import TrainArgs

    for f in fields(TrainArgs):
        flag = "--" + f.name.replace("_", "-")
        kind = str(f.type).split("|")[0].strip()
        default = None if f.default is MISSING else f.default
        if kind == "bool":
            if default:
                t.add_argument(f"--no-{f.name.replace('_', '-')}", dest=f.name, action="store_false", default=None)
            else:
                t.add_argument(flag, action="store_true", default=None)
        elif kind.startswith("tuple"):
            t.add_argument(flag.rstrip("s"), dest=f.name, action="append", help="may be given several times")
        else:
            t.add_argument(flag, type={"int": int, "float": float}.get(kind, str), required=default is None
                           and f.default is MISSING, help=f"default: {default}")


def cmd_train(a: argparse.Namespace) -> int:
    from .train import TrainArgs, train

    fields = TrainArgs.__dataclass_fields__
    args = TrainArgs(**{k: v for k, v in vars(a).items() if k in fields and v is not None})
    for name in ("data", "ood_data"):
        folder = getattr(args, name)
        if folder is not None and not Path(folder).is_dir():
            raise UsageError(f"--{name.replace('_', '-')} {folder}: no such folder")
    train(args)
    return 0


def cmd_evaluate(a: argparse.Namespace) -> int:
    from .evaluate import evaluate_folder, format_report
    from .predictor import Predictor
    from .weights import SHIPPED_MODEL

    predictor = Predictor.load(a.weights or SHIPPED_MODEL)
    report = evaluate_folder(predictor, a.data, flip=None if a.flip is None else a.flip == "on", ood=a.ood)
    if a.json:
        keep = ("top1", "per_class", "confusion", "classes", "n", "ece", "flip", "skipped",
                "auroc", "out_flagged", "in_flagged", "out_n", "threshold")
        print(json.dumps({k: report[k] for k in keep if k in report}, indent=1))
    else:
        print(format_report(report))
    return 0


def cmd_card(a: argparse.Namespace) -> int:
    from .weights import SHIPPED_MODEL, load_card

    card = dict(load_card(a.weights or SHIPPED_MODEL).data)
    if not a.history and "training" in card:  # one record per epoch: long, and rarely wanted
        training = dict(card["training"])
        history = training.pop("history", [])
        card["training"] = {**training, "history": f"{len(history)} epochs (shown with --history)"}
    print(json.dumps(card, indent=1, ensure_ascii=False))
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
    s.add_argument("--batch-size", type=_positive_int, default=1, help="for the memory estimate (1 to 65536)")
    s.add_argument("--dtype", default="float32", choices=["float32", "float16", "bfloat16"])
    s.set_defaults(func=cmd_summary)

    t = sub.add_parser("train", help="train a DenseNet from scratch on a class folder")
    _add_train_flags(t)
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="top-1, per-class accuracy and confusion matrix on a class folder")
    e.add_argument("--data", required=True)
    e.add_argument("--weights", help="a .safetensors model (default: the shipped one)")
    e.add_argument("--flip", choices=["on", "off"], help="test-time flip (default: as the model card says)")
    e.add_argument("--ood", help="a folder of photos of none of the classes (any sub-folders): measure the "
                                 "'none of these' rule on it")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_evaluate)

    c = sub.add_parser("card", help="print a model's card: recipe, machine, metrics, calibration, threshold")
    c.add_argument("--weights", help="a .safetensors model (default: the shipped one)")
    c.add_argument("--history", action="store_true", help="include the per-epoch training history")
    c.set_defaults(func=cmd_card)

    x = sub.add_parser("explain", help="predict and write Grad-CAM overlays for photos")
    x.add_argument("photos", nargs="+")
    x.add_argument("--layer", help="a Grad-CAM layer (default: the last dense block's output)")
    x.add_argument("--out", default="explained")
    x.add_argument("--weights")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_explain)
    return p


def check_argument_lengths(argv: list[str]) -> None:
    """Refuse an argument over ``MAX_INPUT_CHARS`` before anything parses it (``ConfigError`` naming its flag)."""
    for i, arg in enumerate(argv):
        if len(arg) <= MAX_INPUT_CHARS:
            continue
        flag, has_value, value = arg.partition("=")
        if arg.startswith("--") and has_value and len(flag) <= MAX_INPUT_CHARS:
            check_length(flag, value)  # --flag=VALUE
            continue
        previous = argv[i - 1] if i else ""
        check_length(previous if previous.startswith("--") and "=" not in previous else f"argument {i + 1}", arg)


def _flag_of(field: str) -> str:
    """How the CLI names a field in a message: its flag (a ``FieldSpec``'s, or from a ``TrainArgs`` name)."""
    if field in FIELDS:
        return FIELDS[field].flag
    if field.startswith("-") or field.startswith("argument "):  # already as typed (check_argument_lengths)
        return field
    return f"--{field.replace('_', '-')}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        check_argument_lengths(argv)
        a = build_parser().parse_args(argv)
        return a.func(a)
    except ConfigError as exc:  # name the flag, not the sidebar's label
        flag = _flag_of(exc.field)
        print(f"error: {render(exc.code, {**exc.fields, 'field': flag}, 'en')}", file=sys.stderr)
        return 2
    except (UsageError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory; try a smaller input, batch or model", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): not an error worth a traceback
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
