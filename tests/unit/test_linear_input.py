"""Hostile input costs linear time (issue 29): every URL value and CLI argument is length-capped before
any parser reads it, and the blocks parser cannot backtrack."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from densenet_viz.cli import main
from densenet_viz.config import FIELDS, MAX_INPUT_CHARS, PRESETS, ConfigError, parse_block_counts
from densenet_viz.train import TrainArgs
from densenet_viz.urlstate import DEFAULT_PRESET, QUERY_KEYS, config_from_query, read_query

ROOT = Path(__file__).resolve().parents[2]
BUDGET_S = 0.05  # one parse or refusal; the old blocks regex took 13.7 s on the section-3 link
HUGE = "7" * 102_400  # 100 KB
SECTION_3 = ["1" + " " * 50_000 + "x", "1" + "+" * 50_000 + "x"]  # what the browser sends, and its decoded form
OLD_BLOCKS_REGEX = r"^\s*\d+(\s*[,\s-]\s*\d+)*\s*$"  # config.py before issue 29: nested quantifiers


def timed(fn, *args):
    """(seconds, outcome): ``fn(*args)``'s result, or the exception it raised."""
    start = time.perf_counter()
    try:
        outcome = fn(*args)
    except Exception as exc:  # noqa: BLE001 - the caller asserts on it
        outcome = exc
    return time.perf_counter() - start, outcome


# ------------------------------------------------------------------------------------ blocks parser
@pytest.mark.parametrize("text", ["6,12,24,16", "6-12-24-16", "6 12 24 16", " 6 , 12 - 24  16 ", "6\t12,24-16"])
def test_the_blocks_forms_are_still_accepted(text):
    assert FIELDS["block_config"].parse(text) == (6, 12, 24, 16)


@pytest.mark.parametrize("text", ["", ",", "6,,12", "6--12", "6,", "-3", "6,x", "6 12,", "6;12", "²", "6.5"])
def test_malformed_blocks_are_refused_as_the_old_regex_refused_them(text):
    assert re.match(OLD_BLOCKS_REGEX, text) is None  # same verdict as before, minus the backtracking
    with pytest.raises(ValueError):
        parse_block_counts(text)


def test_the_budget_would_catch_the_old_backtracking_regex():
    # The timing tests below can fail: the old pattern misses BUDGET_S on a text 4 % of the section-3 link's.
    elapsed, match = timed(re.match, OLD_BLOCKS_REGEX, "1" + " " * 4_000 + "x")
    assert match is None and elapsed > BUDGET_S
    new_elapsed, outcome = timed(parse_block_counts, "1" + " " * 4_000 + "x")
    assert isinstance(outcome, ValueError) and new_elapsed < elapsed / 20


@pytest.mark.parametrize("text", SECTION_3)
def test_the_section_3_link_is_refused_fast_with_the_cap_message(text):
    elapsed, outcome = timed(FIELDS["block_config"].parse, text)
    assert elapsed < BUDGET_S, elapsed
    assert isinstance(outcome, ConfigError) and outcome.code == "config.too_long"
    assert str(outcome) == "Layers per dense block: the value is 50,002 characters long; at most 256 are allowed"


def test_the_cap_is_in_effect_up_to_the_last_character():
    at_cap = "1" + " " * (MAX_INPUT_CHARS - 2) + "2"
    assert len(at_cap) == MAX_INPUT_CHARS == 256
    assert FIELDS["block_config"].parse(at_cap) == (1, 2)
    with pytest.raises(ConfigError, match="257 characters long; at most 256"):
        FIELDS["block_config"].parse(at_cap + " ")  # trailing spaces count: the cap comes before strip()


# -------------------------------------------------------------------------------------- every field
@pytest.mark.parametrize("spec", FIELDS.values(), ids=lambda s: s.name)
def test_every_field_refuses_100_kb_fast_in_both_languages(spec):
    elapsed, outcome = timed(spec.parse, HUGE)
    assert elapsed < BUDGET_S, elapsed
    assert isinstance(outcome, ConfigError) and outcome.code == "config.too_long" and outcome.field == spec.name
    assert outcome.fields["length"] == "102,400" and outcome.fields["limit"] == 256
    from densenet_viz.errors import user_message

    assert "102,400 characters long; at most 256 are allowed" in str(outcome)
    assert "102,400 个字符，最多允许 256 个" in user_message(outcome, "zh")


@pytest.mark.parametrize("key", [spec.url for spec in FIELDS.values()])
def test_a_100_kb_url_value_falls_back_to_the_preset_fast(key):
    elapsed, (config, preset, problem) = timed(config_from_query, {"preset": "densenet169", key: HUGE})
    assert elapsed < BUDGET_S, elapsed
    assert (config, preset) == (PRESETS["densenet169"], "densenet169")
    assert problem.code == "config.too_long" and len(str(problem)) < 120


