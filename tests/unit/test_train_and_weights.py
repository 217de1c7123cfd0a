import json

import pytest
import torch

from densenet_viz import DenseNetConfig
from densenet_viz.evaluate import evaluate_folder
from densenet_viz.model import build_densenet
from densenet_viz.predictor import Predictor
from densenet_viz.train import TrainArgs, lr_at, train
from densenet_viz.weights import SHIPPED_MODEL, WeightsError, load_card, load_model, save_model

from testkit import make_flower_folder

TINY = "densenet_bc100_k12"  # trained with tiny sizes below; the test only needs few cheap steps


def tiny_args(data, out, **kw):
    base = dict(data=str(data), out=str(out), preset=TINY, epochs=4, batch_size=4, lr=3e-3, train_size=32,
                eval_size=32, warmup_epochs=0.5, device="cpu", progress=False, seed=0)
    base.update(kw)
    return TrainArgs(**base)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("flowers")
    make_flower_folder(root / "train", per_class=8)
    make_flower_folder(root / "val", per_class=3, seed=1)
    out = root / "model.safetensors"
    logs = []
    card = train(tiny_args(root, out), log=logs.append)
    return root, out, card, logs


def test_tiny_training_lowers_the_loss(trained):
    _, out, card, logs = trained
    history = card["training"]["history"]
    assert len(history) == 4
    assert history[-1]["train_loss"] < history[0]["train_loss"]
    assert any("skipping" in line and "notes.txt" in line for line in logs)  # a non-image is skipped
    assert out.is_file() and out.with_suffix(".json").is_file()


def test_card_records_provenance_and_matches_the_weights(trained):
    _, out, card, _ = trained
    data = json.loads(out.with_suffix(".json").read_text())
    for key in ("config", "class_names", "preprocessing", "training", "metrics", "date", "weights_sha256"):
        assert key in data
    assert data["class_names"] == ["daisy", "roses"]
    assert data["training"]["device"].startswith("CPU")
    model, loaded = load_model(out)
    assert loaded.config.num_classes == 2 == model.classifier.out_features
    assert loaded.preprocessing.input_size == 32
    assert not model.training


def test_evaluate_on_a_generated_folder(trained):
    root, out, _, _ = trained
    report = evaluate_folder(Predictor.load(out), root / "val")
    assert report["n"] == 6
    assert sum(map(sum, report["confusion"])) == 6
    assert report["top1"] == pytest.approx(sum(report["confusion"][i][i] for i in range(2)) / 6)


def test_evaluate_refuses_foreign_classes(trained, tmp_path):
    _, out, _, _ = trained
    make_flower_folder(tmp_path, classes=("daisy", "orchid"), per_class=1)
    with pytest.raises(ValueError, match="orchid"):
        evaluate_folder(Predictor.load(out), tmp_path)


def test_resume_continues_from_the_checkpoint(tmp_path):
    root = make_flower_folder(tmp_path / "data", per_class=6)
    ckpt = tmp_path / "ckpt"
    first = train(tiny_args(root, tmp_path / "a.safetensors", epochs=2, checkpoint_dir=str(ckpt), val_split=0.3),
                  log=lambda *a: None)
    assert (ckpt / "checkpoint.safetensors").is_file()
    resumed = train(tiny_args(root, tmp_path / "b.safetensors", epochs=3, checkpoint_dir=str(ckpt), resume=True,
                              val_split=0.3), log=lambda *a: None)
    assert [h["epoch"] for h in first["training"]["history"]] == [1, 2]
    # Only epoch 3 was left to run; the history of epochs 1-2 came back from the checkpoint.
    assert [h["epoch"] for h in resumed["training"]["history"]] == [1, 2, 3]
    assert resumed["training"]["history"][:2] == first["training"]["history"]
    assert resumed["training"]["steps"] > first["training"]["steps"]


def test_a_second_schedule_starts_from_the_given_weights(trained, tmp_path):
    root, out, _, _ = trained
    start, _ = load_model(out, calibrated=False)
    card = train(tiny_args(root, tmp_path / "second.safetensors", epochs=1, lr=1e-12, warmup_epochs=0, eval_size=48,
                           init_weights=str(out)), log=lambda *a: None)
    second, _ = load_model(tmp_path / "second.safetensors", calibrated=False)
    # With a vanishing learning rate the weights are the starting model's (BN statistics move; fp16 rounding).
    w0, w1 = start.features.conv0.weight, second.features.conv0.weight
    assert torch.allclose(w0, w1, atol=1e-3) and w1.abs().sum() > 0
    assert card["training"]["init"]["weights_sha256"] == load_card(out).data["weights_sha256"]
    assert card["training"]["init"]["epochs_run"] == 4
    assert "init_weights" not in card["training"]["recipe"]
    # A third schedule from the second's weights keeps the whole chain, oldest last.
    third = train(tiny_args(root, tmp_path / "third.safetensors", epochs=1, lr=1e-12, warmup_epochs=0, eval_size=48,
                            init_weights=str(tmp_path / "second.safetensors")), log=lambda *a: None)
    chain = third["training"]["init"]
    assert chain["weights_sha256"] == load_card(tmp_path / "second.safetensors").data["weights_sha256"]
    assert chain["epochs_run"] == 1 and chain["init"]["epochs_run"] == 4 and "init" not in chain["init"]


