import re
import string

import pytest

from densenet_viz import PRESETS
from densenet_viz.i18n import EN, LANGUAGES, TABLES, ZH, t
from densenet_viz.urlstate import config_from_query, config_to_query

from testkit import ROOT


def _fields(text):
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)


def test_every_language_has_the_same_keys_and_placeholders():
    assert set(TABLES) == set(LANGUAGES)
    assert set(EN) == set(ZH), set(EN) ^ set(ZH)
    for key in EN:
        en, zh = _fields(EN[key]), _fields(ZH[key])
        # Chinese may leave out {detail}: English technical text (a decoder's or a parser's message).
        assert [f for f in en if f != "detail"] == [f for f in zh if f != "detail"], key
        assert set(zh) <= set(en), key


def _source_strings():
    """String literals and f-string patterns in the app's code (library, pages, app.py)."""
    import ast

    literals, prefixed, partial, namespaces = set(), [], [], set()
    files = [*ROOT.joinpath("densenet_viz").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py"), ROOT / "app.py"]
    for path in files:
        if "i18n" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.values]
                pattern = re.compile("".join(parts))
                first = node.values[0]
                # f"explain.layer_{name}" narrows the keys it can build; f"field.{name}" (a namespace and
                # nothing more) could build any key of it: it counts only with its value written somewhere.
                namespace_only = len(node.values) == 2 and re.fullmatch(r"[a-z_]+\.", str(first.value))
                if namespace_only:
                    namespaces.add(first.value)
                elif isinstance(first, ast.Constant) and "." in first.value:
                    prefixed.append(pattern)
                if any(isinstance(v, ast.Constant) and len(v.value) >= 2 for v in node.values):
                    partial.append(pattern)  # f"{kind}_range"
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant)
                  and isinstance(node.left.value, str) and "." in node.left.value):
                prefixed.append(re.compile(re.escape(node.left.value) + ".+"))  # "home.next_" + name
    return literals, prefixed, partial, namespaces


def test_every_ui_string_is_used_somewhere():
    literals, prefixed, partial, namespaces = _source_strings()
    unused = []
    for key in EN:
        names = {key, key.removeprefix("error.")}  # error codes are written without their prefix
        last = key.rsplit(".", 1)[-1]
        built = any(p.fullmatch(n) for p in prefixed for n in names)  # e.g. t(f"explain.layer_{name}")
        built |= any(n.startswith(ns) and (n[len(ns):] in literals or any(p.fullmatch(n[len(ns):]) for p in partial))
                     for ns in namespaces for n in names)
        # Error codes are built as f"config.{rule}": their rule name must appear too (f"{kind}_range" counts).
        last_known = not key.startswith("error.") or last in literals or any(p.fullmatch(last) for p in partial)
        # Flower names come from the data set, not the code: class_label() outside i18n uses them all.
        shown_class = key.startswith("class.") and "class_label" in _called_names()
        if not (names & literals or (built and last_known) or shown_class):
            unused.append(key)
    assert not unused, unused
    assert len(literals) > 500 and prefixed  # the scan really read the code


