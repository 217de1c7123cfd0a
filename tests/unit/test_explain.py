"""One-pass Grad-CAM (against hand-computed values and Captum), side effects, threads, attributions,
deletion curves, colour maps, overlays and the "none of these" threshold."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn as nn
from PIL import Image

from densenet_viz.calibration import DEFAULT_NONE_THRESHOLD, NoneOfTheseRule
from densenet_viz.config import DenseNetConfig
from densenet_viz.data import Preprocessing
from densenet_viz.explain import (
    apply_colormap,
    attributions,
    block_end_layers,
    colorbar_image,
    colormap_lut,
    decode_side,
    deletion_curve,
    display_crop,
    explain,
    none_of_these_rule_text,
    normalise_cam,
    npy_bytes,
    overlay,
    png_bytes,
    predict_logits,
    random_saliency,
    top_k,
)
from densenet_viz.model import build_densenet, cam_layer_names
from densenet_viz.predictor import Predictor

from testkit import tiny_cam_model


def _softmax(logits: np.ndarray) -> np.ndarray:
    return torch.softmax(torch.from_numpy(logits), dim=1).numpy()


TINY = DenseNetConfig(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=3,
                      stem="cifar", input_size=32)


@pytest.fixture(scope="module")
def tiny():
    return tiny_cam_model()


def _x(seed: int, size: int = 32) -> torch.Tensor:
    return torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(seed))


def _hooks(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) + len(m._backward_hooks) for m in model.modules())


# ------------------------------------------------------------------------------ hand-computed CAM
class HandModel(nn.Module):
    """x (1 channel) -> 1×1 conv to A = (2x, -x) -> global mean -> linear with fixed weights."""

    def __init__(self):
        super().__init__()
        self.feat = nn.Conv2d(1, 2, 1, bias=False)
        self.fc = nn.Linear(2, 2)
        with torch.no_grad():
            self.feat.weight.copy_(torch.tensor([2.0, -1.0]).view(2, 1, 1, 1))
            self.fc.weight.copy_(torch.tensor([[1.0, 0.5], [-1.0, 1.0]]))
            self.fc.bias.zero_()

    def forward(self, x):
        return self.fc(self.feat(x).mean(dim=(2, 3)))


def test_cam_equals_hand_computed_values():
    # S_0 = mean(2x)·1 + mean(-x)·0.5, so dS_0/dA_c = w_c / (H·W) everywhere; with H·W = 4 the channel
    # weights are 1/4 and 0.5/4, and CAM = ReLU(0.25·2x − 0.125·x) = 0.375·x.
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).view(1, 1, 2, 2)
    exp = explain(HandModel(), x, ["feat"], target=0)
    expected = np.array([[0.375, 0.75], [1.125, 1.5]], dtype=np.float32)
    np.testing.assert_allclose(exp.raw["feat"], expected, atol=1e-6)
    np.testing.assert_allclose(exp.upsampled["feat"], expected, atol=1e-6)  # same size: no interpolation
    np.testing.assert_allclose(exp.cams["feat"], expected / 1.5, atol=1e-6)
    # Class 1: weights (−1, 1)/4 give ReLU(−0.5x − 0.25x) = 0: no positive evidence, the map stays 0.
    exp1 = explain(HandModel(), x, ["feat"], target=1)
    assert np.all(exp1.raw["feat"] == 0) and np.all(exp1.cams["feat"] == 0)
    # mean(x) = 2.5, so mean(A) = (5, −2.5): logits 5 − 1.25 = 3.75 and −5 − 2.5 = −7.5.
    logits = np.array([3.75, -7.5])
    np.testing.assert_allclose(exp.probs, np.exp(logits) / np.exp(logits).sum(), atol=1e-6)
    assert exp.target == 0 and exp.predicted == 0


# ------------------------------------------------------------------------------------ vs Captum
def test_equals_captum_layergradcam_for_every_layer(tiny):
    from captum.attr import LayerAttribution, LayerGradCam

    x = _x(1)
    layers = cam_layer_names(TINY)
    modules = dict(tiny.named_modules())
    for target in (None, 2):
        exp = explain(tiny, x, layers, target=target)
        for name in layers:
            ref = LayerGradCam(tiny, modules[name]).attribute(x, target=exp.target, relu_attributions=True)
            ref = LayerAttribution.interpolate(ref, (32, 32), "bilinear")[0, 0].detach().numpy()
            assert ref.max() > 0, name  # a meaningful comparison, not 0 == 0
            np.testing.assert_allclose(exp.upsampled[name], ref, atol=1e-5, rtol=0, err_msg=name)


def test_cam_shape_range_and_prediction(tiny):
    x = _x(2)
    exp = explain(tiny, x, cam_layer_names(TINY))
    with torch.no_grad():
        ref = torch.softmax(tiny(x), 1)[0].numpy()
    np.testing.assert_allclose(exp.probs, ref, atol=1e-6)
    assert exp.target == int(ref.argmax())
    assert exp.raw["features.denseblock1"].shape == (32, 32)
    assert exp.raw["features.denseblock2"].shape == (16, 16)
    for name, cam in exp.cams.items():
        assert cam.shape == (32, 32), name
        assert cam.min() >= 0.0 and cam.max() <= 1.0, name
        if exp.upsampled[name].max() > 0:
            assert cam.max() == pytest.approx(1.0), name
    np.testing.assert_allclose(exp.cams["final_relu"], normalise_cam(exp.upsampled["final_relu"]))


def test_flip_averages_logits_but_cam_is_from_the_photo(tiny):
    x = _x(3)
    layers = ["features.denseblock2"]
    plain, flipped = explain(tiny, x, layers), explain(tiny, x, layers, flip=True)
    np.testing.assert_allclose(flipped.probs, _softmax(predict_logits(tiny, x, flip=True))[0], atol=1e-6)
    assert not np.allclose(flipped.probs, plain.probs)
    same = explain(tiny, x, layers, target=flipped.target)
    np.testing.assert_allclose(flipped.upsampled[layers[0]], same.upsampled[layers[0]], atol=1e-6)


def test_bad_arguments(tiny):
    with pytest.raises(ValueError, match="unknown layer"):
        explain(tiny, _x(0), ["features.nope"])
    with pytest.raises(ValueError, match="out of range"):
        explain(tiny, _x(0), ["final_relu"], target=7)
    with pytest.raises(ValueError, match="one image"):
        explain(tiny, torch.zeros(2, 3, 32, 32), ["final_relu"])
    assert _hooks(tiny) == 0  # even failed calls leave no hooks


# --------------------------------------------------------------------------------- no side effects
@pytest.mark.parametrize("training", [False, True])
def test_no_side_effects(training):
    torch.manual_seed(1)
    model = build_densenet(TINY, device="cpu")
    model.train(training)
    flags = [p.requires_grad for p in model.parameters()]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():  # explain must switch gradients on for itself
        exp = explain(model, _x(4), cam_layer_names(TINY))
    assert exp.upsampled["final_relu"].max() > 0
    assert _hooks(model) == 0
    assert model.training is training
    assert all(m.training is training for m in model.modules())
    assert [p.requires_grad for p in model.parameters()] == flags
    assert all(p.grad is None for p in model.parameters())
    for k, v in model.state_dict().items():  # BN running statistics untouched, even in training mode
        assert torch.equal(v, state[k]), k


def test_frozen_parameters_still_give_cams(tiny):
    model = build_densenet(TINY, device="cpu").eval()
    model.load_state_dict(tiny.state_dict())
    model.requires_grad_(False)
    x = _x(5)
    exp = explain(model, x, ["features.denseblock2", "final_relu"])
    ref = explain(tiny, x, ["features.denseblock2", "final_relu"])
    np.testing.assert_allclose(exp.upsampled["final_relu"], ref.upsampled["final_relu"], atol=1e-6)
    assert not any(p.requires_grad for p in model.parameters())
    assert not x.requires_grad  # the caller's tensor is not touched


def test_threads_on_a_shared_model_match_single_threaded(tiny):
    layers = cam_layer_names(TINY)
    xs = [_x(10 + i) for i in range(6)]
    expected = [explain(tiny, x, layers) for x in xs]
    results: dict[int, object] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(xs))

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(3):
                results[i] = explain(tiny, xs[i], layers)
                with torch.inference_mode():
                    tiny(xs[(i + 1) % len(xs)])  # plain forwards meanwhile must not leak into the hooks
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(xs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    for i, exp in enumerate(expected):
        got = results[i]
        np.testing.assert_allclose(got.probs, exp.probs, atol=1e-6)
        for name in layers:
            np.testing.assert_allclose(got.upsampled[name], exp.upsampled[name], atol=1e-6, err_msg=name)
    assert _hooks(tiny) == 0


# ------------------------------------------------------------------------------ strip and layers
def test_block_end_strip_halves_56_28_14_7_for_224():
    # Same stem and block count as DenseNet-121, shrunk in width so the test stays fast.
    cfg = DenseNetConfig(growth_rate=4, block_config=(1, 1, 1, 1), num_init_features=8, bn_size=2, num_classes=5)
    model = build_densenet(cfg, device="cpu").eval()
    ends = block_end_layers(cam_layer_names(cfg))
    assert ends == [f"features.denseblock{b}" for b in (1, 2, 3, 4)]
    exp = explain(model, _x(6, 224), ends)
    assert [exp.raw[n].shape for n in ends] == [(56, 56), (28, 28), (14, 14), (7, 7)]
    assert all(exp.cams[n].shape == (224, 224) for n in ends)


# ------------------------------------------------------------------------------ Captum extras
def test_attributions_shapes_and_no_side_effects(tiny):
    flags = [p.requires_grad for p in tiny.parameters()]
    target = explain(tiny, _x(7), ["final_relu"]).target  # the predicted class has positive evidence
    maps = attributions(tiny, _x(7), target=target, layer="features.denseblock2", ig_steps=4)
    assert set(maps) == {"guided_gradcam", "integrated_gradients", "occlusion"}
    for name, m in maps.items():
        assert m.shape == (32, 32), name
        assert m.dtype == np.float32 and m.min() >= 0 and m.max() <= 1, name
        assert m.max() > 0, name
    assert _hooks(tiny) == 0 and not tiny.training
    assert [p.requires_grad for p in tiny.parameters()] == flags
    with pytest.raises(ValueError):
        attributions(tiny, _x(7), 1, "features.denseblock2", methods=("lime",))


# ------------------------------------------------------------------------------ deletion curve
class CornerModel(nn.Module):
    """Class 0's logit is 8 × the mean of the top-left 8×8 corner; class 1's is 0."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(8.0))

    def forward(self, x):
        corner = x[:, :, :8, :8].mean(dim=(1, 2, 3)) * self.scale
        return torch.stack([corner, torch.zeros_like(corner)], dim=1)


