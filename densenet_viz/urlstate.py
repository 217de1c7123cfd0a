"""A config to and from URL query parameters, so a teacher can share a link to an exact model.

The keys and text forms are the config's own (``config.FIELDS``: ``k``, ``blocks``, ``theta``, ...).
"""

from __future__ import annotations

from collections.abc import Mapping

from .config import FIELDS, PRESETS, ConfigError, DenseNetConfig, matching_preset

DEFAULT_PRESET = "densenet121"


def config_to_query(config: DenseNetConfig, preset: str | None = None) -> dict[str, str]:
    """Every field, plus the preset it started from (for the picker)."""
    q = {"preset": preset or matching_preset(config) or DEFAULT_PRESET}
    q.update({spec.url: spec.format(getattr(config, spec.name)) for spec in FIELDS.values()})
    return q


def config_from_query(params: Mapping[str, str]) -> tuple[DenseNetConfig, str, ConfigError | None]:
    """(config, preset name, problem). On any bad value: the preset (or the default) and why."""
    preset = str(params.get("preset", DEFAULT_PRESET))
    if preset not in PRESETS:
        return PRESETS[DEFAULT_PRESET], DEFAULT_PRESET, ConfigError("preset", preset, "preset",
                                                                    choices=", ".join(PRESETS))
    try:
        changes = {spec.name: spec.parse(params[spec.url]) for spec in FIELDS.values() if spec.url in params}
        return PRESETS[preset].replace(**changes), preset, None
    except ConfigError as exc:
        return PRESETS[preset], preset, exc
