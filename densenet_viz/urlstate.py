"""A config to and from URL query parameters, so a teacher can share a link to an exact model."""

from __future__ import annotations

from collections.abc import Mapping

from .config import PRESETS, ConfigError, DenseNetConfig, matching_preset

# query key -> (config field, parser). Short keys keep shared links readable.
_FIELDS = {
    "k": ("growth_rate", int),
    "blocks": ("block_config", lambda s: tuple(int(v) for v in s.replace(",", "-").split("-") if v)),
    "init": ("num_init_features", int),
    "bn": ("bn_size", int),
    "theta": ("compression", float),
    "drop": ("drop_rate", float),
    "classes": ("num_classes", int),
    "stem": ("stem", str),
    "size": ("input_size", int),
    "mem": ("memory_efficient", lambda s: {"1": True, "0": False, "true": True, "false": False}[s.lower()]),
}
DEFAULT_PRESET = "densenet121"


def config_to_query(config: DenseNetConfig, preset: str | None = None) -> dict[str, str]:
    """Every field, plus the preset it started from (for the picker)."""
    q = {"preset": preset or matching_preset(config) or DEFAULT_PRESET}
    for key, (name, _) in _FIELDS.items():
        value = getattr(config, name)
        if name == "block_config":
            q[key] = "-".join(str(v) for v in value)
        elif isinstance(value, bool):
            q[key] = "1" if value else "0"
        else:
            q[key] = f"{value:g}" if isinstance(value, float) else str(value)
    return q


def config_from_query(params: Mapping[str, str]) -> tuple[DenseNetConfig, str, str | None]:
    """(config, preset name, problem). On any bad value: the preset (or the default) and the reason."""
    preset = params.get("preset", DEFAULT_PRESET)
    if preset not in PRESETS:
        return PRESETS[DEFAULT_PRESET], DEFAULT_PRESET, f"unknown preset {str(preset)[:40]!r}"
    changes = {}
    for key, (name, parse) in _FIELDS.items():
        if key in params:
            try:
                changes[name] = parse(str(params[key]))
            except (ValueError, KeyError):
                return PRESETS[preset], preset, f"{key}={str(params[key])[:40]!r} is not a valid value"
    try:
        return PRESETS[preset].replace(**changes), preset, None
    except ConfigError as exc:
        return PRESETS[preset], preset, str(exc)
