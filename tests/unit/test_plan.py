import random

import pytest

from densenet_viz import PRESETS, DenseNetConfig, plan_network
from densenet_viz.config import ConfigError
from densenet_viz.plan import stages

TORCHVISION = {  # parameters and GMACs at 224×224 from torchvision's weight metadata
    "densenet121": (7_978_856, 2.834),
    "densenet169": (14_149_480, 3.36),
    "densenet201": (20_013_928, 4.291),
    "densenet161": (28_681_000, 7.728),
}


@pytest.mark.parametrize("name", sorted(TORCHVISION))
def test_plan_matches_torchvision_params_and_macs(name):
    plan = plan_network(PRESETS[name])
    params, gmacs = TORCHVISION[name]
    assert plan.params == params
    assert plan.macs / 1e9 == pytest.approx(gmacs, abs=6e-4)  # torchvision prints 3 or 4 digits


def test_densenet_bc_100_k12_on_cifar10():
    assert plan_network(PRESETS["densenet_bc100_k12"]).params == 769_162


def test_depth_is_counted_as_in_the_paper():
    assert plan_network(PRESETS["densenet121"]).depth == 121
    assert plan_network(PRESETS["densenet169"]).depth == 169
    assert plan_network(PRESETS["densenet201"]).depth == 201
    assert plan_network(PRESETS["densenet40_k12"]).depth == 40
    assert plan_network(PRESETS["densenet_bc100_k12"]).depth == 100
    assert plan_network(PRESETS["densenet_bc250_k24"]).depth == 250
    assert plan_network(PRESETS["densenet_bc190_k40"]).depth == 190


def test_channels_grow_by_k_and_shrink_by_theta():
    c = PRESETS["densenet121"]
    plan = plan_network(c)
    layers = plan.dense_layers
    block1 = [r for r in layers if r.block == 1]
    assert [r.in_channels for r in block1] == [64 + 32 * i for i in range(6)]
    assert block1[-1].out_channels == 256
    assert [(t.in_channels, t.out_channels) for t in plan.transitions] == [(256, 128), (512, 256), (1024, 512)]
    assert [t.out_hw for t in plan.transitions] == [28, 14, 7]
    assert plan.rows[0].out_hw == 56 and plan.final_channels == 1024
    blocks = [s for s in stages(plan) if s.kind == "block"]
    assert [s.channels for s in blocks] == [256, 512, 1024, 1024] and [s.hw for s in blocks] == [56, 28, 14, 7]
    assert [s.kind for s in stages(plan)] == ["stem"] + ["block", "transition"] * 3 + ["block", "norm", "classifier"]
    assert [s.module for s in stages(plan)][1:3] == ["features.denseblock1", "features.transition1"]
    assert all(r.bottleneck_channels == 128 for r in layers)


def test_rows_cover_every_stage_once():
    plan = plan_network(PRESETS["densenet121"])
    stages = [r.stage for r in plan.rows]
    assert stages[0] == "stem" and stages[-2:] == ["norm", "classifier"]
    assert stages.count("dense_layer") == 58 and stages.count("transition") == 3
    assert plan.params == sum(r.params for r in plan.rows)


def test_activation_memory_quadratic_vs_linear():
    def mem(n, storage):
        c = DenseNetConfig(block_config=(n,), stem="cifar", input_size=8, num_init_features=16, growth_rate=12)
        return plan_network(c).activation_bytes(1, "float32", storage)

    naive = [mem(n, "naive") for n in (8, 16, 32, 64)]
    shared = [mem(n, "shared") for n in (8, 16, 32, 64)]
    # Doubling the layers roughly quadruples naive memory (quadratic) but only doubles shared (linear).
    assert naive[3] / naive[2] > 3.0
    assert shared[3] / shared[2] < 2.3
    assert all(s < n for s, n in zip(shared, naive))
    plan = plan_network(PRESETS["densenet121"])
    assert plan.activation_bytes(8, "float16") * 2 == plan.activation_bytes(8, "float32")
    assert plan.activation_bytes(4) == 4 * plan.activation_bytes(1)
    with pytest.raises(ValueError):
        plan.activation_bytes(1, "int7")


def test_planning_is_arithmetic_only(monkeypatch):
    # What makes plan_network cheap enough for every slider move (its time is in docs/benchmarks.md): it
    # builds no module and makes no tensor, even for the deepest preset.
    import torch

    def refuse(*args, **kwargs):
        raise AssertionError("plan_network touched torch")

    monkeypatch.setattr(torch.nn.Module, "__init__", refuse)
    for make in ("zeros", "empty", "randn", "tensor", "ones"):
        monkeypatch.setattr(torch, make, refuse)
    plan = plan_network(PRESETS["densenet264"].replace(growth_rate=31))  # a config no earlier test planned
    assert len(plan.dense_layers) == sum(plan.config.block_config) and plan.params > 0


def random_valid_configs(n, seed=0):
    """A spread of small random configs that validate (both stems, with/without bottleneck and θ)."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        try:
            out.append(DenseNetConfig(
                growth_rate=rng.randint(1, 12),
                block_config=tuple(rng.randint(1, 4) for _ in range(rng.randint(1, 4))),
                num_init_features=rng.randint(1, 24),
                bn_size=rng.choice([0, 1, 2, 4]),
                compression=rng.choice([0.3, 0.5, 0.7, 1.0]),
                num_classes=rng.randint(1, 10),
                stem=rng.choice(["imagenet", "cifar"]),
                input_size=rng.randint(8, 72),
            ))
        except ConfigError:
            continue
    return out


def test_random_configs_are_planned_consistently():
    for c in random_valid_configs(50, seed=1):
        plan = plan_network(c)
        assert plan.rows[-1].out_channels == c.num_classes
        assert len(plan.dense_layers) == sum(c.block_config)
        assert all(r.out_hw >= 1 for r in plan.rows)
