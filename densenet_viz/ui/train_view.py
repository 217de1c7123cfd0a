"""The Train-it-live page's pieces: the shared run registry (a class asking the same question shares one
run), starting runs on the job executor, and the live view that redraws while they train.

Each session is a watcher of the runs it started (its session id): Stop ends its own part only, and a run
stops for real when nobody watches it any more. A session that has not started anything (a reload, a new
tab) is shown the shared runs of its current settings, if there are any."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import partial

import streamlit as st

from ..budget import admit, training_bytes
from ..chart_text import live_chart_summary, live_table
from ..config import DenseNetConfig
from ..errors import UserError
from ..i18n import t
from ..plan import format_count, plan_network
from ..plots.teaching import live_run_label, make_live_figure
from ..train.live import LiveData, LiveRun, live_config, load_live_data
from ..train.live_summary import conclusion, planned_runs, run_outcomes, short_run_names
from .present import show_chart
from .tables import show_table
from .workers import job_executor, session_id

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


def _run_key(config: DenseNetConfig, data: LiveData, seed: int, epochs: int) -> tuple:
    """What makes two runs the same run: the live-scaled configuration, the data, the seed, the epochs."""
    return live_config(config, len(data.classes)), data.key, seed, epochs


def start_runs(configs: list[DenseNetConfig], data: LiveData, seed: int, epochs: int,
               measure_noise: bool = False) -> list[LiveRun]:
    """The runs for ``configs`` (live-scaled; with ``measure_noise`` the first again with a second seed, see
    ``live_summary.planned_runs``), watched by this session: a run with the same settings that waits, trains
    or is done is joined, any other is started anew."""
    runs: list[LiveRun] = []
    watcher = session_id()
    registry, lock = _registry()
    try:
        for config, run_seed in planned_runs(configs, seed, measure_noise):
            key = _run_key(config, data, run_seed, epochs)
            with lock:
                run = registry.get(key)
                if run is None or not run.watch(watcher):
                    run = LiveRun(key[0], data, seed=run_seed, epochs=epochs)
                    # Admitted by the memory budget (MemoryRefused) and the queue (QueueFull) before it is
                    # registered; the reservation is held until the run ends.
                    reservation = admit(training_bytes(plan_network(run.config), run.batch_size), "train", key=key)
                    run.ticket = reservation.for_job(partial(job_executor().submit, run.steps))
                    run.watch(watcher)
                    registry[key] = run
                registry.move_to_end(key)
                while len(registry) > MAX_RUNS:
                    registry.popitem(last=False)
            runs.append(run)
    except UserError:  # queue full or no memory: leave the runs this press joined, so none trains unwatched
        for run in runs:
            run.stop(watcher)
        raise
    return runs


def find_runs(configs: list[DenseNetConfig], data: LiveData, seed: int, epochs: int,
              measure_noise: bool = False) -> list[LiveRun]:
    """The shared runs for these settings that are waiting, training or done (all of them, or none)."""
    registry, lock = _registry()
    with lock:
        runs = [registry.get(_run_key(config, data, run_seed, epochs))
                for config, run_seed in planned_runs(configs, seed, measure_noise)]
    return runs if all(run is not None and run.joinable for run in runs) else []


def _progress_text(run: LiveRun, label: str, lang: str) -> str:
    """The line of ``run`` (named ``label``): its own place while it waits, or what it does now."""
    if run.state != "queued":
        return t(f"live.state_{run.state}", lang, label=label)
    ahead = run.queue_place()
    if not ahead:
        return t("live.state_next", lang, label=label)
    running = min(ahead, job_executor().running())
    return t("live.state_queued", lang, label=label, running=running, waiting=ahead - running)


def _draw(runs: list[LiveRun], lang: str) -> None:
    watcher = session_id()
    runs = [run.seen_by(watcher) for run in runs]
    names = short_run_names(runs, lang)
    for run, name in zip(runs, names, strict=True):
        done = run.points[-1].epoch / run.epochs if run.points else 0.0
        st.progress(min(1.0, done), text=_progress_text(run, name, lang))
        if run.error:
            st.error(run.error)
    chance = 1 / len(runs[0].data.classes)
    show_chart(st, make_live_figure(runs, lang, chance=chance), key="live_curves", lang=lang,
               summary=live_chart_summary(runs, lang, chance), table=live_table(runs, lang))
    rows = [{t("live.col_run", lang): name, t("live.col_config", lang): live_run_label(r, lang),
             t("live.col_params", lang): format_count(r.params),
             t("live.col_epoch_time", lang): f"{r.seconds_per_epoch:.1f} s" if r.seconds_per_epoch else "—",
             t("live.col_val", lang): f"{r.val_accuracy:.1%}" if r.val_accuracy is not None else "—",
             t("live.col_state", lang): t(f"live.short_{r.state}", lang)} for r, name in zip(runs, names, strict=True)]
    show_table(rows, key="live_table")
    text = conclusion(*run_outcomes(runs, lang), lang)
    if text:  # every run has ended
        st.header(t("live.conclusion", lang))
        st.markdown(text)


def _active_for_me(runs: list[LiveRun]) -> bool:
    """Whether any run still waits or trains as this session sees it (not once it stopped its part)."""
    watcher = session_id()
    return any(run.seen_by(watcher).active for run in runs)


@st.fragment(run_every=1.0)
def _polling(runs: list[LiveRun], lang: str) -> None:
    _draw(runs, lang)
    if not _active_for_me(runs):
        st.rerun()  # one full rerun: the page then draws the finished runs once and stops polling


def live_view(lang: str, configs: list[DenseNetConfig], data: LiveData, seed: int, epochs: int,
              measure_noise: bool = False) -> None:
    """Curves, progress, the comparison table and, once every run has ended, the conclusion of this
    session's runs, or, before it started any, of the shared runs for the current settings; redrawn every
    second while any of them waits or trains."""
    runs: list[LiveRun] = (st.session_state.get("live_runs")
                           or find_runs(configs, data, seed, epochs, measure_noise))
    st.session_state["live_shown"] = runs  # what Stop stops
    if not runs:
        return
    if _active_for_me(runs):
        _polling(runs, lang)
    else:
        _draw(runs, lang)


def stop_runs() -> None:
    """End this session's part in the runs it sees (the runs go on for anyone else watching them)."""
    watcher = session_id()
    for run in st.session_state.get("live_shown", []):
        run.stop(watcher)
