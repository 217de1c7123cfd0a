"""The plan is checked against the real model, traced with forward hooks."""

import pytest
import torch

from densenet_viz import PRESETS, build_densenet, plan_network
from densenet_viz.trace import trace_model

from unit.test_plan import random_valid_configs


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_matches_its_traced_model(name):
    config = PRESETS[name]
    model = build_densenet(config, device="cpu")
    result = trace_model(model)
    assert result.agrees, result.mismatches[:5]
    plan = plan_network(config)
    assert sum(p.numel() for p in model.parameters()) == plan.params
    assert [r.out_hw for r in result.rows] == [r.out_hw for r in plan.rows]


def test_random_configs_match_their_traced_models():
    for config in random_valid_configs(30, seed=7):
        model = build_densenet(config, device="cpu")
        result = trace_model(model, batch_size=2)
        assert result.agrees, (config, result.mismatches[:3])
        assert sum(p.numel() for p in model.parameters()) == plan_network(config).params


def test_a_wrong_plan_is_caught():
    # The check itself must be able to fail: trace a model against another config's plan.
    model = build_densenet(PRESETS["densenet_bc100_k12"], device="cpu")
    other = plan_network(PRESETS["densenet_bc100_k12"].replace(growth_rate=11))
    with pytest.raises(KeyError):  # different layer names would not even line up...
        trace_model(model, plan_network(PRESETS["densenet_bc100_k12"].replace(block_config=(16, 16, 17))))
    result = trace_model(model, other)  # ...same names, different widths: reported as mismatches
    assert not result.agrees and len(result.mismatches) > 10


def test_forward_on_batch_has_the_planned_output():
    config = PRESETS["densenet_bc100_k12"]
    model = build_densenet(config, device="cpu").eval()
    with torch.no_grad():
        out = model(torch.randn(3, 3, 32, 32))
    assert out.shape == (3, 10)


def test_feature_taps_are_what_the_model_really_outputs_there():
    from densenet_viz.model import cam_layer_names, default_cam_layer, inspecting

    for config in random_valid_configs(8, seed=11):
        model = build_densenet(config, device="cpu")
        seen: dict[str, tuple] = {}

        def keep(name, seen=seen):
            return lambda _m, _i, out: seen.__setitem__(name, tuple(out.shape[1:]))

        with inspecting(model, {tap.module: keep(tap.module) for tap in model.feature_info}), torch.no_grad():
            model(torch.zeros(1, 3, config.input_size, config.input_size))
        assert seen == {tap.module: (tap.channels, tap.hw, tap.hw) for tap in model.feature_info}, config
        kinds = [tap.kind for tap in model.feature_info]
        assert kinds.count("block") == len(config.block_config) == kinds.count("transition") + 1
        assert cam_layer_names(config) == [tap.module for tap in model.feature_info[1:]]
        assert default_cam_layer(config) == f"features.denseblock{len(config.block_config)}"
