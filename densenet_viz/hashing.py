"""The one hash of the project: SHA-256 as hex, of bytes, of a file, or of several parts in order."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_hex(*parts: bytes | str | Path) -> str:
    """SHA-256 (hex) of ``parts`` in order: bytes as they are, strings as UTF-8, paths by their contents."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            with open(part, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        else:
            h.update(part.encode() if isinstance(part, str) else part)
    return h.hexdigest()
