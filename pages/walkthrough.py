"""Follow a flower: one photo through the shipped DenseNet-121, stage by stage."""

from __future__ import annotations

import hashlib

import streamlit as st

from densenet_viz.data import ImageError, safe_name
from densenet_viz.i18n import t
from densenet_viz.plots_teaching import (
    make_class_bar_figure,
    make_feature_grid_figure,
    make_stage_overview_figure,
    make_top_entries_figure,
)
from densenet_viz.ui.cache import trained_model
from densenet_viz.ui.state import current_lang, ensure_app_navigation
from densenet_viz.ui.teaching import cached_walkthrough
from densenet_viz.walkthrough import example_images, synthetic_flower_bytes
from densenet_viz.weights import SHIPPED_MODEL, WeightsError

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py

lang = current_lang()
st.title(t("walk.title", lang))
st.markdown(t("walk.intro", lang))

if not SHIPPED_MODEL.is_file():
    st.warning(t("common.no_model", lang))
    st.stop()
try:
    model, card = trained_model(SHIPPED_MODEL)
except WeightsError as exc:
    st.error(t("walk.bad_model", lang, reason=str(exc)))
    st.stop()

# ------------------------------------------------------------------------------------------------ the photo
examples = example_images()
example_names = [p.name for p in examples] or ["synthetic"]
left, right = st.columns([1, 2])
source = left.radio(t("walk.source", lang), ["example", "upload"], key="walk_source", horizontal=True,
                    format_func=lambda s: t(f"walk.source_{s}", lang))
if source == "upload":
    upload = right.file_uploader(t("walk.upload", lang), type=["jpg", "jpeg", "png", "webp", "bmp"],
                                 key="walk_upload")
    if upload is None:
        st.info(t("walk.upload_hint", lang))
        st.stop()
    data, shown_name = upload.getvalue(), safe_name(upload.name)
else:
    choice = right.selectbox(t("walk.example", lang), example_names, key="walk_example",
                             format_func=lambda n: t("walk.synthetic", lang) if n == "synthetic" else n)
    if choice == "synthetic":
        data = synthetic_flower_bytes()
    else:
        data = next(p for p in examples if p.name == choice).read_bytes()
    shown_name = safe_name(choice)

with st.spinner(t("walk.running", lang)):
    try:
        walk = cached_walkthrough(hashlib.sha256(data).hexdigest(), str(SHIPPED_MODEL),
                                  SHIPPED_MODEL.stat().st_mtime, data)
    except ImageError as exc:
        st.error(t("walk.bad_image", lang, name=shown_name, reason=str(exc)))
        st.stop()

# ----------------------------------------------------------------------------------------------- stepping
stages = walk.stages
n = len(stages)


def stage_label(i: int) -> str:
    s = stages[i]
    if s.kind == "stem":
        return t("common.stem", lang)
    if s.kind == "block":
        return t("common.block", lang, b=s.index)
    if s.kind == "transition":
        return t("common.transition", lang, b=s.index)
    if s.kind == "norm":
        return t("common.norm5", lang)
    if s.kind == "classifier":
        return t("common.classifier", lang)
    return t(f"walk.stage_{s.kind}", lang)


def _step(delta: int) -> None:
    st.session_state["walk_stage"] = min(max(int(st.session_state.get("walk_stage", 0)) + delta, 0), n - 1)


if not 0 <= int(st.session_state.get("walk_stage", 0)) < n:
    st.session_state["walk_stage"] = 0
current = int(st.session_state.get("walk_stage", 0))
c_prev, c_slider, c_next = st.columns([1, 6, 1], vertical_alignment="bottom")
c_prev.button(t("walk.prev", lang), key="walk_prev", on_click=_step, args=(-1,), disabled=current == 0,
              width="stretch")
c_next.button(t("walk.next", lang), key="walk_next", on_click=_step, args=(1,), disabled=current == n - 1,
              width="stretch")
current = c_slider.select_slider(t("walk.stage", lang), options=list(range(n)), format_func=stage_label,
                                 key="walk_stage")
stage = stages[current]

# ------------------------------------------------------------------------------------------------ display
col_img, col_stage = st.columns([1, 2])
with col_img:
    st.image(walk.image, caption=t("walk.crop", lang, name=shown_name, size=walk.input_size),
             width="stretch")
    st.plotly_chart(make_stage_overview_figure(stages, [stage_label(i) for i in range(n)], current,
                                               t("walk.overview_y", lang)),
                    width="stretch", key="walk_overview")

with col_stage:
    st.subheader(t("walk.stage_heading", lang, i=current + 1, n=n, name=stage_label(current)))
    shape = "×".join(str(d) for d in stage.shape)
    m1, m2 = st.columns([3, 2])
    m1.metric(t("walk.shape", lang), shape)
    m2.metric(t("walk.range", lang), f"{stage.value_range[0]:.3g} … {stage.value_range[1]:.3g}")
    if stage.matches_plan:
        st.caption(t("walk.plan_ok", lang))
    else:
        st.warning(t("walk.plan_mismatch", lang, plan="×".join(str(d) for d in stage.plan_shape)))
    st.markdown(t(f"walk.say_{stage.kind}", lang, **stage.say))

    if stage.active is not None:
        if stage.kind == "block":
            labels = [t("walk.map_label_origin", lang, c=c, origin=(t("walk.origin_input", lang) if o == 0
                                                                      else t("walk.origin_layer", lang, i=o)))
                      for c, o in zip(stage.active.channels, stage.active.origins, strict=True)]
        else:
            labels = [t("walk.map_label", lang, c=c) for c in stage.active.channels]
        st.plotly_chart(make_feature_grid_figure(stage.active, labels, t("walk.active_title", lang)),
                        width="stretch", key="walk_active")
    if stage.newest is not None:
        labels = [t("walk.map_label", lang, c=c) for c in stage.newest.channels]
        st.plotly_chart(make_feature_grid_figure(stage.newest, labels, t("walk.newest_title", lang, **stage.say)),
                        width="stretch", key="walk_newest")
    if stage.active is not None:
        st.caption(t("walk.grid_note", lang))
    if stage.kind == "pool":
        st.plotly_chart(make_top_entries_figure(stage.vector, 20, t("walk.pooled_title", lang, c=stage.shape[1]),
                                                t("walk.channel", lang), t("walk.mean_value", lang)),
                        width="stretch", key="walk_pooled")
    elif stage.kind == "classifier":
        st.plotly_chart(make_class_bar_figure(stage.vector, walk.class_names, t("walk.logits_title", lang),
                                              t("walk.logit", lang)), width="stretch", key="walk_logits")
    elif stage.kind == "softmax":
        st.plotly_chart(make_class_bar_figure(walk.probabilities, walk.class_names, t("walk.probs_title", lang),
                                              t("walk.probability", lang), percent=True),
                        width="stretch", key="walk_probs")
        st.plotly_chart(make_top_entries_figure(walk.pooled, 20, t("walk.pooled_title", lang, c=walk.pooled.size),
                                                t("walk.channel", lang), t("walk.mean_value", lang)),
                        width="stretch", key="walk_pooled_final")
        st.caption(t("walk.single_pass", lang))
