"""The Train-it-live page's pieces: the shared run registry (a class asking the same question shares one
run), starting runs on the job executor, and the live view that redraws while they train."""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from ..config import DenseNetConfig
from ..errors import UserError
from ..i18n import t
from ..live import LiveData, LiveRun, live_config, load_live_data
from ..plan import format_count
from ..plots_teaching import live_run_label, make_live_figure
from .serving import job_executor
from .tables import show_table

MAX_RUNS = 32  # finished runs kept for others to look at
COMPARISONS = ("none", "k12", "k32", "bottleneck_off", "bottleneck_on", "theta1", "theta05", "fewer_blocks")


@st.cache_resource(show_spinner=False)
def live_data() -> LiveData:
    return load_live_data()


@st.cache_resource(show_spinner=False)
def _registry() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


def compared_config(config: DenseNetConfig, choice: str) -> DenseNetConfig | None:
    """The second configuration for a comparison: ``config`` with one thing changed (None: no comparison,
    or a change that leaves it as it is or makes it invalid)."""
    changes = {"k12": {"growth_rate": 12}, "k32": {"growth_rate": 32}, "bottleneck_off": {"bn_size": 0},
               "bottleneck_on": {"bn_size": 4}, "theta1": {"compression": 1.0}, "theta05": {"compression": 0.5},
               "fewer_blocks": {"block_config": config.block_config[:-1]}}.get(choice)
    if not changes or not config.block_config[:-1] and choice == "fewer_blocks":
        return None
    try:
        other = config.replace(**changes)
    except UserError:
        return None
    return None if other == config else other


def start_runs(configs: list[DenseNetConfig], data: LiveData, seed: int, epochs: int) -> list[LiveRun]:
    """The runs for ``configs`` (live-scaled), reusing any that ran or run already with the same settings."""
    runs = []
    registry, lock = _registry()
    for config in configs:
        key = (live_config(config, len(data.classes)), data.key, seed, epochs)
        with lock:
            run = registry.get(key)
            if run is None or run.state in ("stopped", "failed"):
                run = LiveRun(key[0], data, seed=seed, epochs=epochs)
                job_executor().submit(run.run)  # raises QueueFull before the run is registered
                registry[key] = run
            registry.move_to_end(key)
            while len(registry) > MAX_RUNS:
                registry.popitem(last=False)
        runs.append(run)
    return runs


def _draw(runs: list[LiveRun], lang: str) -> None:
    for run in runs:
        done = run.points[-1].epoch / run.epochs if run.points else 0.0
        text = t(f"live.state_{run.state}", lang, label=live_run_label(run, lang), waiting=job_executor().waiting())
        st.progress(min(1.0, done), text=text)
        if run.error:
            st.error(run.error)
    st.plotly_chart(make_live_figure(runs, lang, chance=1 / len(runs[0].data.classes)), key="live_curves")
    rows = [{t("live.col_config", lang): live_run_label(r, lang), t("live.col_params", lang): format_count(r.params),
             t("live.col_epoch_time", lang): f"{r.seconds_per_epoch:.1f} s" if r.seconds_per_epoch else "—",
             t("live.col_val", lang): f"{r.val_accuracy:.1%}" if r.val_accuracy is not None else "—",
             t("live.col_state", lang): t(f"live.short_{r.state}", lang)} for r in runs]
    show_table(rows, key="live_table")


@st.fragment(run_every=1.0)
def _polling(lang: str) -> None:
    runs = st.session_state.get("live_runs", [])
    _draw(runs, lang)
    if all(not r.active for r in runs):
        st.rerun()  # one full rerun: the page then draws the finished runs once and stops polling


def live_view(lang: str) -> None:
    """Curves, progress and the comparison table of this session's runs; redrawn every second while any
    of them is queued or training."""
    runs: list[LiveRun] = st.session_state.get("live_runs", [])
    if not runs:
        return
    if any(r.active for r in runs):
        _polling(lang)
    else:
        _draw(runs, lang)


def stop_runs() -> None:
    for run in st.session_state.get("live_runs", []):
        run.stop()
