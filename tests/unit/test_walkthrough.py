"""The walkthrough: one hooked forward pass whose shapes, maps and numbers agree with the plan and the model."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from densenet_viz.config import DenseNetConfig
from densenet_viz.data import Preprocessing, center_crop, load_image, to_tensor
from densenet_viz.i18n import EN, ZH
from densenet_viz.model import build_densenet
from densenet_viz.plan import plan_network
from densenet_viz.plots.teaching import (
    make_class_bar_figure,
    make_feature_grid_figure,
    make_stage_overview_figure,
    make_top_entries_figure,
)
from densenet_viz.walkthrough import (
    STAGE_KINDS,
    FeatureMaps,
    synthetic_flower,
    synthetic_flower_bytes,
    top_entries,
    walk_through,
)
from densenet_viz.weights import SHIPPED_MODEL, list_examples, load_model

CLASSES = ("a", "b", "c")


def tiny(stem: str = "imagenet", **kw) -> DenseNetConfig:
    base = dict(growth_rate=4, block_config=(2, 3, 2), num_init_features=8, bn_size=2, compression=0.5,
                num_classes=3, stem=stem, input_size=48 if stem == "imagenet" else 16)
    base.update(kw)
    return DenseNetConfig(**base)


def photo(size: int = 64, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size, size + 8, 3), dtype=np.uint8))


def expected_from_plan(config: DenseNetConfig) -> list[tuple[str, int, tuple[int, ...]]]:
    """Stage kinds and shapes derived directly from the plan rows (independently of walkthrough.py)."""
    plan = plan_network(config)
    out = [("stem", 0, (1, plan.rows[0].out_channels, plan.rows[0].out_hw, plan.rows[0].out_hw))]
    block_out = [[r for r in plan.dense_layers if r.block == b][-1].out_channels
                 for b in range(1, len(config.block_config) + 1)]
    for b in range(1, len(config.block_config) + 1):
        hw = [r for r in plan.dense_layers if r.block == b][0].out_hw
        out.append(("block", b, (1, block_out[b - 1], hw, hw)))
        if b < len(config.block_config):
            r = plan.transitions[b - 1]
            out.append(("transition", b, (1, r.out_channels, r.out_hw, r.out_hw)))
    norm = plan.rows[-2]
    out += [("norm", 0, (1, norm.out_channels, norm.out_hw, norm.out_hw)), ("pool", 0, (1, plan.final_channels)),
            ("classifier", 0, (1, config.num_classes)), ("softmax", 0, (1, config.num_classes))]
    return out


def run(config: DenseNetConfig, n_maps: int = 5, seed: int = 0):
    torch.manual_seed(seed)
    model = build_densenet(config, device="cpu").eval()
    prep = Preprocessing(input_size=config.input_size, resize_size=config.input_size + 8)
    return model, prep, walk_through(model, photo(), prep, CLASSES[: config.num_classes], n_maps=n_maps)


@pytest.mark.parametrize("config", [tiny(), tiny("cifar"), tiny(compression=1.0, bn_size=0),
                                    tiny(block_config=(3,), input_size=40)], ids=["bc", "cifar", "plain", "1block"])
def test_every_stage_shape_equals_the_plan(config):
    _, _, walk = run(config)
    got = [(s.kind, s.index, s.shape) for s in walk.stages]
    assert got == expected_from_plan(config)
    assert all(s.matches_plan and s.shape == s.plan_shape for s in walk.stages)
    has_transition = len(config.block_config) > 1
    assert {s.kind for s in walk.stages} == set(STAGE_KINDS) - (set() if has_transition else {"transition"})


@pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")
def test_shipped_model_shapes_equal_the_plan_at_the_cards_input_size():
    model, card = load_model(SHIPPED_MODEL)
    walk = walk_through(model, synthetic_flower(200), card.preprocessing, card.class_names, n_maps=4)
    config = card.config.replace(input_size=card.preprocessing.input_size)
    assert [(s.kind, s.index, s.shape) for s in walk.stages] == expected_from_plan(config)
    assert len(walk.stages) == 1 + 4 + 3 + 4  # stem, 4 blocks, 3 transitions, norm5, pool, classifier, softmax
    assert walk.probabilities.shape == (5,) and walk.class_names == card.class_names
    assert walk.image.shape == (card.preprocessing.input_size, card.preprocessing.input_size, 3)


def test_feature_map_grids_have_the_right_count_channels_and_range():
    config = tiny()
    k = config.growth_rate
    _, _, walk = run(config, n_maps=5)
    plan = plan_network(config)
    for s in walk.stages:
        if s.kind in ("pool", "classifier", "softmax"):
            assert s.active is None and s.newest is None and s.vector is not None
            continue
        channels = s.shape[1]
        assert len(s.active) == min(5, channels)
        assert s.active.maps.shape == (len(s.active), s.shape[2], s.shape[3])
        assert len(set(s.active.channels)) == len(s.active)
        norm = s.active.normalised()
        assert norm.min() >= 0.0 and norm.max() <= 1.0
        for m in norm:  # each non-constant map spans exactly [0, 1]
            if np.ptp(m) > 0:
                assert m.min() == pytest.approx(0.0) and m.max() == pytest.approx(1.0)
        assert s.value_range[0] <= s.active.maps.min() and s.active.maps.max() <= s.value_range[1]
        if s.kind == "block":
            n_layers = config.block_config[s.index - 1]
            # The newest maps are the k channels the block's last layer appended at the end.
            assert len(s.newest) == min(5, k)
            assert all(channels - k <= c < channels for c in s.newest.channels)
            assert set(s.newest.origins) == {n_layers}
            block_in = [r for r in plan.dense_layers if r.block == s.index][0].in_channels
            for c, o in zip(s.active.channels, s.active.origins, strict=True):
                assert o == (0 if c < block_in else (c - block_in) // k + 1)
        else:
            assert s.newest is None


def test_maps_and_numbers_are_the_real_models():
    config = tiny()
    model, prep, walk = run(config, n_maps=3)
    x = to_tensor(center_crop(photo(), prep.resize_size, prep.input_size), prep).unsqueeze(0)
    with torch.no_grad():
        stem = model.features[:4](x)[0]
        feats = model.forward_features(x)
        logits = model(x)
    s = walk.stages[0]
    # The "most active" maps are the stem channels with the largest means, values unchanged.
    top = torch.topk(stem.mean(dim=(1, 2)), 3).indices.tolist()
    assert list(s.active.channels) == top
    np.testing.assert_allclose(s.active.maps, stem[top].numpy(), rtol=1e-5, atol=1e-6)
    pooled = F.adaptive_avg_pool2d(feats, 1).flatten().numpy()
    np.testing.assert_allclose(walk.pooled, pooled, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(walk.stages[-2].vector, logits[0].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(walk.probabilities, torch.softmax(logits, 1)[0].numpy(), rtol=1e-5, atol=1e-7)
    assert walk.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert walk.stages[-1].say["cls"] == CLASSES[int(logits.argmax())]
    assert walk.predicted == int(logits.argmax())


def test_walkthrough_leaves_the_shared_model_untouched():
    config = tiny()
    model, prep, _ = run(config)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    walk_through(model, photo(seed=1), prep, CLASSES)
    assert not model.training
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_sentence_numbers_come_from_the_plan():
    config = tiny()
    _, _, walk = run(config)
    plan = plan_network(config)
    block2 = next(s for s in walk.stages if s.kind == "block" and s.index == 2)
    rows = [r for r in plan.dense_layers if r.block == 2]
    assert block2.say == {"b": 2, "n": 3, "k": 4, "cin": rows[0].in_channels, "cout": rows[-1].out_channels,
                          "hw": rows[0].out_hw, "first": rows[-1].out_channels - 4, "last": rows[-1].out_channels - 1}
    t1 = next(s for s in walk.stages if s.kind == "transition")
    assert (t1.say["cin"], t1.say["cout"], t1.say["hw"]) == (plan.transitions[0].in_channels,
                                                              plan.transitions[0].out_channels,
                                                              plan.transitions[0].out_hw)


def test_top_entries_and_figures():
    v = np.array([0.1, 3.0, -1.0, 2.0, 0.5])
    idx, vals = top_entries(v, 3)
    assert idx.tolist() == [1, 3, 4] and vals.tolist() == [3.0, 2.0, 0.5]
    assert top_entries(v, 10)[0].size == 5

    maps = FeatureMaps((7, 2, 9), np.stack([np.arange(16.0).reshape(4, 4), np.ones((4, 4)), -np.eye(4)]))
    fig = make_feature_grid_figure(maps, "en", cols=2)
    heat = [tr for tr in fig.data if tr.type == "heatmap"]
    assert len(heat) == 3
    for tr in heat:
        z = np.asarray(tr.z, dtype=float)
        assert z.shape == (4, 4) and z.min() >= 0.0 and z.max() <= 1.0
    assert [a.text for a in fig.layout.annotations] == [EN["walk.map_label"].format(c=c) for c in (7, 2, 9)]
    assert fig.layout.title.text.replace("<br>", " ") == EN["walk.active_title"]  # wrapped for a phone
    origins = FeatureMaps((7, 30), maps.maps[:2], origins=(0, 2))
    zh = make_feature_grid_figure(origins, "zh", newest={"b": 1, "n": 6, "k": 32, "cin": 64, "cout": 256, "hw": 56,
                                                          "first": 224, "last": 255})
    newest = ZH["walk.newest_title"].format(b=1, n=6, k=32, cin=64, cout=256, hw=56, first=224, last=255)
    assert zh.layout.title.text.replace("<br>", "") == newest  # wrapped for a phone

    bars = make_top_entries_figure(v, 2, "en")
    assert list(bars.data[0].x) == ["#1", "#3"] and list(bars.data[0].y) == [3.0, 2.0]
    assert bars.layout.title.text.replace("<br>", " ") == EN["walk.pooled_title"].format(c=5)
    probs = make_class_bar_figure(np.array([0.2, 0.7, 0.1]), ("a", "b", "c"), "zh", percent=True)
    assert probs.layout.title.text == ZH["walk.probs_title"]
    assert list(probs.data[0].y) == pytest.approx([20.0, 70.0, 10.0])
    assert probs.data[0].marker.color[1] != probs.data[0].marker.color[0]  # the winner is highlighted


def test_stage_overview_highlights_the_current_stage():
    _, _, walk = run(tiny())
    fig = make_stage_overview_figure(walk.stages, 3, "en")
    assert list(fig.data[0].x)[:2] == [EN["common.stem"], EN["common.block"].format(b=1)]
    assert list(fig.data[0].y) == [s.shape[1] for s in walk.stages]
    colours = list(fig.data[0].marker.color)
    assert colours.count(colours[3]) == 1
    assert fig.layout.yaxis.type == "log"


def test_synthetic_and_example_images_decode():
    img = load_image(synthetic_flower_bytes(128))
    assert img.size == (128, 128) and img.mode == "RGB"
    examples = list_examples()
    assert examples and all(load_image(path).mode == "RGB" for path in examples)
    assert list_examples("/nonexistent/folder") == []
    buf = io.BytesIO()
    synthetic_flower(64).save(buf, "PNG")
    assert load_image(buf.getvalue()).size == (64, 64)
