"""README's "Where to look" table matches the tree: every path it names exists, and every library module is
named in it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _table_rows() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("Where to look for each concern"):]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| concern")
            and not line.startswith("| ---")]


def named_paths() -> list[str]:
    """Every path in the table's file column; a bare ``x.py`` after a path means that path's folder."""
    paths = []
    for row in _table_rows():
        cell = row.rsplit("|", 2)[-2]
        folder = ""
        for token in re.findall(r"`([^`]+)`", cell):
            if "/" in token:
                paths.append(token)
                folder = token if token.endswith("/") else token.rsplit("/", 1)[0] + "/"
            elif token.endswith((".py", ".csv", ".md")):
                paths.append(folder + token)
    return paths


def _expand(path: str) -> list[Path]:
    return sorted(ROOT.glob(re.sub(r"<\w+>", "*", path))) if "<" in path else [ROOT / path]


def test_every_named_path_exists():
    named = named_paths()
    assert len(named) > 40
    missing = [p for p in named if not all(f.exists() for f in _expand(p)) or not _expand(p)]
    assert missing == []


def test_every_library_module_is_named():
    covered: set[Path] = set()
    for p in named_paths():
        for f in _expand(p):
            covered |= set(f.rglob("*.py")) if f.is_dir() else {f}
    modules = {f for f in (ROOT / "densenet_viz").rglob("*.py") if f.name not in ("__init__.py", "__main__.py")}
    assert sorted(str(f.relative_to(ROOT)) for f in modules - covered) == []
