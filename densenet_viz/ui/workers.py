"""The process-wide inference worker and job executor (``densenet_viz.serving``), and waiting with a place
in the queue shown. Sessions never run torch themselves: they submit and wait here."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..i18n import t
from ..serving import InferenceWorker, JobExecutor, Ticket
from .cache import cached_trained_model

JOB_WORKERS = 1  # heavy jobs (builds, measurements, live training) take turns beside inference
JOB_QUEUE = 32  # more waiting jobs than this are refused with a "try again" message
# Explained photos kept in memory (about 1-2 MB each with what is drawn from them): every student of a class
# of 30 keeps their current photo and one before it. Caches of what is drawn from a photo hold at most this
# many photos' worth too, so the server's memory stops growing once these are full.
CACHED_PHOTOS = 64


def session_id() -> str:
    """This session's id: the owner of its work in the fair queues (one lane per session)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "-"


@st.cache_resource(max_entries=3, show_spinner=False)
def _worker(weights: str, mtime: float) -> InferenceWorker:
    model, card = cached_trained_model(weights, mtime)
    return InferenceWorker(model, card, cache_size=CACHED_PHOTOS, owner_of=session_id)


def inference_worker(weights: str | Path) -> InferenceWorker:
    """The one worker that owns the model in ``weights`` (a new file version gets a new worker)."""
    weights = Path(weights)
    return _worker(str(weights), weights.stat().st_mtime)


@st.cache_resource(show_spinner=False)
def job_executor() -> JobExecutor:
    """The fair, bounded executor for builds, measurements and live training (never blocks explanations)."""
    return JobExecutor(workers=JOB_WORKERS, max_waiting=JOB_QUEUE, owner_of=session_id)


def wait_for(ticket: Ticket, lang: str):
    """The ticket's result; while it waits, a note says how many jobs are ahead, or how far a long job got
    (errors are re-raised)."""
    if ticket.future.done():
        return ticket.future.result()
    box = st.empty()

    def show(place: int, progress: float) -> None:
        if place:
            box.info(t("serving.waiting", lang, place=place))
        elif progress:
            box.progress(min(1.0, progress), text=t("serving.running_progress", lang, percent=f"{progress:.0%}"))
        else:
            box.info(t("serving.running", lang))

    try:
        return ticket.wait(show)
    finally:
        box.empty()
