"""A config to and from URL query parameters, so a teacher can share a link to an exact model.

The keys and text forms are the config's own (``config.FIELDS``: ``k``, ``blocks``, ``theta``, ...).
A link is hostile input: only the keys in ``QUERY_KEYS`` are read, and no value over
``config.MAX_INPUT_CHARS`` characters is parsed.
"""

from __future__ import annotations

from collections.abc import Mapping

from .config import FIELDS, PRESETS, ConfigError, DenseNetConfig, check_length, matching_preset

DEFAULT_PRESET = "densenet121"
STEP_KEY, SHOW_KEY = "step", "show"  # a lesson link's step and the sidebar controls it shows (densenet_viz.lesson)
ROOM_KEY, SEAT_KEY, TEACHER_KEY = "room", "seat", "teacher"  # the class room (densenet_viz.ui.classroom)
CLASS_KEYS = (ROOM_KEY, SEAT_KEY, TEACHER_KEY)
# Only these keys are read from a URL; others are ignored.
QUERY_KEYS = ("lang", "preset", STEP_KEY, SHOW_KEY, *CLASS_KEYS, *(spec.url for spec in FIELDS.values()))


def read_query(params: Mapping[str, str]) -> dict[str, str]:
    """The parameters this app reads (``QUERY_KEYS``) from a page's query; anything a user added is dropped."""
    return {key: str(params[key]) for key in QUERY_KEYS if key in params}


def config_to_query(config: DenseNetConfig, preset: str | None = None) -> dict[str, str]:
    """Every field, plus the preset it started from (for the picker)."""
    q = {"preset": preset or matching_preset(config) or DEFAULT_PRESET}
    q.update({spec.url: spec.format(getattr(config, spec.name)) for spec in FIELDS.values()})
    return q


def config_from_query(params: Mapping[str, str]) -> tuple[DenseNetConfig, str, ConfigError | None]:
    """(config, preset name, problem). On any bad value: the preset (or the default) and why.
    Every value is length-checked before it is parsed (``FieldSpec.parse`` does so for the fields)."""
    preset = str(params.get("preset", DEFAULT_PRESET))
    try:
        check_length("preset", preset)
    except ConfigError as exc:
        return PRESETS[DEFAULT_PRESET], DEFAULT_PRESET, exc
    if preset not in PRESETS:
        return PRESETS[DEFAULT_PRESET], DEFAULT_PRESET, ConfigError("preset", preset, "preset",
                                                                    choices=", ".join(PRESETS))
    try:
        changes = {spec.name: spec.parse(params[spec.url]) for spec in FIELDS.values() if spec.url in params}
        return PRESETS[preset].replace(**changes), preset, None
    except ConfigError as exc:
        return PRESETS[preset], preset, exc
