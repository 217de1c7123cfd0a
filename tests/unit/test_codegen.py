"""'Copy as PyTorch': the generated code runs and rebuilds exactly the configured network."""

import pytest
import torch
import torchvision

from densenet_viz.codegen import package_code, torchvision_code, torchvision_expressible, torchvision_problems
from densenet_viz.config import PRESETS, DenseNetConfig
from densenet_viz.model import build_densenet
from densenet_viz.plan import plan_network

SMALL_TV = DenseNetConfig(growth_rate=4, block_config=(2, 3), num_init_features=8, bn_size=2, num_classes=5,
                          input_size=32, drop_rate=0.1)


def _run(code: str) -> dict:
    namespace: dict = {}
    exec(compile(code, "<generated>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


@pytest.mark.parametrize("config", [
    SMALL_TV,
    DenseNetConfig(growth_rate=3, block_config=(2,), num_init_features=5, bn_size=0, compression=1.0,
                   num_classes=2, stem="cifar", input_size=8, memory_efficient=True),
])
def test_package_code_rebuilds_the_config(config):
    ns = _run(package_code(config))
    assert ns["config"] == config
    assert sum(p.numel() for p in ns["model"].parameters()) == plan_network(config).params
    assert ns["plan"].params == plan_network(config).params


def test_torchvision_code_builds_the_same_architecture():
    code = torchvision_code(SMALL_TV)
    assert code is not None and "torchvision.models.DenseNet(" in code
    assert "block_config=(2, 3)" in code and "growth_rate=4" in code and "drop_rate=0.1" in code
    tv_model = _run(code)["model"]
    assert isinstance(tv_model, torchvision.models.DenseNet)
    ours = build_densenet(SMALL_TV, device="cpu")
    # Same module names and shapes: torchvision's state dict loads strictly into ours.
    ours.load_state_dict(tv_model.state_dict(), strict=True)
    assert sum(p.numel() for p in tv_model.parameters()) == plan_network(SMALL_TV).params
    x = torch.randn(2, 3, 32, 32)
    ours.eval()
    tv_model.eval()
    with torch.no_grad():
        assert torch.allclose(ours(x), tv_model(x), atol=1e-5)


def test_torchvision_preset_mentions_builder():
    code = torchvision_code(PRESETS["densenet121"])
    assert "torchvision.models.densenet121(" in code
    assert "torchvision.models.densenet121(" not in torchvision_code(PRESETS["densenet121"].replace(growth_rate=12))


@pytest.mark.parametrize("changes, problems", [
    ({"stem": "cifar", "input_size": 32}, ["stem"]),
    ({"compression": 0.6}, ["theta"]),
    ({"bn_size": 0}, ["bottleneck"]),
    ({"bn_size": 0, "compression": 1.0}, ["theta", "bottleneck"]),
])
def test_torchvision_refuses_what_it_cannot_express(changes, problems):
    config = PRESETS["densenet121"].replace(**changes)
    assert torchvision_problems(config) == problems
    assert not torchvision_expressible(config)
    assert torchvision_code(config) is None


def test_cifar_presets_are_not_torchvision():
    assert torchvision_code(PRESETS["densenet_bc100_k12"]) is None
    assert torchvision_expressible(PRESETS["densenet169"])
