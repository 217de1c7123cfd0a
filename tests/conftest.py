"""Shared fixtures: the repo root on sys.path, small thread counts, generated images."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True, scope="session")
def _small_thread_pool():
    # The CI machine has 2 cores; tiny test models run faster single-threaded and leave room for others.
    try:
        import torch

        torch.set_num_threads(int(os.environ.get("TEST_TORCH_THREADS", "1")))
    except ImportError:
        pass
    yield


def make_flower_folder(root: Path, classes=("daisy", "roses"), per_class=6, size=48, seed=0) -> Path:
    """A tiny class folder of generated images, one colour pattern per class, plus a stray text file."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    for c, name in enumerate(classes):
        d = root / name
        d.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            base = np.zeros((size, size, 3), np.float32)
            base[..., c % 3] = 200
            img = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
            Image.fromarray(img).save(d / f"img{i}.jpg", quality=90)
    (root / classes[0] / "notes.txt").write_text("not an image")
    return root
