"""The process-wide inference worker and job executor (``densenet_viz.serving``), and waiting with a place
in the queue shown. Sessions never run torch themselves: they submit and wait here."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..i18n import t
from ..serving import InferenceWorker, JobExecutor, Ticket
from .cache import cached_trained_model

JOB_WORKERS = 1  # heavy jobs (builds, measurements, live training) run one at a time beside inference
JOB_QUEUE = 32  # more waiting jobs than this are refused with a "try again" message


@st.cache_resource(max_entries=3, show_spinner=False)
def _worker(weights: str, mtime: float) -> InferenceWorker:
    model, card = cached_trained_model(weights, mtime)
    return InferenceWorker(model, card)


def inference_worker(weights: str | Path) -> InferenceWorker:
    """The one worker that owns the model in ``weights`` (a new file version gets a new worker)."""
    weights = Path(weights)
    return _worker(str(weights), weights.stat().st_mtime)


@st.cache_resource(show_spinner=False)
def job_executor() -> JobExecutor:
    """The bounded executor for builds, measurements and live training (never blocks explanations)."""
    return JobExecutor(workers=JOB_WORKERS, max_waiting=JOB_QUEUE)


def wait_for(ticket: Ticket, lang: str):
    """The ticket's result; while it waits, a note says how many jobs are ahead (errors are re-raised)."""
    if ticket.future.done():
        return ticket.future.result()
    box = st.empty()

    def show(place: int) -> None:
        box.info(t("serving.waiting", lang, place=place) if place else t("serving.running", lang))

    try:
        return ticket.wait(show)
    finally:
        box.empty()
