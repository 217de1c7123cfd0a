"""Model files: safetensors weights plus a JSON model card. Loading never unpickles anything."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .config import ConfigError, DenseNetConfig
from .credits import KINDS, Credit, read_credits
from .data import Preprocessing, list_images
from .errors import UserError
from .hashing import sha256_hex
from .model import DenseNet, build_densenet

ASSETS = Path(__file__).resolve().parent.parent / "assets"
MODELS_DIR = ASSETS / "models"
SHIPPED_MODEL = MODELS_DIR / "flowers-densenet121.safetensors"
EXAMPLES_DIR = ASSETS / "examples"
EXAMPLE_CREDITS = "credits.csv"  # beside the examples, written by scripts/make_examples.py


class WeightsError(UserError):
    """A model file that cannot be used (``code`` under ``error.weights.``); the message says which file and why."""


@dataclass(frozen=True)
class ModelCard:
    """What the app needs to use a trained model, plus its provenance (kept as raw JSON in ``data``)."""

    config: DenseNetConfig
    class_names: tuple[str, ...]
    preprocessing: Preprocessing
    data: dict

    @property
    def test_flip(self) -> bool:
        """Whether predictions average the photo and its mirror image (as evaluated)."""
        return bool(self.data.get("preprocessing", {}).get("test_time_flip", False))

    @property
    def temperature(self) -> float:
        """The calibration temperature fitted on val (1.0 when the card has none)."""
        try:
            value = float(self.data.get("calibration", {}).get("temperature", 1.0))
        except (TypeError, ValueError, AttributeError):
            return 1.0
        return value if 0.01 <= value <= 100.0 else 1.0


def card_path(weights: Path) -> Path:
    return weights.with_suffix(".json")


def save_model(model: DenseNet, weights: str | Path, card: dict, dtype: torch.dtype = torch.float16) -> Path:
    """Write ``weights`` (safetensors, floats cast to ``dtype``) and its card next to it."""
    weights = Path(weights)
    weights.parent.mkdir(parents=True, exist_ok=True)
    state = {
        k: (v.detach().to("cpu", dtype) if v.is_floating_point() else v.detach().cpu()).contiguous()
        for k, v in model.state_dict().items()
    }
    save_file(state, str(weights), metadata={"format": "pt", "config": json.dumps(model.config.to_dict())})
    card = dict(card)
    card["config"] = model.config.to_dict()
    card["weights_file"] = weights.name
    card["weights_sha256"] = sha256_hex(weights)
    card["weights_dtype"] = str(dtype).replace("torch.", "")
    card_path(weights).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return weights


def load_card(weights: str | Path) -> ModelCard:
    """Read and check the JSON card that sits beside ``weights``."""
    weights = Path(weights)
    path = card_path(weights)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WeightsError("weights.no_card", file=path.name, weights=weights.name) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WeightsError("weights.bad_json", file=path.name, detail=str(exc)[:120]) from None
    try:
        config = DenseNetConfig.from_dict(data["config"])
        classes = tuple(str(c) for c in data["class_names"])
        prep = Preprocessing.from_dict(data["preprocessing"])
    except KeyError as exc:
        raise WeightsError("weights.card_missing_entry", file=path.name, entry=str(exc.args[0])) from None
    except (ConfigError, TypeError, ValueError) as exc:
        raise WeightsError("weights.card_invalid", file=path.name, detail=str(exc)[:200]) from None
    if len(classes) != config.num_classes:
        raise WeightsError("weights.class_count", file=path.name, names=len(classes), classes=config.num_classes)
    return ModelCard(config, classes, prep, data)


def load_model(weights: str | Path = SHIPPED_MODEL, device: str | torch.device = "cpu",
               calibrated: bool = True) -> tuple[DenseNet, ModelCard]:
    """Build the model its card describes and load the weights strictly, in float32, in eval mode.

    ``calibrated``: divide the classifier by the card's temperature, so the model's logits are already
    ``logits / T`` and every softmax of them is the calibrated probability (Grad-CAM maps only scale).
    """
    weights = Path(weights)
    if not weights.is_file():
        raise WeightsError("weights.no_file", file=str(weights))
    card = load_card(weights)
    try:
        state = load_file(str(weights))  # safetensors: plain tensors, no pickle
    except (SafetensorError, OSError, ValueError) as exc:
        raise WeightsError("weights.bad_file", file=weights.name, detail=str(exc)[:120]) from None
    model = build_densenet(card.config, device="cpu")
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    wrong = [k for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or wrong:
        parts = []
        if wrong:
            k = wrong[0]
            parts.append(f"{len(wrong)} tensors of the wrong shape (e.g. {k}: file {tuple(state[k].shape)}, "
                         f"model {tuple(expected[k].shape)})")
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {missing[0]})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]})")
        raise WeightsError("weights.mismatch", file=weights.name, detail="; ".join(parts))
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()}, strict=True)
    if calibrated and card.temperature != 1.0:
        with torch.no_grad():
            model.classifier.weight /= card.temperature
            model.classifier.bias /= card.temperature
    model.eval()
    return model.to(device), card


def list_models(folder: str | Path = MODELS_DIR) -> list[Path]:
    """Every ``*.safetensors`` in ``folder`` that has a card beside it, shipped model first."""
    folder = Path(folder)
    found = sorted(p for p in folder.glob("*.safetensors") if card_path(p).is_file())
    return sorted(found, key=lambda p: p != SHIPPED_MODEL)


def list_examples(folder: str | Path = EXAMPLES_DIR) -> list[Path]:
    """The example images shipped in ``assets/examples``: real photos of the model's classes first, then the
    out-of-set photo, then drawings (as ``credits.csv`` says; files it does not list last), each group by
    name; empty if there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    kinds = {name: credit.kind for name, credit in example_credits(folder).items()}
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(list_images(folder, recursive=False),
                  key=lambda p: (order.get(kinds.get(p.name, ""), len(order)), p.name))


def example_credits(folder: str | Path = EXAMPLES_DIR) -> dict[str, Credit]:
    """``file name -> Credit`` for the examples in ``folder`` (its ``credits.csv``); empty without one."""
    return read_credits(Path(folder) / EXAMPLE_CREDITS)
