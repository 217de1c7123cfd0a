import re
import string

import pytest

from densenet_viz import PRESETS
from densenet_viz.i18n import EN, LANGUAGES, TABLES, ZH, t
from densenet_viz.urlstate import config_from_query, config_to_query


def _fields(text):
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)


def test_every_language_has_the_same_keys_and_placeholders():
    assert set(TABLES) == set(LANGUAGES)
    assert set(EN) == set(ZH), set(EN) ^ set(ZH)
    for key in EN:
        assert _fields(EN[key]) == _fields(ZH[key]), key


def test_chinese_strings_are_really_translated():
    untranslated = [k for k in EN if EN[k] == ZH[k] and re.search(r"[A-Za-z]{4,}", EN[k])]
    # Identical strings are allowed only when they are names or code (e.g. "DenseNet-121").
    assert len(untranslated) <= max(3, len(EN) // 20), untranslated
    assert re.search(r"[\u4e00-\u9fff]", t("home.intro", "zh"))


def test_lookup_formats_and_falls_back_to_english():
    assert t("sidebar.device", "en", device="CPU") == "Device: CPU"
    assert t("sidebar.device", "xx", device="CPU") == "Device: CPU"
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
        ({"preset": "resnet"}, "unknown preset"),
        ({"preset": "densenet121", "k": "abc"}, "k="),
        ({"preset": "densenet121", "k": "0"}, "growth_rate"),
        ({"preset": "densenet169", "blocks": "6-x"}, "blocks="),
        ({"preset": "densenet121", "size": "16"}, "input_size"),
        ({"preset": "densenet121", "mem": "maybe"}, "mem="),
        ({"preset": "densenet121", "theta": "<script>"}, "theta="),
    ],
)
def test_tampered_links_fall_back_to_a_preset_with_the_reason(query, needle):
    config, preset, problem = config_from_query(query)
    assert problem and needle in problem
    assert config == PRESETS[preset]
