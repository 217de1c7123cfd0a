"""The shipped flower model as a user meets it: made-up non-photos are called "none of my five", and the
README quotes the model card's measured numbers rather than numbers of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
from PIL import Image

from densenet_viz.predictor import Predictor
from densenet_viz.train.augment import SYNTHETIC_KINDS, synthetic_images
from densenet_viz.weights import SHIPPED_MODEL, load_card

from testkit import ROOT

pytestmark = pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")


@pytest.mark.parametrize("kind", SYNTHETIC_KINDS)
def test_made_up_non_photos_are_none_of_the_five(kind):
    predictor = Predictor.load(SHIPPED_MODEL)
    # A seed neither training (per-epoch seeds) nor finalize (12345) used, and a size of its own.
    fakes = synthetic_images(24, 300, kinds=(kind,), generator=torch.Generator().manual_seed(2026))
    images = [Image.fromarray(f.permute(1, 2, 0).numpy()) for f in fakes]
    top = predictor.probs(images).max(axis=1)
    flagged = predictor.rule.is_flagged(top).mean()
    assert flagged >= 0.9, f"{kind}: only {flagged:.0%} flagged (top probabilities {top.tolist()})"


def test_readme_quotes_the_model_card():
    card = load_card(SHIPPED_MODEL).data
    readme = Path(ROOT / "README.md").read_text(encoding="utf-8")
    m = card["metrics"]
    rule, cal = card["none_of_these"], card["calibration"]
    expected = [
        f"{m['test_top1']:.1%} top-1",
        f"{card['preprocessing']['input_size']}×{card['preprocessing']['input_size']}",
        f"temperature {cal['temperature']:.2f}",
        f"ECE {cal['test_ece_before']:.3f} → {cal['test_ece_after']:.3f}",
        f"AUROC {rule['test']['auroc']:.3f}",
        f"below {rule['threshold']:.0%}",
        f"{rule['test']['out_flagged']:.0%} of the other species",
        f"{rule['test']['in_flagged']:.1%} of the correctly classified",
    ] + [f"{name} {acc:.1%}" for name, acc in m["test_per_class"].items()]
    missing = [e for e in expected if e not in readme]
    assert not missing, missing
    # And no percentage in the model section that the card does not hold.
    section = readme.split("## Model", 1)[1].split("\n## ", 1)[0]
    held = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, float) and 0 <= value <= 1:
            held.update({f"{value:.1%}", f"{value:.0%}"})

    walk(card)
    strays = [q for q in re.findall(r"\d+(?:\.\d)?%", section) if q not in held]
    assert not strays, strays