def test_chinese_strings_are_really_translated():
    untranslated = [k for k in EN if EN[k] == ZH[k] and re.search(r"[A-Za-z]{4,}", EN[k])]
    # Identical strings are allowed only when they are names or code (e.g. "DenseNet-121").
    assert len(untranslated) <= max(3, len(EN) // 20), untranslated
    assert re.search(r"[\u4e00-\u9fff]", t("home.intro", "zh"))


def test_lookup_formats_and_falls_back_to_english():
    expected = "the image is only 8×9 pixels; at least 32×32 is needed"
    assert t("error.image.too_small", "en", w=8, h=9, min=32) == expected
    assert t("error.image.too_small", "xx", w=8, h=9, min=32).startswith("the image is only 8×9")
    with pytest.raises(KeyError):
        t("no.such.key")


@pytest.mark.parametrize("name", list(PRESETS))
def test_query_string_round_trips_every_preset(name):
    config = PRESETS[name]
    back, preset, problem = config_from_query(config_to_query(config))
    assert problem is None and back == config and preset == name


def test_query_string_round_trips_an_edited_config():
    config = PRESETS["densenet121"].replace(growth_rate=12, compression=0.75, memory_efficient=True, input_size=160)
    query = config_to_query(config, "densenet121")
    assert query["k"] == "12" and query["blocks"] == "6-12-24-16" and query["theta"] == "0.75"
    back, preset, problem = config_from_query(query)
    assert (back, preset, problem) == (config, "densenet121", None)


@pytest.mark.parametrize(
    "query, needle",
    [
        ({"preset": "resnet"}, "is not a preset"),
        ({"preset": "densenet121", "k": "abc"}, "'abc' is not a whole number"),
        ({"preset": "densenet121", "k": "0"}, "Growth rate k = 0"),
        ({"preset": "densenet169", "blocks": "6-x"}, "'6-x'"),
        ({"preset": "densenet121", "size": "16"}, "too small"),
        ({"preset": "densenet121", "blocks": "-3"}, "'-3'"),
        ({"preset": "densenet121", "blocks": "1-" * 5000 + "1"}, "10,001 characters long; at most 256 are allowed"),
        ({"preset": "densenet121", "mem": "maybe"}, "'maybe'"),
        ({"preset": "densenet121", "theta": "<script>"}, "'<script>'"),
    ],
)
def test_tampered_links_fall_back_to_a_preset_with_the_reason(query, needle):
    config, preset, problem = config_from_query(query)
    assert problem is not None and needle in str(problem), str(problem)
    assert len(str(problem)) < 300  # echoed input is shortened
    assert config == PRESETS[preset]


def _unclosed_bold(text: str) -> list[str]:
    """``**`` runs that CommonMark (Streamlit's Markdown) will not take as the opener or closer they are meant
    to be: an opener must be left-flanking, a closer right-flanking. In Chinese, "**目标：**文字" stays literal:
    a closer after punctuation must be followed by a space or punctuation."""
    import unicodedata

    def punct(c: str) -> bool:
        return c == "" or unicodedata.category(c)[0] in "PS"

    def space(c: str) -> bool:
        return c == "" or c.isspace()

    found = []
    for i, run in enumerate(re.finditer(r"\*\*", text)):
        before = text[run.start() - 1] if run.start() else ""
        after = text[run.end()] if run.end() < len(text) else ""
        left = not space(after) and (not punct(after) or space(before) or punct(before))
        right = not space(before) and (not punct(before) or space(after) or punct(after))
        if not (left if i % 2 == 0 else right):
            found.append(text[max(0, run.start() - 8):run.end() + 8])
    return found


def test_bold_text_renders_bold_in_both_languages():
    assert _unclosed_bold("**目标：**字") and not _unclosed_bold("**目标**：字")  # the rule itself
    for lang, table in (("en", EN), ("zh", ZH)):
        for key, text in table.items():
            filled = re.sub(r"\{[^{}]*\}", "字" if lang == "zh" else "x", text)  # a value next to the markers
            assert _unclosed_bold(filled) == [], (lang, key)


def test_class_label_translates_flower_names_and_passes_unknown_ones_through():
    from densenet_viz.i18n import class_label

    assert [class_label(n, "zh") for n in ("daisy", "dandelion", "roses", "sunflowers", "tulips")] == [
        "雏菊", "蒲公英", "玫瑰", "向日葵", "郁金香",
    ]
    assert class_label("roses", "en") == "roses"
    assert class_label("cat", "zh") == "cat"


def _called_names():
    """Names of functions called in the app's code outside the i18n package."""
    import ast

    files = [*ROOT.joinpath("densenet_viz").rglob("*.py"), *ROOT.joinpath("pages").glob("*.py"), ROOT / "app.py"]
    return {node.func.id for path in files if "i18n" not in path.parts
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


def test_class_names_read_as_a_list_in_each_language():
    from densenet_viz.i18n import class_list

    assert class_list(["daisy", "tulips"], "en") == "daisy, tulips"
    assert class_list(["daisy", "tulips"], "zh") == "雏菊、郁金香"
    assert class_list(["orchid"], "zh") == "orchid"  # a custom class passes through