def test_a_second_schedule_refuses_other_classes(trained, tmp_path):
    _, out, _, _ = trained
    other = make_flower_folder(tmp_path / "other", classes=("daisy", "orchid"), per_class=4)
    with pytest.raises(WeightsError, match="orchid"):
        train(tiny_args(other, tmp_path / "x.safetensors", epochs=1, val_split=0.5, init_weights=str(out)),
              log=lambda *a: None)


def test_lr_schedule_warms_up_then_decays_to_zero():
    assert lr_at(0, 100, 10, 1.0) == pytest.approx(0.1)
    assert lr_at(9, 100, 10, 1.0) == pytest.approx(1.0)
    assert lr_at(55, 100, 10, 1.0) == pytest.approx(0.5)
    assert lr_at(100, 100, 10, 1.0) == pytest.approx(0.0, abs=1e-12)
    assert all(lr_at(s, 100, 10, 1.0) >= lr_at(s + 1, 100, 10, 1.0) for s in range(10, 99))
    assert lr_at(0, 1, 1, 1.0) == 1.0  # a one-step warm-up reaches the base rate at once


def _write_tiny(tmp_path):
    config = DenseNetConfig(growth_rate=4, block_config=(2,), num_init_features=4, num_classes=2, stem="cifar",
                            input_size=32)
    model = build_densenet(config, device="cpu")
    card = {"class_names": ["a", "b"], "preprocessing": {"input_size": 32, "resize_size": 36,
                                                          "mean": [0.5] * 3, "std": [0.5] * 3}}
    return save_model(model, tmp_path / "m.safetensors", card), model


def test_corrupted_or_wrong_shape_weights_fail_clearly(tmp_path):
    path, model = _write_tiny(tmp_path)
    load_model(path)  # the good file loads
    path.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(WeightsError, match="not a valid safetensors"):
        load_model(path)
    path, model = _write_tiny(tmp_path)
    card = json.loads(path.with_suffix(".json").read_text())
    card["config"]["growth_rate"] = 5  # the card now describes another shape
    path.with_suffix(".json").write_text(json.dumps(card))
    with pytest.raises(WeightsError, match="wrong shape"):
        load_model(path)
    path.with_suffix(".json").write_text("{not json")
    with pytest.raises(WeightsError, match="not valid JSON"):
        load_card(path)
    with pytest.raises(WeightsError, match="no such model file"):
        load_model(tmp_path / "missing.safetensors")


def test_weights_file_holds_no_pickle(tmp_path):
    path, _ = _write_tiny(tmp_path)
    header_len = int.from_bytes(path.read_bytes()[:8], "little")
    header = json.loads(path.read_bytes()[8:8 + header_len])  # safetensors: a JSON header, then raw tensors
    assert all(v["dtype"] in ("F16", "I64") for k, v in header.items() if k != "__metadata__")


def test_shipped_model_classifies_into_five_flowers():
    model, card = load_model(SHIPPED_MODEL)
    assert card.class_names == ("daisy", "dandelion", "roses", "sunflowers", "tulips")
    from PIL import Image

    from densenet_viz.data import preprocess
    from densenet_viz.hashing import sha256_hex

    img = Image.new("RGB", (300, 240), (240, 200, 30))
    probs = torch.from_numpy(Predictor(model, card).probs([img]))
    assert probs.shape == (1, 5)
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-5)
    # The shown probabilities are the calibrated ones: softmax(raw logits / T), mirror image averaged.
    raw, _ = load_model(SHIPPED_MODEL, calibrated=False)
    x = preprocess(img, card.preprocessing)[None]
    with torch.no_grad():
        logits = (raw(x) + raw(x.flip(-1))) / 2
    torch.testing.assert_close(probs, torch.softmax(logits / card.temperature, dim=1), atol=1e-5, rtol=0)
    assert card.temperature == card.data["calibration"]["temperature"] != 1.0
    assert card.data["weights_sha256"] == sha256_hex(SHIPPED_MODEL)
    assert card.config.growth_rate == 32 and card.config.block_config == (6, 12, 24, 16)
    assert card.preprocessing.input_size >= 192  # the final Grad-CAM is at least 6×6
