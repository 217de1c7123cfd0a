"""Bounds of the class room feature: room lifetime, sizes, caps and rates, in one frozen dataclass."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

TTL_ENV = "DENSENET_VIZ_CLASS_TTL_H"  # room lifetime in hours (e.g. 1.5)
# Every other bound can be set as DENSENET_VIZ_CLASS_<FIELD> (e.g. DENSENET_VIZ_CLASS_MAX_MEMBERS=40).
ENV_PREFIX = "DENSENET_VIZ_CLASS_"


@dataclass(frozen=True)
class Limits:
    """All bounds of one store. The defaults fit one school class on a small server."""

    ttl_s: int = 3 * 3600  # a room and all its rows are deleted this long after it was started
    max_rooms: int = 50  # open rooms on the whole server
    max_members: int = 60  # students in one room (those who left do not count)
    max_shares_per_member: int = 6
    max_shares_per_room: int = 200
    max_answers_per_member: int = 50  # distinct questions, so that no one can fill the database with ids
    max_image_bytes: int = 150_000  # one thumbnail or CAM: a 256 px JPEG is 10-30 kB
    nickname_chars: int = 20
    question_chars: int = 64
    answer_chars: int = 200
    joins_per_minute: int = 10  # per client, failed joins included: guessing a 40-bit code stays hopeless
    shares_per_minute: int = 12  # per student
    max_rate_clients: int = 10_000  # clients the in-process rate limiter remembers at once

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{f.name} must be a whole number ≥ 1, not {value!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The defaults, overridden by DENSENET_VIZ_CLASS_TTL_H and DENSENET_VIZ_CLASS_<FIELD> variables.
        A value that is not a number is an operator's mistake: it raises ValueError naming the variable."""
        env = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for f in fields(cls):
            name = TTL_ENV if f.name == "ttl_s" else ENV_PREFIX + f.name.upper()
            raw = env.get(name, "").strip()
            if not raw:
                continue
            try:
                number = float(raw)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise ValueError(f"{name}={raw!r} is not a number")
            values[f.name] = round(number * 3600) if f.name == "ttl_s" else int(number)
        return cls(**values)
