"""``python -m densenet_viz explain``: JSON fields, overlay files, bad files, exit codes; and the threshold tool."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from densenet_viz.cli import main
from densenet_viz.config import DenseNetConfig
from densenet_viz.data import Preprocessing
from densenet_viz.model import build_densenet
from densenet_viz.weights import save_model

CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
CFG = DenseNetConfig(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=5,
                     stem="cifar", input_size=32)


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("models") / "tiny.safetensors"
    prep = Preprocessing(input_size=32, resize_size=36).to_dict() | {"test_time_flip": True}
    save_model(build_densenet(CFG, device="cpu"), path, {"class_names": CLASSES, "preprocessing": prep},
               dtype=torch.float32)
    return path


@pytest.fixture()
def photos(tmp_path):
    rng = np.random.default_rng(0)
    good = tmp_path / "sun flower.jpg"
    Image.fromarray((rng.random((60, 80, 3)) * 255).astype(np.uint8)).save(good, quality=90)
    good2 = tmp_path / "sub" / "sun flower.jpg"  # same name in another folder: must not overwrite
    good2.parent.mkdir()
    Image.fromarray((rng.random((50, 50, 3)) * 255).astype(np.uint8)).save(good2)
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    return good, good2, bad


def test_json_output_and_bad_file(weights, photos, tmp_path, capsys):
    good, good2, bad = photos
    out = tmp_path / "out"
    code = main(["explain", str(good), str(bad), str(good2), "--weights", str(weights), "--out", str(out),
                 "--layer", "features.denseblock2", "--json"])
    captured = capsys.readouterr()
    assert code == 2  # one photo failed
    err_lines = captured.err.strip().splitlines()
    assert len(err_lines) == 1 and str(bad) in err_lines[0] and "not an image" in err_lines[0]
    assert "Traceback" not in captured.err
    rows = json.loads(captured.out)
    assert [r["file"] for r in rows] == [str(good), str(good2)]
    for r in rows:
        assert set(r) >= {"file", "top5", "cam_shape", "overlay", "deletion_auc"}
        assert [set(e) for e in r["top5"]] == [{"class", "prob"}] * 5
        probs = [e["prob"] for e in r["top5"]]
        assert probs == sorted(probs, reverse=True) and sum(probs) == pytest.approx(1, abs=1e-4)
        assert {e["class"] for e in r["top5"]} == set(CLASSES)
        assert r["cam_shape"] == [32, 32]
        assert 0.0 <= r["deletion_auc"] <= 1.0
        png = Image.open(r["overlay"])
        assert png.format == "PNG" and png.size == (64, 64)  # display crop: twice the input size
    assert rows[0]["overlay"] != rows[1]["overlay"]
    assert len(list(out.glob("*.png"))) == 2


def test_text_output_all_good(weights, photos, tmp_path, capsys):
    good, _, _ = photos
    code = main(["explain", str(good), "--weights", str(weights), "--out", str(tmp_path / "o"),
                 "--layer", "features.transition1"])
    text = capsys.readouterr().out
    assert code == 0
    first, second, third = text.splitlines()[:3]
    assert first.startswith(str(good)) and any(c in first for c in CLASSES)
    assert second.startswith("  top-5: ") and second.count("%") == 5
    assert "Grad-CAM (features.transition1, 32×32)" in third and "deletion AUC" in third


def test_default_layer_is_the_models_last_block(weights, photos, tmp_path, capsys):
    good, _, _ = photos
    # No --layer: this 2-block model is explained at its last block (DenseNet-121 at features.denseblock4).
    code = main(["explain", str(good), "--weights", str(weights), "--out", str(tmp_path / "o"), "--json"])
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    assert json.loads(captured.out)[0]["layer"] == "features.denseblock2"


def test_bad_layer_and_bad_weights(weights, photos, tmp_path, capsys):
    good, _, _ = photos
    assert main(["explain", str(good), "--weights", str(weights), "--layer", "features.conv0",
                 "--out", str(tmp_path / "o")]) == 2
    assert "not one of" in capsys.readouterr().err
    assert main(["explain", str(good), "--weights", str(tmp_path / "missing.safetensors")]) == 2
    assert "no such model file" in capsys.readouterr().err


def test_evaluate_json_reports_calibration_and_the_none_of_these_rule(weights, tmp_path, capsys):
    from testkit import make_flower_folder

    flowers = make_flower_folder(tmp_path / "test", classes=("daisy", "tulips"), per_class=4, size=40)
    other = tmp_path / "other"
    for i, species in enumerate(("orchid", "lotus/white")):  # class-less: any images in any sub-folders
        (other / species).mkdir(parents=True)
        for j in range(3):
            Image.fromarray(np.full((40, 40, 3), 40 * i + 20 * j, np.uint8)).save(other / species / f"{j}.png")
    code = main(["evaluate", "--data", str(flowers), "--ood", str(other), "--weights", str(weights), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"top1", "per_class", "confusion", "n", "ece", "auroc", "out_flagged", "in_flagged"} <= set(report)
    assert report["n"] == 8 and report["out_n"] == 6 and sum(map(sum, report["confusion"])) == 8
    assert 0 <= report["ece"] <= 1 and 0 <= report["auroc"] <= 1
    assert report["out_flagged"] * 6 == round(report["out_flagged"] * 6)  # a share of the 6 other photos
    assert main(["evaluate", "--data", str(flowers), "--weights", str(weights), "--json"]) == 0
    assert "auroc" not in json.loads(capsys.readouterr().out)
