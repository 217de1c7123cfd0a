"""Gradient flow (densenet_viz.gradient_flow) and parameter efficiency (densenet_viz.efficiency):
measured values and their figures."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from densenet_viz.config import PRESET_INFO, PRESETS, DenseNetConfig
from densenet_viz.efficiency import REFERENCE_MODELS, our_point, reference_models
from densenet_viz.gradient_flow import ARCHS, ToyNet, gradient_flow
from densenet_viz.i18n import EN, ZH
from densenet_viz.memory import measure_memory, memory_curve, saved_tensor_bytes, scaled_config
from densenet_viz.model import build_densenet
from densenet_viz.plan import plan_network
from densenet_viz.plots.teaching import (
    make_efficiency_figure,
    make_gradient_flow_figure,
    make_memory_figure,
)

FAST = dict(width=4, batch_size=4, image_size=16, device="cpu")


def tiny(**kw) -> DenseNetConfig:
    base = dict(growth_rate=4, block_config=(3, 3), num_init_features=8, bn_size=2, num_classes=3, stem="cifar",
                input_size=16)
    base.update(kw)
    return DenseNetConfig(**base)


@pytest.fixture(scope="module")
def deep_flow():
    # A 40-layer network, no batch norm, PyTorch's default initialisation: no normalisation tricks.
    return gradient_flow(depth=40, batch_norm=False, init="default", **FAST)


def test_one_gradient_norm_per_layer(deep_flow):
    assert set(deep_flow.norms) == set(ARCHS)
    assert set(deep_flow.output_norms) == set(ARCHS)
    for arch in ARCHS:
        for g in (deep_flow.norms[arch], deep_flow.output_norms[arch]):
            assert g.shape == (40,) and np.all(np.isfinite(g)) and np.all(g >= 0)
    small = gradient_flow(depth=7, **FAST)
    assert all(v.shape == (7,) for v in small.norms.values())
    assert all(v.shape == (7,) for v in small.series("outputs").values())
    assert small.series("weights") is small.norms
    with pytest.raises(ValueError):
        small.series("biases")


def test_plain_network_gradient_vanishes_where_densenet_does_not(deep_flow):
    dense, plain = deep_flow.norms["dense"], deep_flow.norms["plain"]
    assert dense[0] > 1e-6
    # The plain net's first layer gets a vanishing share of the signal: many orders of magnitude less.
    assert plain[0] < dense[0] * 1e-3
    # The dense net's gradients stay within a small factor from the first layer to the last.
    assert 0.01 < dense[0] / dense[-1] < 100
    # The signal reaching each layer's output: in the plain net it shrinks on the way back to the input.
    out_dense, out_plain = deep_flow.output_norms["dense"], deep_flow.output_norms["plain"]
    assert out_plain[0] < out_plain[-1] * 1e-6
    assert np.all(np.diff(np.log(out_plain)) > 0)  # monotonically, layer after layer
    assert 0.01 < out_dense[0] / out_dense[-1] < 100
    assert out_plain[0] < out_dense[0] * 1e-6


def test_depth_is_what_makes_the_plain_gradient_vanish(deep_flow):
    shallow = gradient_flow(depth=4, **FAST)
    assert shallow.norms["plain"][0] > deep_flow.norms["plain"][0] * 1e6
    assert shallow.norms["plain"][0] > shallow.norms["dense"][0] * 1e-2  # 4 layers: the same order as dense


def test_toynet_wiring():
    dense = ToyNet("dense", depth=5, width=3)
    assert [c.in_channels for c in dense.layers] == [3, 6, 9, 12, 15]
    assert dense.head.in_features == 18
    plain = ToyNet("plain", depth=5, width=3, batch_norm=True)
    assert [c.in_channels for c in plain.layers] == [3] * 5
    assert all(isinstance(n, torch.nn.BatchNorm2d) for n in plain.norms)
    assert ToyNet("residual", 5, 3)(torch.randn(2, 3, 8, 8)).shape == (2, 10)
    for bad in (dict(arch="wide"), dict(init="zeros"), dict(depth=0)):
        args = dict(arch="plain", depth=3, width=2, init="default") | bad
        with pytest.raises(ValueError):
            ToyNet(args["arch"], args["depth"], args["width"], init=args["init"])


def test_same_batch_and_seed_give_the_same_norms():
    a = gradient_flow(depth=6, **FAST)
    b = gradient_flow(depth=6, **FAST)
    for arch in ARCHS:
        np.testing.assert_array_equal(a.norms[arch], b.norms[arch])
    assert a.params["dense"] > a.params["plain"] == a.params["residual"]


def test_reference_models_come_from_torchvision_metadata():
    from torchvision.models import get_model_weights

    models = reference_models()
    assert [m.name for m in models] == list(REFERENCE_MODELS)
    for m in models:
        meta = get_model_weights(m.name).IMAGENET1K_V1.meta
        assert m.params == meta["num_params"] == m.params_counted  # metadata agrees with the architecture
        assert m.top1 == meta["_metrics"]["ImageNet-1K"]["acc@1"] and 50 < m.top1 < 90
        assert m.gmacs == meta["_ops"] > 0
    by_name = {m.name: m for m in models}
    for name in ("densenet121", "densenet169", "densenet201", "densenet161"):
        plan = plan_network(PRESETS[name])
        assert plan.params == by_name[name].params == PRESET_INFO[name].published_params
        assert plan.macs / 1e9 == pytest.approx(by_name[name].gmacs, rel=0.01)
    assert by_name["vgg16"].family == "VGG" and by_name["resnet50"].family == "ResNet"


def test_our_point_moves_with_the_config():
    p121 = our_point(PRESETS["densenet121"])
    assert p121.params == 7_978_856 and p121.top1 == PRESET_INFO["densenet121"].published_top1
    assert p121.preset_title == "DenseNet-121"
    custom = PRESETS["densenet121"].replace(growth_rate=12)
    p = our_point(custom)
    assert p.top1 is None and p.params == plan_network(custom).params < p121.params
    assert our_point(PRESETS["densenet40_k12"]).top1 is None  # a CIFAR accuracy does not go on an ImageNet chart


def test_efficiency_figure_shows_ours_as_star_or_line():
    models = reference_models(("densenet121", "resnet18", "vgg16"))
    ours = our_point(PRESETS["densenet121"])
    fig = make_efficiency_figure(models, ours, "en")
    label = EN["why.eff_ours"].format(title=ours.preset_title)
    stars = [tr for tr in fig.data if tr.name == label]
    assert len(stars) == 2 and stars[0].x[0] == pytest.approx(7.978856) and stars[0].y[0] == pytest.approx(74.434)
    assert stars[1].x[0] == pytest.approx(plan_network(PRESETS["densenet121"]).macs / 1e9)
    assert fig.layout.xaxis.type == "log" and fig.layout.xaxis2.type == "log"
    custom = our_point(PRESETS["densenet121"].replace(growth_rate=12))
    fig2 = make_efficiency_figure(models, custom, "zh")
    assert not [tr for tr in fig2.data if tr.name == label]
    assert [tr for tr in fig2.data if tr.name == ZH["why.eff_ours_unknown"]]
    assert len(fig2.layout.shapes) == 2 and fig2.layout.shapes[0].x0 == pytest.approx(custom.params / 1e6)


def test_gradient_flow_figure(deep_flow):
    fig = make_gradient_flow_figure(deep_flow, "en")
    assert [tr.name for tr in fig.data] == [EN[f"why.arch_{a}"] for a in ARCHS]
    assert ZH["why.grad_hover_layer"] in make_gradient_flow_figure(deep_flow, "zh").data[0].hovertemplate
    assert all(len(tr.y) == 40 and list(tr.x) == list(range(1, 41)) for tr in fig.data)
    assert list(fig.data[1].y) == pytest.approx(list(deep_flow.output_norms["plain"]))  # outputs by default
    assert fig.layout.yaxis.type == "log"
    weights = make_gradient_flow_figure(deep_flow, "en", kind="weights")
    assert list(weights.data[0].y) == pytest.approx(list(deep_flow.norms["dense"]))


def test_memory_curve_from_the_plan():
    config = PRESETS["densenet121"]
    curve = memory_curve(config, batch_size=2)
    depths = [p.depth for p in curve]
    assert depths == sorted(depths) and plan_network(config).depth in depths
    for p in curve:
        plan = plan_network(config.replace(block_config=p.block_config))
        assert p.naive_bytes == plan.activation_bytes(2, "float32", "naive")
        assert p.shared_bytes == plan.activation_bytes(2, "float32", "shared")
        assert p.naive_bytes > p.shared_bytes
    # Naive storage grows faster than linearly with depth; shared storage close to linearly.
    first, last = curve[0], curve[-1]
    assert last.naive_bytes / first.naive_bytes > last.shared_bytes / first.shared_bytes * 3
    assert scaled_config(config, 0.01).block_config == (1, 1, 1, 1)
    assert scaled_config(config, 100).block_config == (128,) * 4


def test_saved_tensor_bytes_match_the_plan_and_checkpointing_saves():
    config = tiny(block_config=(6, 6), input_size=16)
    x = torch.randn(2, 3, 16, 16)
    plan = plan_network(config)
    torch.manual_seed(0)
    naive = saved_tensor_bytes(build_densenet(config, device="cpu"), x)
    efficient = saved_tensor_bytes(build_densenet(config.replace(memory_efficient=True), device="cpu"), x)
    predicted = plan.activation_bytes(2, "float32", "naive")
    assert naive == pytest.approx(predicted, rel=0.1)
    assert efficient < naive * 0.8
    assert efficient == pytest.approx(plan.activation_bytes(2, "float32", "shared"), rel=0.25)


def test_measure_memory_respects_the_budget():
    config = tiny()
    full = measure_memory(config, batch_size=1, scales=(0.5, 1.0, 2.0), device="cpu")
    assert full.method == "saved_tensors" and full.skipped == 0
    assert [p.depth for p in full.points] == [p.depth for p in memory_curve(config, 1, scales=(0.5, 1.0, 2.0))]
    assert all(p.shared_bytes < p.naive_bytes for p in full.points)
    cheap = measure_memory(config, batch_size=1, scales=(0.5, 1.0, 2.0), device="cpu", budget_gmacs=1e-9)
    assert len(cheap.points) == 1 and cheap.skipped == 2  # always at least the shallowest point

    curve = memory_curve(config, 1, scales=(0.5, 1.0, 2.0))
    fig = make_memory_figure(curve, full, plan_network(config).depth, 1, config.input_size, "en")
    assert [tr.name for tr in fig.data] == [EN[f"why.mem_{k}"] for k in ("naive", "shared", "measured_naive",
                                                                         "measured_shared")]
    assert list(fig.data[2].y) == pytest.approx([p.naive_bytes / 2**20 for p in full.points])
    assert len(make_memory_figure(curve, None, 10, 1, 32, "en").data) == 2




def test_efficiency_panels_stack_and_close_models_are_labelled_on_opposite_sides():
    fig = make_efficiency_figure(reference_models(), our_point(PRESETS["densenet121"]), "en")
    assert fig.layout.xaxis.domain == fig.layout.xaxis2.domain  # one above the other, each the whole width
    assert fig.layout.yaxis2.domain[1] < fig.layout.yaxis.domain[0]
    side = {}
    for tr in fig.data:
        if tr.text is not None:
            for name, position, x in zip(tr.text, tr.textposition, tr.x, strict=True):
                side[(name, tr.xaxis)] = (position, x)
    # DenseNet-161 and ResNet-101 take the same compute (7.7 and 7.8 GMACs) at nearly the same top-1.
    assert side[("densenet161", "x2")][1] == pytest.approx(side[("resnet101", "x2")][1], rel=0.02)
    assert side[("densenet161", "x2")][0] != side[("resnet101", "x2")][0]
    assert {p for p, _ in side.values()} <= {"top center", "bottom center"}
