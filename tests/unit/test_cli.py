import json
import subprocess
import sys
from pathlib import Path

import pytest

from densenet_viz.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "densenet_viz", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_summary_json_has_the_totals_and_rows(capsys):
    assert main(["summary", "--preset", "densenet121", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["params"] == 7_978_856 and data["depth"] == 121
    assert round(data["macs"] / 1e9, 3) == 2.834
    assert len(data["layers"]) == 1 + 58 + 3 + 2
    assert data["layers"][1]["in_channels"] == 64 and data["layers"][1]["new_channels"] == 32


def test_flags_override_the_preset(capsys):
    assert main(["summary", "--growth-rate", "12", "--blocks", "6,12,24,16", "--bn-size", "4",
                 "--compression", "0.5", "--stem", "imagenet", "--input-size", "224", "--num-classes", "5",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["config"]["growth_rate"] == 12 and data["config"]["num_classes"] == 5
    assert data["layers"][-1]["out_channels"] == 5
    assert data["layers"][6]["out_channels"] == 64 + 6 * 12


def test_readable_table(capsys):
    assert main(["summary", "--preset", "densenet_bc100_k12"]) == 0
    out = capsys.readouterr().out
    assert "depth L = 100" in out and "params = 769,162" in out and "features.transition2" in out


@pytest.mark.parametrize(
    "args, needle",
    [
        (["summary", "--growth-rate", "0"], "--growth-rate = 0 is not allowed"),
        (["summary", "--compression", "1.5"], "--compression"),
        (["summary", "--blocks", "6,x"], "positive whole numbers"),
        (["summary", "--preset", "resnet50"], "unknown preset"),
        (["summary", "--input-size", "16"], "--input-size = 16 is too small"),
        (["summary", "--bogus"], "unrecognized"),
        (["evaluate", "--data", "/no/such/dir"], "no/such/dir"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_exit_code_2(args, needle):
    proc = run_cli(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_card_prints_the_shipped_models_card_with_history_folded(capsys):
    from densenet_viz.weights import SHIPPED_MODEL, load_card

    assert main(["card"]) == 0
    shown = json.loads(capsys.readouterr().out)
    stored = load_card(SHIPPED_MODEL).data
    assert shown["class_names"] == list(stored["class_names"]) and shown["metrics"] == stored["metrics"]
    epochs = len(stored["training"]["history"])
    assert shown["training"]["history"] == f"{epochs} epochs (shown with --history)"
    assert main(["card", "--history"]) == 0
    assert json.loads(capsys.readouterr().out)["training"]["history"] == stored["training"]["history"]


def test_card_of_a_missing_model_is_one_line(tmp_path):
    r = run_cli("card", "--weights", str(tmp_path / "none.safetensors"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "card is missing" in r.stderr
