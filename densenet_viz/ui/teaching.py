"""Cached computations for the teaching pages (Follow a flower, Why DenseNet)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..config import DenseNetConfig


@st.cache_data(max_entries=16, show_spinner=False)
def cached_walkthrough(image_sha256: str, weights: str, mtime: float, _image_bytes: bytes):
    """The walkthrough of one photo through one model file: keyed on the photo's hash and the model
    file (path and modification time), so stepping through stages never runs the model again."""
    from ..data import load_image
    from ..walkthrough import walk_through
    from .cache import trained_model

    model, card = trained_model(Path(weights))
    image = load_image(_image_bytes, target_side=card.preprocessing.resize_size)
    return walk_through(model, image, card.preprocessing, card.class_names)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_gradient_flow(depth: int, width: int, batch_size: int, image_size: int, batch_norm: bool, init: str,
                         device: str):
    """Gradient norms per layer for dense, plain and residual toy networks at initialisation."""
    from ..why import gradient_flow

    return gradient_flow(depth, width, batch_size, image_size, batch_norm, init, device=device)


@st.cache_data(show_spinner=False)
def cached_reference_models():
    """torchvision's ImageNet models: weight metadata plus parameters counted on the built architecture."""
    from ..why import reference_models

    return reference_models()


@st.cache_data(max_entries=16, show_spinner=False)
def cached_memory_measurement(config: DenseNetConfig, batch_size: int, device: str):
    """Measured activation memory for the depth-scaled versions of ``config`` (see why.measure_memory)."""
    from ..why import measure_memory

    return measure_memory(config, batch_size, device=device)
