"""DenseNet Explorer: configurable DenseNets, their exact channel plan, and explained predictions.

Public API::

    from densenet_viz import DenseNetConfig, PRESETS, plan_network, build_densenet
"""

from .config import PRESET_INFO, PRESETS, ConfigError, DenseNetConfig, Preset, matching_preset
from .plan import Plan, PlanRow, plan_network

__all__ = [
    "DenseNetConfig",
    "ConfigError",
    "PRESETS",
    "PRESET_INFO",
    "Preset",
    "matching_preset",
    "Plan",
    "PlanRow",
    "plan_network",
    "build_densenet",
    "default_device",
    "describe_device",
]


def __getattr__(name: str):
    # torch is imported lazily: planning and the CLI's `summary` stay fast and torch-free.
    if name in ("build_densenet", "default_device", "describe_device"):
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'densenet_viz' has no attribute {name!r}")