def test_deletion_curve_prefers_the_true_evidence():
    x = torch.zeros(1, 3, 32, 32)
    x[:, :, :8, :8] = 1.0
    good = np.zeros((32, 32), np.float32)
    good[:8, :8] = 1.0
    model = CornerModel()
    curve = deletion_curve(model, x, good, target=0, steps=8, baseline="mean", batch=4)
    rand = deletion_curve(model, x, random_saliency((32, 32), seed=0), target=0, steps=8, baseline="mean")
    assert curve.fractions[0] == 0 and curve.fractions[-1] == 1 and len(curve.probs) == 9
    p0 = float(torch.softmax(model(x).detach(), 1)[0, 0])
    assert curve.probs[0] == pytest.approx(p0) and rand.probs[0] == pytest.approx(p0)
    # The corner is 1/16 of the image: after the first eighth is removed the evidence is gone (p = 0.5).
    assert curve.probs[1] == pytest.approx(0.5, abs=1e-6)
    assert curve.auc < rand.auc
    assert 0.0 <= curve.auc <= 1.0
    # Trapezoid rule by hand.
    manual = sum((curve.probs[i] + curve.probs[i + 1]) / 2 / 8 for i in range(8))
    assert curve.auc == pytest.approx(manual)


def test_deletion_curve_blur_baseline_runs_on_densenet(tiny):
    x = _x(8)
    exp = explain(tiny, x, ["final_relu"])
    curve = deletion_curve(tiny, x, exp.raw["final_relu"], exp.target, steps=4)  # low-res map is resized
    assert curve.probs[0] == pytest.approx(float(exp.probs[exp.target]), abs=1e-5)
    with pytest.raises(ValueError):
        deletion_curve(tiny, x, exp.raw["final_relu"], exp.target, baseline="noise")


