"""The Follow-a-flower page's pieces: the walkthrough from the inference worker (one hooked forward pass
per photo, cached), the stage stepper, and one stage drawn."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..budget import admit
from ..calibration import NoneOfTheseRule
from ..chart_text import (
    class_bar_summary,
    feature_grid_summary,
    feature_maps_table,
    stage_overview_summary,
    top_entries_summary,
)
from ..data import load_image
from ..explain import none_of_these_rule_text
from ..explain.gradcam import device_of
from ..i18n import class_list, t
from ..plots.teaching import (
    make_class_bar_figure,
    make_feature_grid_figure,
    make_stage_overview_figure,
    make_top_entries_figure,
    stage_label,
)
from ..predictor import Predictor
from ..walkthrough import Walkthrough, walkthrough_memory_bytes
from ..weights import ModelCard
from .explain_view import Photo
from .present import note, presenting, show_chart
from .workers import inference_worker, wait_for

FEATURE_COLUMNS = 4  # feature maps per row of a grid
FEATURE_COLUMNS_PROJECTOR = 3  # fewer per row in projector mode, where the stage has the whole width


def _walk_job(model, card, data: bytes) -> Walkthrough:
    image = load_image(data, target_side=card.preprocessing.resize_size)
    return Predictor(model, card).walk(image)


def walkthrough_on_worker(weights: Path, photo: Photo, lang: str) -> Walkthrough:
    """The photo's walkthrough, computed once on the inference worker for every session that asks, admitted
    by the memory budget."""
    worker = inference_worker(weights)
    key = ("walk", photo.key)
    reservation = admit(walkthrough_memory_bytes(worker.card.config, worker.card.preprocessing), "walkthrough",
                        str(device_of(worker.model)), key)
    return wait_for(reservation.for_job(lambda: worker.submit(_walk_job, photo.data, key=key)), lang)


def stage_stepper(walk: Walkthrough, lang: str) -> int:
    """Previous / next buttons around a stage slider; returns the chosen stage's index."""
    n = len(walk.stages)

    def step(delta: int) -> None:
        st.session_state["walk_stage"] = min(max(int(st.session_state.get("walk_stage", 0)) + delta, 0), n - 1)

    if not 0 <= int(st.session_state.get("walk_stage", 0)) < n:
        st.session_state["walk_stage"] = 0
    current = int(st.session_state.get("walk_stage", 0))
    c_prev, c_slider, c_next = st.columns([1, 6, 1], vertical_alignment="bottom")
    c_prev.button(t("walk.prev", lang), key="walk_prev", on_click=step, args=(-1,), disabled=current == 0,
                  width="stretch")
    c_next.button(t("walk.next", lang), key="walk_next", on_click=step, args=(1,), disabled=current == n - 1,
                  width="stretch")
    return c_slider.select_slider(t("walk.stage", lang), options=list(range(n)),
                                  format_func=lambda i: stage_label(walk.stages[i], lang), key="walk_stage")


def show_overview(walk: Walkthrough, current: int, name: str, lang: str) -> None:
    # Projector mode draws this at full width: the photo takes two thirds of it, twice its usual third.
    picture = st.columns([2, 1])[0] if presenting() else st
    crop = t("walk.crop", lang, name=name, size=walk.input_size)
    picture.image(walk.image, caption=crop, width="stretch", alt=crop)
    show_chart(st, make_stage_overview_figure(walk.stages, current, lang), width="stretch", key="walk_overview",
               summary=stage_overview_summary(walk.stages, current, lang), lang=lang,
               headers={"category": t("chart.col_stage", lang)})


def show_stage(walk: Walkthrough, current: int, card: ModelCard, lang: str) -> None:
    """One stage: its shape against the plan, what happened, its most active maps or its vector."""
    stage = walk.stages[current]
    st.header(t("walk.stage_heading", lang, i=current + 1, n=len(walk.stages), name=stage_label(stage, lang)))
    m1, m2 = st.columns([3, 2])
    m1.metric(t("walk.shape", lang), "×".join(str(d) for d in stage.shape))
    m2.metric(t("walk.range", lang), f"{stage.value_range[0]:.3g} … {stage.value_range[1]:.3g}")
    if stage.matches_plan:
        st.caption(t("walk.plan_ok", lang))
    else:
        st.warning(t("walk.plan_mismatch", lang, plan="×".join(str(d) for d in stage.plan_shape)))
    st.markdown(t(f"walk.say_{stage.kind}", lang, **stage.say))
    # Projector mode: the stage gets the full width, three maps to a row and rows twice as tall.
    cols = FEATURE_COLUMNS_PROJECTOR if presenting() else FEATURE_COLUMNS
    channels = stage.shape[1]
    if stage.active is not None:
        show_chart(st, make_feature_grid_figure(stage.active, lang, cols=cols), picture=True, width="stretch",
                   key="walk_active", summary=feature_grid_summary(stage.active, channels, lang), lang=lang,
                   table=feature_maps_table(stage.active, lang))
    if stage.newest is not None:
        show_chart(st, make_feature_grid_figure(stage.newest, lang, newest=stage.say, cols=cols), picture=True,
                   width="stretch", key="walk_newest",
                   summary=feature_grid_summary(stage.newest, channels, lang, newest=stage.say), lang=lang,
                   table=feature_maps_table(stage.newest, lang))
    if stage.active is not None:
        note(t("walk.grid_note", lang))
    if stage.kind == "pool":
        show_chart(st, make_top_entries_figure(stage.vector, 20, lang), width="stretch", key="walk_pooled",
                   summary=top_entries_summary(stage.vector, 20, lang), lang=lang)
    elif stage.kind == "classifier":
        show_chart(st, make_class_bar_figure(stage.vector, walk.class_names, lang), width="stretch",
                   key="walk_logits", summary=class_bar_summary(stage.vector, walk.class_names, lang), lang=lang,
                   headers={"category": t("chart.col_class", lang)})
    elif stage.kind == "softmax":
        show_chart(st, make_class_bar_figure(walk.probabilities, walk.class_names, lang, percent=True),
                   width="stretch", key="walk_probs", lang=lang, headers={"category": t("chart.col_class", lang)},
                   summary=class_bar_summary(walk.probabilities, walk.class_names, lang, percent=True))
        show_chart(st, make_top_entries_figure(walk.pooled, 20, lang), width="stretch", key="walk_pooled_final",
                   summary=top_entries_summary(walk.pooled, 20, lang), lang=lang)
        note(t("walk.single_pass" if stage.say.get("flip") else "walk.single_pass_no_flip", lang))
        top, rule = float(walk.probabilities.max()), NoneOfTheseRule.for_card(card)
        if rule.is_flagged(top):
            st.warning(t("explain.none_of_these", lang, prob=f"{top:.1%}", threshold=f"{rule.threshold:.0%}",
                         n=len(card.class_names), names=class_list(card.class_names, lang)))
        note(none_of_these_rule_text(card, lang))
