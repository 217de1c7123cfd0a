"""Where the model goes wrong: the shipped report in assets/mistakes/ agrees with itself and the model card,
and precompute_mistakes (scripts/precompute_mistakes.py) on a tiny model writes what load_mistakes reads."""

from __future__ import annotations

import csv
import json
from collections import Counter

import numpy as np
import pytest
import torch
from PIL import Image

from densenet_viz.config import DenseNetConfig
from densenet_viz.data import Preprocessing
from densenet_viz.mistakes import (
    MAX_THUMBNAILS,
    MISTAKES_DIR,
    REPORT_FILE,
    SEED,
    THUMB_SIDE,
    load_mistakes,
    precompute_mistakes,
    thumbnail_sample,
    top_confusions,
)
from densenet_viz.model import build_densenet
from densenet_viz.predictor import Predictor
from densenet_viz.weights import SHIPPED_MODEL, load_card, load_model, save_model

from testkit import make_flower_folder


def off_diagonal_cells(confusion) -> Counter:
    m = np.asarray(confusion)
    return Counter({(i, j): int(m[i, j]) for i in range(len(m)) for j in range(len(m)) if i != j and m[i, j]})


def test_the_shipped_report_agrees_with_its_matrix_and_the_model_card():
    report = load_mistakes()
    assert report is not None, "run scripts/precompute_mistakes.py"
    doc = json.loads((MISTAKES_DIR / REPORT_FILE).read_text(encoding="utf-8"))
    card = load_card(SHIPPED_MODEL)
    assert doc["weights_sha256"] == card.data["weights_sha256"]  # made with the shipped weights
    assert report.classes == card.class_names and report.n == card.data["metrics"]["test_n"]
    assert sum(map(sum, report.confusion)) == report.n
    assert report.top1 == pytest.approx(np.trace(np.asarray(report.confusion)) / report.n)
    # Every off-diagonal count is a listed mistake, and nothing else is listed.
    assert len(report.mistakes) == report.wrong
    index = {name: i for i, name in enumerate(report.classes)}
    assert Counter((index[m.true], index[m.predicted]) for m in report.mistakes) == off_diagonal_cells(report.confusion)
    assert all(m.true != m.predicted and m.prob > m.true_prob and m.file.startswith(f"{m.true}/")
               for m in report.mistakes)


def test_every_listed_thumbnail_exists_is_small_and_credited():
    report = load_mistakes()
    assert report is not None
    drawn = report.drawn
    assert len(drawn) == min(report.wrong, MAX_THUMBNAILS)
    expected = thumbnail_sample(len(report.mistakes), MAX_THUMBNAILS, SEED)
    assert {i for i, m in enumerate(report.mistakes) if m.photo} == expected  # the seeded rule, nothing else
    for m in report.mistakes:
        assert m.credit.author and m.credit.source_url.startswith("https://") and m.credit.licence == "CC BY 2.0"
    files = set()
    for m in drawn:
        for name in (m.photo, m.cam):
            with Image.open(MISTAKES_DIR / name) as img:
                assert max(img.size) <= THUMB_SIDE
            files.add(name)
    assert {p.name for p in MISTAKES_DIR.glob("*.jpg")} == files  # no stale thumbnails
    assert sum(p.stat().st_size for p in MISTAKES_DIR.iterdir()) < 3 * 1024 * 1024


def test_top_confusions_and_the_thumbnail_sample():
    confusion = [[5, 2, 0], [4, 6, 1], [0, 4, 9]]
    assert top_confusions(confusion, ["a", "b", "c"], k=2) == [("b", "a", 4), ("c", "b", 4)]
    assert top_confusions([[3, 0], [0, 2]], ["a", "b"]) == []
    assert thumbnail_sample(5, limit=8) == set(range(5))
    sample = thumbnail_sample(50, limit=10, seed=3)
    assert len(sample) == 10 and sample == thumbnail_sample(50, limit=10, seed=3) and max(sample) < 50
    assert sample != thumbnail_sample(50, limit=10, seed=4)


@pytest.fixture()
def tiny_data(tmp_path):
    """A tiny model (saved and loaded like the shipped one) and a data folder with test/ and manifest.csv."""
    classes = ["daisy", "roses", "tulips"]
    config = DenseNetConfig(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=3,
                            stem="cifar", input_size=32)
    torch.manual_seed(0)
    weights = tmp_path / "tiny.safetensors"
    prep = Preprocessing(input_size=32, resize_size=36).to_dict() | {"test_time_flip": True}
    save_model(build_densenet(config, device="cpu"), weights, {"class_names": classes, "preprocessing": prep},
               dtype=torch.float32)
    data = tmp_path / "flowers"
    make_flower_folder(data / "test", classes=classes, per_class=4, size=48)
    (data / "test" / "daisy" / "notes.txt").unlink()
    with open(data / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["split", "class", "file", "width", "height", "sha256", "license_and_author"])
        for p in sorted((data / "test").rglob("*.jpg")):
            writer.writerow(["test", p.parent.name, p.name, 48, 48, "0",
                             f"CC-BY by Maker of {p.stem} - https://www.flickr.com/photos/m/{p.stem}/"])
    return load_model(weights), data


def test_precompute_writes_what_load_reads(tiny_data, tmp_path):
    (model, card), data = tiny_data
    out = tmp_path / "mistakes"
    out.mkdir()
    (out / "stale.jpg").write_bytes(b"old")
    doc = precompute_mistakes(Predictor(model, card), data, out, limit=3, seed=1)
    assert doc["n"] == 12 and sum(map(sum, doc["confusion"])) == 12
    report = load_mistakes(out)
    assert report is not None and report.classes == card.class_names and report.layer == "features.denseblock2"
    assert len(report.mistakes) == report.wrong == sum(off_diagonal_cells(doc["confusion"]).values())
    assert report.wrong > 3  # an untrained model: plenty of mistakes, so the limit applies
    assert len(report.drawn) == 3 and not (out / "stale.jpg").exists()
    assert {p.name for p in out.glob("*.jpg")} == {n for m in report.drawn for n in (m.photo, m.cam)}
    for m in report.mistakes:
        assert m.credit.author == f"Maker of {m.file.split('/')[1].removesuffix('.jpg')}"
    with Image.open(out / report.drawn[0].cam) as img:
        assert img.size == (THUMB_SIDE, THUMB_SIDE)
    again = precompute_mistakes(Predictor(model, card), data, tmp_path / "again", limit=3, seed=1)
    assert again["mistakes"] == doc["mistakes"]  # deterministic


def test_a_missing_or_broken_report_is_none(tmp_path):
    assert load_mistakes(tmp_path) is None
    (tmp_path / REPORT_FILE).write_text("{not json", encoding="utf-8")
    assert load_mistakes(tmp_path) is None