# ------------------------------------------------------------------------------ colour and images
def test_colormap_luts_match_matplotlib_closely():
    import matplotlib

    for name in ("viridis", "cividis", "inferno"):
        lut = colormap_lut(name)
        assert lut.shape == (256, 3) and lut.dtype == np.uint8
        ref = (matplotlib.colormaps[name](np.linspace(0, 1, 256))[:, :3] * 255).round()
        diff = np.abs(lut.astype(int) - ref)
        assert diff.max() <= 18 and diff.mean() < 4, name  # a 10-knot linear fit of a smooth curve
    assert tuple(colormap_lut("viridis")[0]) == (68, 1, 84)
    assert tuple(colormap_lut("viridis")[-1]) == (253, 231, 37)
    for gone in ("rainbow", "jet"):  # jet is not colour-blind safe, so it is no longer offered
        with pytest.raises(ValueError):
            colormap_lut(gone)


def test_overlay_blends_photo_and_map():
    photo = Image.new("RGB", (40, 30), (200, 100, 50))
    cam = np.zeros((10, 10), np.float32)
    cam[:, 5:] = 1.0
    assert np.array_equal(overlay(photo, cam, alpha=0.0), np.asarray(photo))
    full = overlay(photo, cam, alpha=1.0, cmap="viridis")
    assert full.shape == (30, 40, 3)
    assert tuple(full[0, 0]) == (68, 1, 84) and tuple(full[0, -1]) == (253, 231, 37)
    half = overlay(photo, cam, alpha=0.5)
    assert tuple(half[0, 0]) == (134, 51, 67)  # (200+68)/2, (100+1)/2 rounded, (50+84)/2
    assert apply_colormap(np.array([[0.0, 1.0]])).shape == (1, 2, 3)
    bar = colorbar_image("cividis", width=64, height=5)
    assert bar.shape == (5, 64, 3) and tuple(bar[0, 0]) == tuple(colormap_lut("cividis")[0])


