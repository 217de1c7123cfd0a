"""Photo credits: who took each shipped photo, under which licence, and what was changed.

CC BY 2.0 asks for the author, the source and a link to the licence; the example and mistake pages show
all three under each photo. The credits live in small CSV/JSON files beside the photos, written by the
scripts that copy them (``scripts/make_examples.py``, ``scripts/precompute_mistakes.py``).
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .i18n import t

CC_BY_2 = "CC BY 2.0"
CC_BY_2_URL = "https://creativecommons.org/licenses/by/2.0/"
# What an example is, in the order the picker lists them: real photos of the model's classes, a photo of
# a flower that is none of them, and images drawn for the project.
KINDS = ("photo", "out_of_set", "drawing")


@dataclass(frozen=True)
class Credit:
    """One shipped image: what it shows and whom to thank for it."""

    file: str  # file name beside the credits file
    kind: str  # one of KINDS
    label: str  # the class it shows (or, out of set, what flower it is)
    author: str = ""
    source_url: str = ""
    licence: str = ""
    licence_url: str = ""
    changes: str = ""  # "unchanged" or "resized" (from the photographer's original)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Credit:
        return cls(**{f.name: str(d.get(f.name) or "") for f in fields(cls)})


CREDIT_FIELDS = tuple(f.name for f in fields(Credit))


def parse_license_and_author(text: str) -> tuple[str, str]:
    """(author, source URL) from the flower data set's ``license_and_author`` column, which has two forms:
    ``CC-BY by AUTHOR - URL`` and ``CC-BY URL - by AUTHOR``. Raises ValueError on anything else."""
    text = " ".join(str(text).split())
    for prefix in ("CC-BY ", "CC BY 2.0 "):
        if text.startswith(prefix):
            rest = text[len(prefix):]
            break
    else:
        raise ValueError(f"not a CC BY credit: {text[:80]!r}")
    if rest.startswith("by ") and " - http" in rest:
        author, url = rest[3:].rsplit(" - ", 1)
    elif rest.startswith("http") and " - by " in rest:
        url, author = rest.split(" - by ", 1)
    else:
        raise ValueError(f"no author and source in: {text[:80]!r}")
    author, url = author.strip(), url.strip()
    if not author or not url.startswith("https://"):
        raise ValueError(f"no author and source in: {text[:80]!r}")
    return author, url


def read_credits(path: str | Path) -> dict[str, Credit]:
    """``file name -> Credit`` from a credits CSV; empty when the file is missing or unreadable."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return {row["file"]: Credit.from_dict(row) for row in csv.DictReader(f) if row.get("file")}
    except (OSError, KeyError, TypeError, UnicodeDecodeError, csv.Error):
        return {}


def write_credits(path: str | Path, credits: list[Credit]) -> None:
    """Write ``credits`` as a CSV with one row per file (columns CREDIT_FIELDS)."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, CREDIT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(c.to_dict() for c in credits)


def example_label(path: Path, credit: Credit | None, lang: str) -> str:
    """How the example picker names an example: a photo of a class, the out-of-set photo, or a drawing."""
    if credit is None:
        return path.name
    if credit.kind == "photo":
        return t("explain.example_photo", lang, cls=credit.label, i=path.stem.rsplit("-", 1)[-1])
    if credit.kind == "out_of_set":
        return t("explain.example_out_of_set", lang, what=credit.label)
    return t("explain.example_drawing", lang, cls=credit.label)
