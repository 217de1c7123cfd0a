"""Model files: safetensors weights plus a JSON model card. Loading never unpickles anything."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .config import ConfigError, DenseNetConfig
from .data import Preprocessing
from .model import DenseNet, build_densenet

ASSETS = Path(__file__).resolve().parent.parent / "assets"
MODELS_DIR = ASSETS / "models"
SHIPPED_MODEL = MODELS_DIR / "flowers-densenet121.safetensors"


class WeightsError(ValueError):
    """A model file that cannot be used; the message says which file and why."""


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


def card_path(weights: Path) -> Path:
    return weights.with_suffix(".json")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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
    card["weights_sha256"] = sha256_of(weights)
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
        raise WeightsError(f"{path.name}: the model card is missing (expected beside {weights.name})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WeightsError(f"{path.name}: the model card is not valid JSON ({exc})") from None
    try:
        config = DenseNetConfig.from_dict(data["config"])
        classes = tuple(str(c) for c in data["class_names"])
        prep = Preprocessing.from_dict(data["preprocessing"])
    except KeyError as exc:
        raise WeightsError(f"{path.name}: the model card has no {exc.args[0]!r} entry") from None
    except (ConfigError, TypeError, ValueError) as exc:
        raise WeightsError(f"{path.name}: the model card is invalid: {exc}") from None
    if len(classes) != config.num_classes:
        raise WeightsError(f"{path.name}: {len(classes)} class names for a {config.num_classes}-class model")
    return ModelCard(config, classes, prep, data)


def load_model(weights: str | Path = SHIPPED_MODEL, device: str | torch.device = "cpu") -> tuple[DenseNet, ModelCard]:
    """Build the model its card describes and load the weights strictly, in float32, in eval mode."""
    weights = Path(weights)
    if not weights.is_file():
        raise WeightsError(f"{weights}: no such model file")
    card = load_card(weights)
    try:
        state = load_file(str(weights))  # safetensors: plain tensors, no pickle
    except (SafetensorError, OSError, ValueError) as exc:
        raise WeightsError(f"{weights.name}: not a valid safetensors file ({exc})") from None
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
        raise WeightsError(f"{weights.name} does not match its card's config: " + "; ".join(parts))
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()}, strict=True)
    model.eval()
    return model.to(device), card


def list_models(folder: str | Path = MODELS_DIR) -> list[Path]:
    """Every ``*.safetensors`` in ``folder`` that has a card beside it, shipped model first."""
    folder = Path(folder)
    found = sorted(p for p in folder.glob("*.safetensors") if card_path(p).is_file())
    return sorted(found, key=lambda p: p != SHIPPED_MODEL)