def test_png_and_npy_downloads_round_trip():
    import io

    rgb = (np.arange(6 * 7 * 3) % 256).astype(np.uint8).reshape(6, 7, 3)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png_bytes(rgb)))), rgb)
    cam = np.random.default_rng(0).random((5, 4)).astype(np.float32)
    back = np.load(io.BytesIO(npy_bytes(cam)), allow_pickle=False)
    assert back.dtype == np.float32 and np.array_equal(back, cam)


# ------------------------------------------------------------------------------ photo helpers
def test_top_k_and_threshold_from_card():
    assert top_k([0.1, 0.6, 0.3], ["a", "b", "c"], 2) == [("b", 0.6), ("c", pytest.approx(0.3))]
    def threshold(data):
        return NoneOfTheseRule.for_card(SimpleNamespace(data=data)).threshold

    assert threshold({}) == DEFAULT_NONE_THRESHOLD == 0.5
    assert threshold({"none_of_these": {"threshold": 0.62}}) == 0.62
    assert threshold({"none_of_these": {"threshold": "junk"}}) == 0.5
    assert threshold({"none_of_these": 0.7}) == 0.5


def test_rule_text_says_the_threshold_and_where_it_came_from():
    card = SimpleNamespace(class_names=("a", "b"), temperature=1.7,
                           data={"none_of_these": {"threshold": 0.62, "other_species": 40}})
    text = none_of_these_rule_text(card, "en")
    assert "62%" in text and "40 other species" in text and "1.70" in text
    assert "默认" in none_of_these_rule_text(SimpleNamespace(class_names=("a",), temperature=1.0, data={}), "zh")


