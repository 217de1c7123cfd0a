"""The training package: recipe validation, augmentation, EMA, and exact resumption with the best epoch kept."""

from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from densenet_viz.config import ConfigError
from densenet_viz.train import TrainArgs, fit
from densenet_viz.train import loop as train_loop
from densenet_viz.train.augment import (
    SYNTHETIC_KINDS,
    augment_photos,
    mix_batch,
    soft_targets,
    synthetic_images,
    uniform_target_loss,
)
from densenet_viz.train.checkpoint import compact_checkpoint, read_checkpoint_file, write_checkpoint_file
from densenet_viz.train.ema import ModelEMA

from testkit import make_flower_folder


def tiny(data, **kw):
    base = dict(data=str(data), out="unused", preset="densenet_bc100_k12", epochs=4, batch_size=4, lr=0.05,
                train_size=32, eval_size=32, warmup_epochs=0.5, device="cpu", progress=False, seed=0)
    base.update(kw)
    return TrainArgs(**base)


# ------------------------------------------------------------------------------------------ recipe
def test_train_args_are_frozen_and_validated():
    args = TrainArgs(data="x")
    with pytest.raises(AttributeError):
        args.epochs = 3  # frozen
    for bad in (dict(epochs=0), dict(lr=0.0), dict(optimizer="rmsprop"), dict(min_scale=1.5),
                dict(batch_size=-1), dict(ramp_start=0.9, ramp_end=0.5), dict(ood_batch=8, synthetic_share=0.0),
                dict(epochs=True), dict(preset="densenet999")):
        with pytest.raises(ConfigError) as err:
            TrainArgs(data="x", **bad)
        assert err.value.field in bad
    assert TrainArgs(data="x", ood_batch=8).ood_batch == 8  # synthetic outliers alone are allowed


def test_progressive_resizing_and_mixing_schedule():
    args = TrainArgs(data="x", epochs=100, train_size=112, final_train_size=176, ramp_start=0.5, ramp_end=0.8,
                     mixup=0.2, mix_off=0.1)
    sizes = [args.size_at(e) for e in range(100)]
    assert sizes[0] == sizes[49] == 112 and sizes[80] == sizes[99] == 176
    assert sizes == sorted(sizes) and all(s % 16 == 0 for s in sizes)
    assert len(set(sizes)) == 5  # 112, 128, 144, 160, 176
    assert args.mixing_on(89) and not args.mixing_on(90)
    assert not TrainArgs(data="x").mixing_on(0)  # nothing to mix
    assert [e for e in range(100) if args.replace(eval_every=10).evaluates_at(e)][:3] == [9, 19, 29]


# ------------------------------------------------------------------------------------ augmentation
def test_augmented_photos_and_synthetic_outliers_have_the_right_form():
    torch.manual_seed(0)
    photos = [torch.randint(0, 256, (3, 40 + i, 60), dtype=torch.uint8) for i in range(3)]
    batch = augment_photos(photos, 32, 0.25, "trivial")
    assert batch.shape == (3, 3, 32, 32) and batch.dtype == torch.uint8
    fakes = synthetic_images(len(SYNTHETIC_KINDS) * 4, 48, generator=torch.Generator().manual_seed(1))
    assert fakes.shape == (20, 3, 48, 48) and fakes.dtype == torch.uint8
    assert len({tuple(f.float().std(dim=(1, 2)).round().tolist()) for f in fakes}) > 10  # all different


def test_mixing_keeps_targets_distributions_and_outlier_loss_prefers_uniform():
    torch.manual_seed(0)
    x = torch.randn(8, 3, 16, 16)
    target = soft_targets(torch.arange(8) % 5, 5, 0.1)
    assert torch.allclose(target.sum(1), torch.ones(8))
    assert float(target.max()) == pytest.approx(0.92)
    for mixup, cutmix in ((0.2, 0.0), (0.0, 1.0)):
        mixed, t = mix_batch(x, target, mixup, cutmix)
        assert mixed.shape == x.shape and torch.allclose(t.sum(1), torch.ones(8))
        assert not torch.equal(mixed, x)
    assert float(uniform_target_loss(torch.zeros(2, 5))) < float(uniform_target_loss(torch.tensor([[9.0, 0, 0, 0, 0]])))


def test_ema_tracks_the_weights_with_warm_up():
    model = torch.nn.Linear(2, 1, bias=False)
    ema = ModelEMA(model, decay=0.9)
    with torch.no_grad():
        model.weight.fill_(1.0)
        start = ema.module.weight.clone()
    ema.update(model)  # first decay: min(0.9, 1/10) = 0.1
    assert torch.allclose(ema.module.weight, 0.1 * start + 0.9)
    for _ in range(200):
        ema.update(model)
    assert torch.allclose(ema.module.weight, torch.ones(1, 2), atol=1e-6)
    assert not ema.module.weight.requires_grad


