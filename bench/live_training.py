"""Train it live, timed: the default sidebar network (DenseNet-121) and a small DenseNet-BC, each for the
page's default number of epochs on the shipped thumbnail pack, as the page runs them. Prints seconds per
epoch, total seconds and validation accuracy (chance: 20 %).

    PYTHONPATH=. .venv/bin/python -m bench.live_training [--epochs 2] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    import torch

    from densenet_viz.config import PRESETS
    from densenet_viz.model import describe_device
    from densenet_viz.train.live import LiveRun, live_config, load_live_data

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    data = load_live_data()
    configs = {"DenseNet-121 (the sidebar's default)": PRESETS["densenet121"],
               "DenseNet-BC k=12, blocks 6-12-24-16": PRESETS["densenet121"].replace(growth_rate=12)}
    print(f"{describe_device(torch.device('cuda' if torch.cuda.is_available() else 'cpu'))}, torch "
          f"{torch.__version__}, {data.summary()}, {a.epochs} epochs")
    print(f"{'network':<40}{'params':>10}{'s/epoch':>9}{'total s':>9}{'val top-1':>11}")
    for name, config in configs.items():
        run = LiveRun(live_config(config, len(data.classes)), data, seed=0, epochs=a.epochs).run()
        if run.state != "done":
            print(f"{name}: {run.state} {run.error}")
            return 1
        vals = " → ".join(f"{p.val_acc:.1%}" for p in run.points if p.val_acc is not None)
        print(f"{name:<40}{run.params:>10,}{run.seconds_per_epoch:>9.1f}{run.seconds:>9.1f}   {vals}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