def test_explain_photo_uses_card_preprocessing(tiny):
    prep = Preprocessing(input_size=32, resize_size=36)
    card = SimpleNamespace(config=TINY, class_names=("a", "b", "c"), preprocessing=prep,
                           test_flip=True, data={"none_of_these": {"threshold": 0.99}})
    img = Image.fromarray((np.random.default_rng(0).random((60, 90, 3)) * 255).astype(np.uint8))
    res = Predictor(tiny, card).explain_one(img)
    assert res.x.shape == (3, 32, 32)
    assert res.crop.size == (64, 64)  # display crop at twice the input size
    assert [n for n, _ in res.top5] == [("a", "b", "c")[i] for i in np.argsort(-res.explanation.probs)]
    np.testing.assert_allclose(res.explanation.probs, _softmax(predict_logits(tiny, res.x, flip=True))[0], atol=1e-6)
    assert res.none_of_these and res.threshold == 0.99
    assert set(res.explanation.cams) == set(cam_layer_names(TINY))
    assert display_crop(img, prep, 96).size == (96, 96)
    assert decode_side(prep) == 72


def test_weight_region_names_the_ninth_with_most_weight():
    from densenet_viz.explain.describe import REGIONS, weight_region

    for index, name in enumerate(REGIONS):
        m = np.zeros((9, 12))
        r, c = divmod(index, 3)
        m[r * 3 + 1, c * 4 + 2] = 5.0  # one bright spot in that ninth
        m += 0.01
        region, share = weight_region(m)
        assert region == name
        assert share == pytest.approx((5.0 + 12 * 0.01) / (5.0 + 108 * 0.01))
    assert weight_region(np.ones((6, 6))) == ("top_left", pytest.approx(1 / 9))  # flat: first of equals
    assert weight_region(-np.ones((4, 4))) == ("centre", 0.0)  # negative weight is not weight
    with pytest.raises(ValueError):
        weight_region(np.zeros(5))


def test_predictor_is_the_one_path_from_photos_to_answers(tiny):
    prep = Preprocessing(input_size=32, resize_size=36)
    card = SimpleNamespace(config=TINY, class_names=("a", "b", "c"), preprocessing=prep,
                           test_flip=True, data={"none_of_these": {"threshold": 0.4}})
    predictor = Predictor(tiny, card)
    rng = np.random.default_rng(1)
    images = [Image.fromarray((rng.random((50, 70, 3)) * 255).astype(np.uint8)) for _ in range(3)]
    x = predictor.inputs(images)
    assert x.shape == (3, 3, 32, 32)
    # Photos and their inputs give the same logits; the card's flip is the default and differs from none.
    np.testing.assert_allclose(predictor.logits(images), predictor.logits(x), atol=1e-6)
    np.testing.assert_allclose(predictor.logits(images, batch=2), predictor.logits(x), atol=1e-6)
    assert not np.allclose(predictor.logits(images, flip=False), predictor.logits(images))
    probs = predictor.probs(images)
    np.testing.assert_allclose(probs.sum(1), 1, atol=1e-5)
    # The explanation's probabilities and verdict agree with the plain prediction and the card's rule.
    results = predictor.explain(images, layers=["features.denseblock2"])
    for res, p in zip(results, probs):
        np.testing.assert_allclose(res.explanation.probs, p, atol=1e-5)
        assert res.none_of_these == (p.max() < 0.4) and res.threshold == predictor.rule.threshold == 0.4
    assert predictor.rule.flags(probs).tolist() == [bool(p.max() < 0.4) for p in probs]
