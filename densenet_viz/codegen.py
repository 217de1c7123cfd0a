""""Copy as PyTorch": source code that rebuilds a config, with this package or with plain torchvision.

torchvision's ``DenseNet`` hard-codes the ImageNet stem, θ = 0.5 and a bottleneck, so its snippet is
offered only for configs it can express exactly (``torchvision_expressible``).
"""

from __future__ import annotations

from .config import PRESETS, DenseNetConfig

# torchvision.models builders whose defaults equal one of our presets (ImageNet, 1000 classes).
_TV_BUILDERS = ("densenet121", "densenet161", "densenet169", "densenet201")


def _literal(value) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, float):
        return repr(float(value))
    return repr(value)


def package_code(config: DenseNetConfig) -> str:
    """Python that rebuilds ``config`` with this package (every field spelled out)."""
    fields = ",\n".join(f"    {name}={_literal(value)}" for name, value in _fields(config))
    return (
        "from densenet_viz import DenseNetConfig, build_densenet, plan_network\n\n"
        f"config = DenseNetConfig(\n{fields},\n)\n"
        "model = build_densenet(config)  # on CUDA when available, else the CPU\n"
        "plan = plan_network(config)  # the channel plan: plan.params, plan.macs, plan.rows\n"
    )


def _fields(config: DenseNetConfig) -> list[tuple[str, object]]:
    d = config.to_dict()
    d["block_config"] = tuple(d["block_config"])
    return list(d.items())


def torchvision_problems(config: DenseNetConfig) -> list[str]:
    """Why plain torchvision cannot build ``config``, as codes (empty when it can).

    ``"stem"``: torchvision always uses the ImageNet stem; ``"theta"``: its transitions always halve the
    channels (θ = 0.5); ``"bottleneck"``: its dense layers always have a 1×1 bottleneck (bn_size > 0).
    """
    problems = []
    if config.stem != "imagenet":
        problems.append("stem")
    if config.compression != 0.5:
        problems.append("theta")
    if not config.bottleneck:
        problems.append("bottleneck")
    return problems


def torchvision_expressible(config: DenseNetConfig) -> bool:
    """True when ``torchvision.models.DenseNet`` builds exactly this architecture."""
    return not torchvision_problems(config)


def torchvision_code(config: DenseNetConfig) -> str | None:
    """Python that builds ``config`` with ``torchvision.models.DenseNet``, or None if it cannot."""
    if not torchvision_expressible(config):
        return None
    lines = [
        "import torchvision",
        "",
        "model = torchvision.models.DenseNet(",
        f"    growth_rate={config.growth_rate},",
        f"    block_config={_literal(config.block_config)},",
        f"    num_init_features={config.num_init_features},",
        f"    bn_size={config.bn_size},",
        f"    drop_rate={float(config.drop_rate)!r},",
        f"    num_classes={config.num_classes},",
        f"    memory_efficient={config.memory_efficient!r},",
        ")",
        f"# expects {config.input_size}×{config.input_size} RGB input (any size works: global average pool)",
    ]
    for name in _TV_BUILDERS:
        if PRESETS[name].architecture == config.architecture:
            lines.append(f"# same as torchvision.models.{name}(drop_rate={float(config.drop_rate)!r}, "
                         f"memory_efficient={config.memory_efficient!r})")
            break
    return "\n".join(lines) + "\n"