def test_a_100_kb_preset_falls_back_to_the_default_with_the_cap_message():
    config, preset, problem = config_from_query({"preset": "densenet121" + "x" * 100_000})
    assert (config, preset) == (PRESETS[DEFAULT_PRESET], DEFAULT_PRESET)
    assert str(problem) == "Preset: the value is 100,011 characters long; at most 256 are allowed"


def test_the_raw_section_3_query_string_is_refused_fast():
    params = dict(parse_qsl("preset=densenet121&blocks=1" + "+" * 50_000 + "x", keep_blank_values=True))
    elapsed, (config, preset, problem) = timed(config_from_query, read_query(params))
    assert elapsed < BUDGET_S and config == PRESETS["densenet121"]
    assert problem.code == "config.too_long" and problem.fields["length"] == "50,002"


def test_only_the_apps_own_query_keys_are_read():
    params = {"lang": "zh", "k": "12", "typo": HUGE, "utm_source": "x", "lang2": "en"}
    assert read_query(params) == {"lang": "zh", "k": "12"}
    assert set(QUERY_KEYS) == {"lang", "preset", "step", "show", "room", "seat", "teacher",
                               *(spec.url for spec in FIELDS.values())}
    assert read_query({"lang": HUGE})["lang"] == HUGE  # passed on; the sidebar treats it as no language


# ---------------------------------------------------------------------------------------- training
@pytest.mark.parametrize("name", ["data", "out", "preset", "ood_data", "device", "checkpoint_dir", "init_weights"])
def test_training_text_fields_are_capped(name):
    with pytest.raises(ConfigError) as info:
        TrainArgs(**{"data": "x", name: HUGE})
    assert info.value.code == "config.too_long" and info.value.field == name


def test_training_notes_are_capped_one_by_one():
    assert TrainArgs(data="x", notes=("n" * 256,)).notes == ("n" * 256,)
    with pytest.raises(ConfigError, match="257 characters long"):
        TrainArgs(data="x", notes=("short", "n" * 257))


# --------------------------------------------------------------------------------------------- CLI
def _value_flags() -> list[tuple[str, ...]]:
    """(sub-command, flag) for every flag that takes a value, and each sub-command's positional."""
    summary = [("summary", spec.flag) for spec in FIELDS.values() if spec.kind != "bool"]
    summary += [("summary", "--preset"), ("summary", "--batch-size"), ("summary", "--dtype")]
    train = []
    for f in fields(TrainArgs):
        kind = str(f.type).split("|")[0].strip()
        if kind != "bool":
            flag = "--" + f.name.replace("_", "-")
            train.append(("train", flag.rstrip("s") if kind.startswith("tuple") else flag))
    others = [("evaluate", "--data"), ("evaluate", "--weights"), ("evaluate", "--flip"), ("evaluate", "--ood"),
              ("card", "--weights"), ("explain", "--layer"), ("explain", "--out"), ("explain", "--weights")]
    return summary + train + others


@pytest.mark.parametrize("command, flag", _value_flags())
@pytest.mark.parametrize("joined", [False, True], ids=["space", "equals"])
def test_every_cli_flag_refuses_100_kb_in_one_line(command, flag, joined, capsys):
    argv = [command, f"{flag}={HUGE}"] if joined else [command, flag, HUGE]
    elapsed, code = timed(main, argv)
    err = capsys.readouterr().err
    assert code == 2 and elapsed < BUDGET_S, (code, elapsed)
    assert err == f"error: {flag}: the value is 102,400 characters long; at most 256 are allowed\n"


def test_a_100_kb_photo_argument_is_refused_in_one_line(capsys):
    assert main(["explain", "a.jpg", HUGE]) == 2
    err = capsys.readouterr().err
    assert err == "error: argument 3: the value is 102,400 characters long; at most 256 are allowed\n"


def test_the_real_command_line_refuses_the_section_3_value():
    proc = subprocess.run([sys.executable, "-m", "densenet_viz", "summary", "--blocks", SECTION_3[0]], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "error: --blocks: the value is 50,002 characters long; at most 256 are allowed\n"


# ------------------------------------------------------------------------------------- the code base
def test_no_regex_applied_in_the_app_nests_quantifiers():
    """A quantified group that itself holds a quantifier, like (\\s*,\\d+)*, can backtrack exponentially."""
    nested = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]")
    call = re.compile(r"re\.(?:compile|match|fullmatch|search|split|sub|subn|findall|finditer)\(\s*r?([\"'])(.*?)\1")
    sources = [*(ROOT / "densenet_viz").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "app.py"]
    patterns = [(path.name, m.group(2)) for path in sources for m in call.finditer(path.read_text())]
    assert len(patterns) >= 2  # the scan found the regexes (data.safe_name's)
    assert not [p for p in patterns if nested.search(p[1])], patterns
    assert nested.search(OLD_BLOCKS_REGEX)  # and it would have caught the old one
