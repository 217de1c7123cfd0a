"""Hostile input, round two: memory-bounded decoding, fuzzed image bytes, a CLI that always goes on,
bad numbers refused, and every error kind rendered in Chinese without English sentences."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bench.hostile_inputs import fuzz_inputs, strip_png
from densenet_viz.data import MAX_ASPECT, ImageError, center_crop, load_image

from testkit import ROOT

PEAK_SCRIPT = textwrap.dedent("""
    import resource, sys
    sys.path.insert(0, {root!r})
    from densenet_viz.data import ImageError, load_image, center_crop
    from densenet_viz.explain import display_crop, decode_side
    from densenet_viz.data import Preprocessing
    data = open(sys.argv[1], "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = "ok"
    try:
        img = load_image(data, target_side=decode_side(Preprocessing.for_input_size(224)))
        display_crop(img, Preprocessing.for_input_size(224))
        center_crop(img, 256, 224)
    except ImageError as exc:
        outcome = "refused: " + str(exc)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(outcome)
    print((after - before) / 1024)  # MiB added to the peak
""")


def peak_added_mib(tmp_path: Path, data: bytes) -> tuple[str, float]:
    """Decode ``data`` in a fresh process: (outcome line, MiB the decode added to peak memory)."""
    f = tmp_path / "input.bin"
    f.write_bytes(data)
    script = tmp_path / "peak.py"
    script.write_text(PEAK_SCRIPT.format(root=str(ROOT)))
    out = subprocess.run([sys.executable, str(script), str(f)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    outcome, added = out.stdout.strip().splitlines()
    return outcome, float(added)


# ---------------------------------------------------------------------------------------- memory
def test_a_32_by_600000_png_is_refused_in_one_line_with_little_memory(tmp_path):
    data = strip_png(600_000)
    assert len(data) < 100_000  # tiny on disk
    outcome, added = peak_added_mib(tmp_path, data)
    assert outcome.startswith("refused:") and "32" in outcome and "600000" in outcome, outcome
    assert "\n" not in outcome
    assert added < 200, f"decoding added {added:.0f} MiB to the peak"


def test_the_longest_accepted_shape_stays_small_through_every_derived_image(tmp_path):
    data = strip_png(32 * MAX_ASPECT)  # 320×32: exactly at the limit, accepted
    outcome, added = peak_added_mib(tmp_path, data)
    assert outcome == "ok" and added < 100
    with pytest.raises(ImageError, match="longer than"):
        load_image(strip_png(32 * MAX_ASPECT + 1))


def test_large_pngs_are_refused_before_decoding_and_large_jpegs_are_decoded_small():
    with pytest.raises(ImageError) as info:
        load_image(strip_png(5000, 4000))  # 20 MP PNG: over the full-decode limit
    assert info.value.code == "image.too_large_to_decode"
    buf = io.BytesIO()
    Image.new("RGB", (6000, 4000), (200, 30, 30)).save(buf, "JPEG", quality=70)
    img = load_image(buf.getvalue())  # 24 MP JPEG with no target: draft mode keeps it within the budget
    assert img.size[0] * img.size[1] <= 16_000_000 and img.size == (3000, 2000)


def test_center_crop_never_builds_the_full_resized_image():
    img = Image.new("RGB", (320, 32), (10, 200, 10))
    crop = center_crop(img, 500, 438)  # upscaling 32 px to 500 px would make a 5000×500 intermediate
    assert crop.size == (438, 438)
    assert np.asarray(crop)[200, 200].tolist() == [10, 200, 10]


# ------------------------------------------------------------------------------------------ fuzzing
def test_fuzzed_image_bytes_only_ever_raise_image_error():
    decoded = refused = 0
    for _name, data in fuzz_inputs(160, seed=0):
        try:
            img = load_image(data, target_side=256)
            assert img.mode == "RGB"
            decoded += 1
        except ImageError as exc:
            assert exc.code.startswith("image.") and "\n" not in str(exc)
            refused += 1
    assert decoded > 20 and refused > 20  # the fuzzer made both kinds


def test_fuzzed_inputs_stay_within_256_mib(tmp_path):
    worst = 0.0
    for i, (_name, data) in enumerate(fuzz_inputs(12, seed=1)):
        if i % 3:
            continue
        _outcome, added = peak_added_mib(tmp_path, data)
        worst = max(worst, added)
    outcome, added = peak_added_mib(tmp_path, strip_png(4000, 4000))  # the largest PNG decoded in full
    assert outcome == "ok"
    assert max(worst, added) < 256


# -------------------------------------------------------------------------------------------- the CLI
def test_explain_cli_refuses_the_strip_in_one_line_and_goes_on(tmp_path):
    strip = tmp_path / "strip.png"
    strip.write_bytes(strip_png(1_990_000))
    good = tmp_path / "good.jpg"
    Image.new("RGB", (300, 240), (240, 200, 30)).save(good, "JPEG")
    proc = subprocess.run([sys.executable, "-m", "densenet_viz", "explain", str(strip), str(good), "--json",
                           "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "strip.png" in errors[0] and "1990000" in errors[0]
    results = json.loads(proc.stdout)
    assert [Path(r["file"]).name for r in results] == ["good.jpg"]  # the good file after it was explained
    assert isinstance(results[0]["none_of_these"], bool)


@pytest.mark.parametrize("argv, expected", [
    (["summary", "--batch-size", "-1"], "batch-size"),
    (["summary", "--blocks=-3"], "not a list of positive whole numbers"),
    (["summary", "--growth-rate", "9" * 400], "--growth-rate: the value is 400 characters long"),
    (["summary", "--compression", "nan"], "not a number"),
])
def test_cli_rejects_bad_numbers_in_one_line(argv, expected, capsys):
    from densenet_viz.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and len(err.splitlines()) == 1 and len(err) < 300


# ---------------------------------------------------------------------------------- translated errors
def every_error():
    """One instance of every user-facing error kind the library raises."""
    from densenet_viz.budget import MemoryRefused
    from densenet_viz.config import FIELDS, ConfigError, DenseNetConfig
    from densenet_viz.errors import UserError
    from densenet_viz.i18n import EN
    from densenet_viz.weights import WeightsError

    kinds = {}
    for key in EN:
        if not key.startswith("error."):
            continue
        code = key.removeprefix("error.")
        fields = {name: 7 for name in re.findall(r"{(\w+)}", EN[key])}
        if code.startswith("config."):
            kinds[code] = ConfigError("growth_rate", 7, code.removeprefix("config."),
                                      **{k: v for k, v in fields.items() if k not in ("field", "value")})
        elif code.startswith("image."):
            kinds[code] = ImageError(code, **fields)
        elif code.startswith("weights."):
            kinds[code] = WeightsError(code, **fields)
        else:
            kinds[code] = UserError(code, **fields)
    # And the real thing, raised by the library:
    with pytest.raises(ConfigError) as info:
        DenseNetConfig(block_config=(1,) * 8, input_size=64)
    kinds["real input_too_small"] = info.value
    kinds["real memory"] = MemoryRefused(2**35, 2**33, 2**33, "cpu", "build")
    kinds["real memory busy"] = MemoryRefused(2**32, 2**31, 2**33, "cpu", "measure")
    kinds["real parse"] = pytest.raises(ConfigError, FIELDS["block_config"].parse, "-3").value
    return kinds


ENGLISH_SENTENCE = re.compile(r"\b(the|is|not|and|of|to|a|an|please|this|at|least|from|on)\b", re.IGNORECASE)


def test_every_error_kind_renders_in_chinese_without_english_sentences():
    from densenet_viz.errors import user_message

    kinds = every_error()
    assert len(kinds) > 40
    for name, exc in kinds.items():
        zh = user_message(exc, "zh")
        en = user_message(exc, "en")
        assert zh != en, name
        assert not ENGLISH_SENTENCE.search(zh), f"{name}: {zh}"
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{name}: {zh}"
    assert user_message(RuntimeError("boom"), "zh").startswith("我们这边出了问题")