# --------------------------------------------------------------------------- resume + best epoch
class ScriptedVal:
    """Val accuracies by epoch; raises at ``crash_at`` to simulate a run killed after a checkpoint."""

    def __init__(self, values, crash_at=None):
        self.values, self.crash_at, self.calls = values, crash_at, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.crash_at:
            raise KeyboardInterrupt("killed")
        return self.values[self.calls - 1]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("flowers")
    make_flower_folder(root / "train", per_class=8)
    make_flower_folder(root / "val", per_class=2, seed=1)
    return root


@pytest.mark.parametrize("extras", [dict(ema=0.9), dict(mixup=0.2, cutmix=1.0, mix_prob=1.0, ood_batch=2)])
def test_resumed_run_ships_the_best_epoch_and_equals_an_uninterrupted_run(data, tmp_path, monkeypatch, extras):
    vals = [0.50, 0.90, 0.30, 0.20]  # epoch 2 is the best and nothing after it beats it
    args = tiny(data, checkpoint_dir=str(tmp_path / "ckpt"), **extras)

    monkeypatch.setattr(train_loop, "val_top1", ScriptedVal(vals, crash_at=3))
    with pytest.raises(KeyboardInterrupt):
        fit(args, log=lambda *a: None)
    saved = load_file(str(tmp_path / "ckpt" / "checkpoint.safetensors"))
    kind = "ema" if extras.get("ema") else "model"
    best_weights = {k[len(kind) + 1:]: v for k, v in saved.items() if k.startswith(kind + ".")}

    monkeypatch.setattr(train_loop, "val_top1", ScriptedVal(vals[2:]))
    resumed, card = fit(args.replace(resume=True), log=lambda *a: None)
    assert card["training"]["best_epoch_on_val"] == 2 and card["metrics"]["val_top1"] == 0.9
    assert [h["epoch"] for h in card["training"]["history"]] == [1, 2, 3, 4]
    for k, v in resumed.state_dict().items():  # the shipped weights are epoch 2's, not epoch 4's
        torch.testing.assert_close(v, best_weights[k], rtol=0, atol=0, msg=k)

    monkeypatch.setattr(train_loop, "val_top1", ScriptedVal(vals))
    straight, straight_card = fit(args.replace(checkpoint_dir=str(tmp_path / "other")), log=lambda *a: None)
    for k, v in straight.state_dict().items():
        torch.testing.assert_close(v, resumed.state_dict()[k], rtol=0, atol=0, msg=k)
    last = load_file(str(tmp_path / "other" / "checkpoint.safetensors"))
    assert any(not torch.equal(last[f"{kind}.{k}"], v) for k, v in best_weights.items())  # epoch 4 differs
    assert [h["train_loss"] for h in straight_card["training"]["history"]] == \
        [h["train_loss"] for h in card["training"]["history"]]


def test_a_compact_checkpoint_is_smaller_and_resumes_close_to_the_exact_one(data, tmp_path, monkeypatch):
    vals = [0.50, 0.90, 0.30, 0.20]
    args = tiny(data, checkpoint_dir=str(tmp_path / "ckpt"), ema=0.9)
    monkeypatch.setattr(train_loop, "val_top1", ScriptedVal(vals, crash_at=3))
    with pytest.raises(KeyboardInterrupt):
        fit(args, log=lambda *a: None)
    exact_bytes = (tmp_path / "ckpt" / "checkpoint.safetensors").stat().st_size
    compact_bytes = compact_checkpoint(tmp_path / "ckpt", tmp_path / "compact")
    assert compact_bytes < 0.8 * exact_bytes  # 14 of 20 bytes per weight: model, EMA, best, two moments

    exact, compact = (load_file(str(tmp_path / d / "checkpoint.safetensors")) for d in ("ckpt", "compact"))
    assert exact.keys() == compact.keys()
    for key, val in compact.items():
        if key.startswith(("model.", "ema.")) or val.dim() == 0:  # weights and Adam's step count stay exact
            assert torch.equal(val, exact[key]), key
        elif val.is_floating_point():
            assert val.dtype == (torch.float16 if key.startswith("best.") else torch.bfloat16), key
            torch.testing.assert_close(val.float(), exact[key], rtol=1e-2, atol=1e-6)

    # The control: the exact state with the optimiser's moments lost, the failure a bad copy would cause.
    (tmp_path / "lost").mkdir()
    _, meta = read_checkpoint_file(tmp_path / "ckpt" / "checkpoint.safetensors")
    write_checkpoint_file(tmp_path / "lost" / "checkpoint.safetensors",
                          {k: torch.zeros_like(v) if k.startswith("optim.") and v.is_floating_point() and v.dim()
                           else v for k, v in exact.items()}, meta)

    runs = {}
    for name in ("ckpt", "compact", "lost"):
        monkeypatch.setattr(train_loop, "val_top1", ScriptedVal(vals[2:]))
        model, card = fit(args.replace(resume=True, checkpoint_dir=str(tmp_path / name)), log=lambda *a: None)
        runs[name] = (model.state_dict(), card)
    assert runs["compact"][1]["training"]["best_epoch_on_val"] == 2
    losses = {name: [h["train_loss"] for h in card["training"]["history"]] for name, (_, card) in runs.items()}
    assert losses["compact"][:2] == losses["ckpt"][:2]  # epochs before the stop are the same record

    def drift(name):  # how far the epochs after the stop move from the exact resume
        return sum(abs(a - b) for a, b in zip(losses[name][2:], losses["ckpt"][2:]))

    # Rounding the moments moves later losses a little: 1-2 % here on a CPU with AMX bf16 autocast, where
    # a fixed tolerance was too tight. Losing them moves the losses far more; the bar is relative to that.
    assert drift("compact") < drift("lost") / 4, (drift("compact"), drift("lost"))
    for key, val in runs["compact"][0].items():  # epoch 2's weights, rounded to fp16 and back
        torch.testing.assert_close(val, runs["ckpt"][0][key], rtol=1e-3, atol=1e-3, msg=key)


