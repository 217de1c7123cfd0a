"""The built-in examples: the seeded rule that picks real test photos (scripts/make_examples.py), the shipped
files it made (size, credits, order in the picker), and how a credit is parsed and shown."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from densenet_viz.credits import CC_BY_2, CC_BY_2_URL, Credit, parse_license_and_author, read_credits, write_credits
from densenet_viz.weights import EXAMPLES_DIR, example_credits, list_examples

from testkit import ROOT

DATA = ROOT.parent / "shared" / "data" / "flowers"
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
needs_data = pytest.mark.skipif(not (DATA / "manifest.csv").is_file(), reason="no flower data set")


def _script():
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "scripts" / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_examples = _script()


def fake_manifest(per_split: int = 6) -> list[dict]:
    """Rows of every split for three classes; only the test rows may ever be picked."""
    return [{"split": split, "class": cls, "file": f"{split}-{cls}-{i}.jpg", "sha256": "0" * 64,
             "license_and_author": f"CC-BY by Author {i} - https://www.flickr.com/photos/a{i}/{i}/"}
            for split in ("train", "val", "test") for cls in ("tulips", "daisy", "roses") for i in range(per_split)]


def test_the_rule_is_seeded_and_takes_only_test_photos():
    rows = fake_manifest()
    picked = make_examples.pick_photos(rows, per_class=2, seed=7)
    assert picked == make_examples.pick_photos(list(reversed(rows)), per_class=2, seed=7)  # row order is irrelevant
    assert all(r["split"] == "test" for r in picked)
    assert [r["class"] for r in picked] == ["daisy", "daisy", "roses", "roses", "tulips", "tulips"]
    assert len({r["file"] for r in picked}) == 6
    seeds = {tuple(r["file"] for r in make_examples.pick_photos(rows, per_class=2, seed=s)) for s in range(6)}
    assert len(seeds) > 1  # the seed, not the manifest order, decides


@needs_data
def test_the_shipped_photos_are_the_rules_pick_from_the_test_split():
    rows = make_examples.read_manifest(DATA)
    picked = make_examples.pick_photos(rows)
    assert picked == make_examples.pick_photos(rows)
    shipped = sorted(p for p in EXAMPLES_DIR.glob("photo-*"))
    counts = Counter()
    expected = {}
    for row in picked:
        counts[row["class"]] += 1
        expected[make_examples.example_name(row, counts[row["class"]])] = row
    assert sorted(p.name for p in shipped) == sorted(expected)
    by_file = {(r["class"], r["file"]): r for r in rows}
    credits = example_credits()
    for path in shipped:
        row = expected[path.name]
        assert by_file[(row["class"], row["file"])]["split"] == "test"
        # Copied byte for byte (all are at most 320 px): the manifest's hash is the shipped file's.
        assert hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]
        author, url = parse_license_and_author(row["license_and_author"])
        assert (credits[path.name].author, credits[path.name].source_url) == (author, url)


def test_shipped_examples_sizes_kinds_and_credits():
    examples = list_examples()
    credits = example_credits()
    assert {p.name for p in examples} <= set(credits), "an example without a credit"
    photos = [p for p in examples if credits[p.name].kind == "photo"]
    per_class = Counter(credits[p.name].label for p in photos)
    assert 10 <= len(photos) <= 15 and set(per_class) == set(CLASSES) and set(per_class.values()) <= {2, 3}
    for p in photos:
        c = credits[p.name]
        with Image.open(p) as img:
            assert max(img.size) <= 480
        assert c.author and c.source_url.startswith("https://www.flickr.com/photos/")
        assert (c.licence, c.licence_url, c.changes) == (CC_BY_2, CC_BY_2_URL, "resized")
        assert p.name.startswith(f"photo-{c.label}-")
    kinds = [credits[p.name].kind for p in examples]
    # Real photos first, then the dahlia (none of the five), then the drawings.
    assert kinds == sorted(kinds, key=("photo", "out_of_set", "drawing").index)
    assert kinds.count("out_of_set") == 1 and credits["sklearn-flower-dahlia.jpg"].author == "vultilion"
    assert {p.name for p in examples if credits[p.name].kind == "drawing"} == {
        "drawn-daisy.jpg", "drawn-sunflower.jpg", "drawn-tulip.jpg"}
    sources = (EXAMPLES_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert all(f"`{p.name}`" in sources and credits[p.name].author in sources for p in photos)


def test_unlisted_files_come_last_and_a_missing_folder_is_empty(tmp_path):
    for name in ("a.jpg", "drawn-x.jpg", "photo-daisy-1.jpg", "z-out.jpg"):
        Image.new("RGB", (40, 40)).save(tmp_path / name)
    write_credits(tmp_path / "credits.csv", [Credit("drawn-x.jpg", "drawing", "daisy"),
                                             Credit("z-out.jpg", "out_of_set", "dahlia", "someone"),
                                             Credit("photo-daisy-1.jpg", "photo", "daisy", "me")])
    assert [p.name for p in list_examples(tmp_path)] == ["photo-daisy-1.jpg", "z-out.jpg", "drawn-x.jpg", "a.jpg"]
    assert read_credits(tmp_path / "credits.csv")["z-out.jpg"].author == "someone"
    assert read_credits(tmp_path / "missing.csv") == {}
    assert list_examples(tmp_path / "nope") == []


@pytest.mark.parametrize("text, expected", [
    ("CC-BY by Sarah Zucca - https://www.flickr.com/photos/x/1/", ("Sarah Zucca", "https://www.flickr.com/photos/x/1/")),
    ("CC-BY https://www.flickr.com/photos/joekmartin/ - by Joe  Martin",
     ("Joe Martin", "https://www.flickr.com/photos/joekmartin/")),
    ("CC BY 2.0 by A - B - https://www.flickr.com/photos/a/2/", ("A - B", "https://www.flickr.com/photos/a/2/")),
])
def test_credit_parsing(text, expected):
    assert parse_license_and_author(text) == expected


@pytest.mark.parametrize("text", ["", "public domain by X - https://a/", "CC-BY by Nobody", "CC-BY by X - http://a/"])
def test_credit_parsing_refuses_what_it_cannot_credit(text):
    with pytest.raises(ValueError):
        parse_license_and_author(text)


@needs_data
def test_every_test_photo_in_the_manifest_has_a_parsable_credit():
    with open(DATA / "manifest.csv", newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "test"]
    assert len(rows) > 500
    assert all(parse_license_and_author(r["license_and_author"])[0] for r in rows)


def test_credit_line_links_the_licence_and_shows_names_literally():
    from densenet_viz.credits import example_label
    from densenet_viz.ui.explain_view import credit_markdown

    c = Credit("photo-roses-2.jpg", "photo", "roses", "*Ann* [x](javascript:1)", "https://www.flickr.com/photos/a/1/",
               CC_BY_2, CC_BY_2_URL, "resized")
    line = credit_markdown(c, "en")
    assert f"]({CC_BY_2_URL})" in line and "[source](https://www.flickr.com/photos/a/1/)" in line
    assert "*Ann*" not in line and "](javascript" not in line and "resized" in line
    assert "来源" in credit_markdown(c, "zh") and "已缩小" in credit_markdown(c, "zh")
    bad = Credit("x.jpg", "photo", "roses", "A", "javascript:alert(1)", CC_BY_2, CC_BY_2_URL, "unchanged")
    assert "javascript" not in credit_markdown(bad, "en")
    assert example_label(Path("photo-roses-2.jpg"), c, "en") == "Photo: roses (2)"
    dahlia = Credit("d.jpg", "out_of_set", "dahlia", "vultilion", "https://www.flickr.com/photos/v/", CC_BY_2,
                    CC_BY_2_URL, "unchanged")
    assert "not one of the five" in example_label(Path("d.jpg"), dahlia, "en")
    assert "not** one of the model's flowers" in credit_markdown(dahlia, "en")
    drawing = Credit("drawn-tulip.jpg", "drawing", "tulips")
    assert example_label(Path("drawn-tulip.jpg"), drawing, "en") == "Drawing, not a photo: tulips"
    assert "not a photo" in credit_markdown(drawing, "en") and "不是照片" in credit_markdown(drawing, "zh")
    assert example_label(Path("mine.jpg"), None, "en") == "mine.jpg"
