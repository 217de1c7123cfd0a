"""Cached heavy objects, shared by all sessions. Never mutate what these return."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..config import DenseNetConfig
from ..plan import Plan, plan_network


@st.cache_resource(max_entries=256, show_spinner=False)
def cached_plan(config: DenseNetConfig) -> Plan:
    """The channel plan (cheap, but cached so a rerun costs nothing; shared and frozen, so no copy)."""
    return plan_network(config)


@st.cache_resource(max_entries=3, show_spinner=False)
def cached_trained_model(weights: str, mtime: float):
    """A trained model and its card from ``assets/models`` (``mtime`` invalidates a retrained file)."""
    from ..model import default_device
    from ..weights import load_model

    return load_model(Path(weights), device=default_device())


def trained_model(weights: str | Path):
    """(model, card) for a weights file, cached across sessions."""
    weights = Path(weights)
    return cached_trained_model(str(weights), weights.stat().st_mtime)


@st.cache_resource(show_spinner=False)
def device_name(lang: str = "en") -> tuple[str, str]:
    """(torch device string, human description in ``lang``) of the best device here."""
    from ..model import default_device, describe_device

    device = default_device()
    return str(device), describe_device(device, lang)