@pytest.mark.parametrize("crash_on", [1, 2, 3])
def test_a_crash_while_saving_never_mixes_two_epochs(tmp_path, monkeypatch, crash_on):
    # Killed at the n-th rename of a save (if the save renames that often): the checkpoint on disk is then
    # the old epoch's or the new one's, weights and metadata together, never new weights with old metadata.
    from densenet_viz.train.checkpoint import TrainState, load_checkpoint, save_checkpoint

    model = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(model.parameters(), lr=0.1)
    model(torch.ones(1, 3)).sum().backward()
    opt.step()
    save_checkpoint(tmp_path, model, None, opt, TrainState(epoch=1, step=10))
    weights = {1: model.weight.detach().clone()}
    with torch.no_grad():
        model.weight.add_(1.0)
    weights[2] = model.weight.detach().clone()

    renames, real_replace = [], Path.replace

    def replace(self, target):
        renames.append(self)
        if len(renames) == crash_on:
            raise KeyboardInterrupt  # the process dies here
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    try:
        save_checkpoint(tmp_path, model, None, opt, TrainState(epoch=2, step=20))
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    fresh = torch.nn.Linear(3, 2)
    state = load_checkpoint(tmp_path, fresh, None, torch.optim.AdamW(fresh.parameters(), lr=0.1))
    assert state.epoch in (1, 2) and state.step == 10 * state.epoch
    assert torch.equal(fresh.weight, weights[state.epoch])
    assert state.epoch == (1 if crash_on <= len(renames) else 2)


def test_one_training_step_and_validation_serve_both_trainers():
    from densenet_viz.train.augment import random_crop_flip
    from densenet_viz.train.step import lr_at, train_step, val_top1

    assert lr_at(0, 10, 0, 2.0) == 2.0 and lr_at(5, 10, 0, 2.0) == pytest.approx(1.0)  # live: no warm-up
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.BatchNorm1d(12), torch.nn.Linear(12, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.0)
    x, y = torch.randn(8, 3, 2, 2), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    before = [p.detach().clone() for p in model.parameters()]
    loss, logits = train_step(model, opt, x, lambda out: torch.nn.functional.cross_entropy(out, y), 0.5, False)
    assert opt.param_groups[0]["lr"] == 0.5 and logits.shape == (8, 3) and loss.item() > 0
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))  # the step was taken
    model.train()
    with torch.no_grad():
        model.eval()
        expected = (model(x).argmax(1) == y).float().mean().item()
        model.train()
    assert val_top1(model, x, y, False, False, batch=3) == pytest.approx(expected)
    assert model.training  # eval for the call, back to training after
    # A stored form and the way back to model input (live training keeps uint8 thumbnails).
    assert val_top1(model, x * 2, y, False, False, batch=5, prepare=lambda chunk: chunk / 2) == pytest.approx(expected)
    crops = random_crop_flip(torch.arange(2 * 3 * 6 * 6, dtype=torch.int32).view(2, 3, 6, 6), 4,
                             torch.Generator().manual_seed(1))
    assert crops.shape == (2, 3, 4, 4) and crops.dtype == torch.int32
