"""Join codes, teacher keys and nicknames: making them, reading what people type, and hashing secrets."""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata

from ..hashing import sha256_hex

# Crockford's base32: digits and capitals without I, L, O and U, so a code read aloud or copied from a
# projector cannot be mistyped into another valid code (I/L read as 1, O as 0).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 32**8 = 2**40 codes: guessing one of 50 open rooms at 10 tries a minute takes ~4,000 years
_TYPED_ALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Separators people type or paste between the halves: spaces, hyphens and every Unicode dash.
_SEPARATORS = re.compile(r"[\s\-_\u2010-\u2015\u2212\u30fc\uff0d]+")


def new_code() -> str:
    """A fresh random join code (40 bits from ``secrets``)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """A typed code as stored: full-width characters folded (NFKC: a Chinese keyboard's ＡＢＣ), upper case,
    spaces and dashes dropped, O read as 0 and I/L as 1. The result may still be invalid (``is_code``)."""
    folded = unicodedata.normalize("NFKC", str(text)).upper()
    return _SEPARATORS.sub("", folded).translate(_TYPED_ALIKE)


def is_code(code: str) -> bool:
    """Whether ``code`` (already normalised) has the shape of a join code."""
    return len(code) == CODE_LENGTH and all(c in ALPHABET for c in code)


def format_code(code: str) -> str:
    """A code for display, in two halves: ``ABCD-EFGH``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def new_teacher_key() -> str:
    """The teacher's secret (192 bits); only its hash is stored."""
    return secrets.token_urlsafe(24)


def digest(*parts: object) -> str:
    """The project's one hash (``hashing.sha256_hex``) of the parts, each prefixed with its length so that
    no two different lists of parts hash alike: how keys and client ids are stored."""
    return sha256_hex(*(f"{len(text)}:{text}" for text in map(str, parts)))


def same_digest(stored: str, *parts: object) -> bool:
    """Whether ``parts`` hash to ``stored``, compared in constant time."""
    return hmac.compare_digest(stored.encode("ascii"), digest(*parts).encode("ascii"))


def sanitize_nickname(text: str | None, limit: int = 20) -> str | None:
    """A nickname fit to store and show: NFKC-normalised, control and format characters (zero-width,
    bidi overrides) removed, whitespace collapsed, at most ``limit`` characters; empty becomes None."""
    if text is None:
        return None
    folded = unicodedata.normalize("NFKC", str(text))
    # Cc: control, Cf: format (bidi overrides, zero-width joiners), Cs: lone surrogates, Co/Cn: private, unassigned.
    kept = "".join(" " if c.isspace() else c for c in folded if c.isspace() or unicodedata.category(c)[0] != "C")
    name = " ".join(kept.split())[:limit].rstrip()
    return name or None
