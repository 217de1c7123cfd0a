"""Cached Explain-page computations, shared by all sessions and keyed on (model file, photo digest, ...).

Photo bytes are passed as ``_data`` (not hashed by Streamlit) next to their SHA-256 digest, so a rerun
(a slider move) costs a dictionary lookup instead of hashing megabytes again.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import streamlit as st

from ..data import ImageError, load_image
from ..explain import (
    DeletionCurve,
    PhotoExplanation,
    attributions,
    decode_side,
    deletion_curve,
    explain_photo,
    random_saliency,
)
from .cache import trained_model

log = logging.getLogger(__name__)
EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "examples"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_examples(folder: Path = EXAMPLES_DIR) -> list[Path]:
    """Example photos shipped in assets/examples/ (JPEG, PNG, WebP), sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"))


def _model(weights: str):
    return trained_model(weights)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def explain_cached(weights: str, mtime: float, key: str, target: int | None,
                   _data: bytes) -> tuple[PhotoExplanation | None, str | None]:
    """(explanation, None) for a photo, or (None, user-facing reason) when it is not a usable image."""
    model, card = _model(weights)
    try:
        img = load_image(_data, target_side=decode_side(card.preprocessing))
    except ImageError as exc:
        return None, str(exc)
    return explain_photo(model, card, img, target=target), None


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def attributions_cached(weights: str, mtime: float, key: str, target: int, layer: str,
                        _photo: PhotoExplanation) -> dict:
    """Guided Grad-CAM, Integrated Gradients and Occlusion maps for one photo and class."""
    model, _card = _model(weights)
    return attributions(model, _photo.x, target, layer)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def deletion_cached(weights: str, mtime: float, key: str, target: int, layer: str,
                    _photo: PhotoExplanation) -> tuple[DeletionCurve, DeletionCurve]:
    """Deletion curves of the Grad-CAM at ``layer`` and of a random map (fixed seed)."""
    model, _card = _model(weights)
    cam = _photo.explanation.upsampled[layer]
    return (deletion_curve(model, _photo.x, cam, target),
            deletion_curve(model, _photo.x, random_saliency(cam.shape, seed=0), target))
