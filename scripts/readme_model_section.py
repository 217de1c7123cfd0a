"""Write the README's "## Model" section from the shipped model's card, so every number there is the card's.

    python scripts/readme_model_section.py          # rewrite the section in README.md
    python scripts/readme_model_section.py --check  # exit 1 if README.md differs from the card
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from densenet_viz.plan import plan_network  # noqa: E402
from densenet_viz.weights import SHIPPED_MODEL, load_card  # noqa: E402


def schedules(training: dict) -> list[tuple[int, float]]:
    """(epochs, wall seconds) of each schedule that made the model, oldest first, from the card's init chain."""
    chain, record = [], training
    while record:
        chain.append((record["epochs_run"], record["wall_time_s"]))
        record = record.get("init")
    return chain[::-1]


def model_section(path: Path = SHIPPED_MODEL) -> str:
    """The Markdown of the Model section (without its heading), every figure taken from the card."""
    loaded = load_card(path)
    card = loaded.data
    m, cal, rule, tr = card["metrics"], card["calibration"], card["none_of_these"], card["training"]
    size = loaded.preprocessing.input_size
    plan = plan_network(loaded.config.replace(input_size=size))  # the plan, not a built model, gives the counts
    params, cam_side = plan.params, plan.dense_layers[-1].out_hw  # the last block's map is the final CAM grid
    per_class = ", ".join(f"{name} {acc:.1%}" for name, acc in m["test_per_class"].items())
    chain = schedules(tr)
    if len(chain) > 1:  # later schedules started from an earlier run's weights: say each
        first, *later = chain
        parts = [f"{epochs} epochs ({wall / 3600:.1f} h)" for epochs, wall in later]
        runs = f"{first[0]} epochs ({first[1] / 3600:.1f} h), then " + (
            f"a fine-tuning schedule of {parts[0]} from those weights," if len(parts) == 1 else
            f"fine-tuning schedules of {', '.join(parts[:-1])} and {parts[-1]}, each from the weights before it,")
    else:
        runs = f"{tr['epochs_run']} epochs in {tr['wall_time_s'] / 3600:.1f} h"
    return "\n".join([
        f"`assets/models/flowers-densenet121.safetensors` is a DenseNet-121 (the paper's architecture and "
        f"torchvision's module names, {params:,} parameters with its five-way classifier) trained from scratch "
        "on `../shared/data/flowers`, with no pretrained weights. Its card (`assets/models/flowers-densenet121.json`; "
        "`python -m densenet_viz card` prints it) holds the recipe, the machine, every epoch of the last "
        "schedule (earlier ones as summaries) and every figure below; `docs/training.md` tells how it was "
        "made. Every choice was made on val; test was measured once.",
        "",
        f"- **Accuracy:** {m['test_top1']:.1%} top-1 on the {m['test_n']} test photos at {size}×{size} input "
        f"(the app's own preprocessing, averaged with the mirror image), so the last Grad-CAM grid is "
        f"{cam_side}×{cam_side}. Per class: {per_class}.",
        f"- **Calibration:** every probability the app and the CLI show is softmax(logits / T) with temperature "
        f"{cal['temperature']:.2f}, fitted on val. 15-bin expected calibration error on test: "
        f"ECE {cal['test_ece_before']:.3f} → {cal['test_ece_after']:.3f}.",
        f"- **None of my five flowers:** a photo is called \"probably none of my five flowers\" when its top "
        f"calibrated probability is below {rule['threshold']:.0%} (threshold chosen on val). Between the flower "
        f"test photos and {rule['test']['out_n']} photos of {rule['other_species']} other species (Oxford 102, "
        f"test split) the top probability separates them with AUROC {rule['test']['auroc']:.3f}; the rule flags "
        f"{rule['test']['out_flagged']:.0%} of the other species and {rule['test']['in_flagged']:.1%} of the "
        f"correctly classified flower photos, and {rule['test']['synthetic_flagged']:.1%} of made-up non-photos "
        "(checkerboards, noise, flat colours, gradients, stripes).",
        f"- **Training:** {runs} on {tr['device']}, no GPU; the weights are the EMA of epoch "
        f"{tr['best_epoch_on_val']}{' of the last schedule' if len(chain) > 1 else ''}, "
        "the best on val. "
        f"Card dated {card['date']}.",
        "",
    ])


def replace_section(readme: str, body: str) -> str:
    head, rest = readme.split("## Model\n", 1)
    tail = rest.split("\n## ", 1)[1]
    return f"{head}## Model\n\n{body}\n## {tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when README.md differs")
    a = parser.parse_args()
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    updated = replace_section(readme, model_section())
    if a.check:
        print("README.md matches the card" if updated == readme else "README.md differs from the card")
        return 0 if updated == readme else 1
    readme_path.write_text(updated, encoding="utf-8")
    print("README.md: Model section written from the card")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
