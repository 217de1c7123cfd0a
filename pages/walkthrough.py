"""Follow a flower: one photo (example, upload or camera) through the shipped DenseNet-121, stage by stage.
Wiring only: the pieces live in densenet_viz.ui.walkthrough_view."""

from __future__ import annotations

import streamlit as st

from densenet_viz.errors import markdown_literal, user_message
from densenet_viz.i18n import t
from densenet_viz.ui.cache import trained_model
from densenet_viz.ui.explain_view import Photo, credit_markdown, digest, photo_inputs
from densenet_viz.ui.lesson_view import lesson_panel
from densenet_viz.ui.present import side_by_side
from densenet_viz.ui.state import current_lang, ensure_app_navigation, shipped_model_note
from densenet_viz.ui.walkthrough_view import show_overview, show_stage, stage_stepper, walkthrough_on_worker
from densenet_viz.walkthrough import synthetic_flower_bytes
from densenet_viz.weights import SHIPPED_MODEL, WeightsError, list_examples

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
st.title(t("walk.title", lang))
shipped_model_note(lang)
lesson_panel("walkthrough", None, lang)  # its questions are about the shipped model
st.markdown(t("walk.intro", lang))

if not SHIPPED_MODEL.is_file():
    st.warning(t("common.no_model", lang))
    st.stop()
try:
    _model, card = trained_model(SHIPPED_MODEL)
except WeightsError as exc:
    st.error(t("walk.bad_model", lang, reason=user_message(exc, lang)))
    st.stop()

examples = list_examples()
photos = photo_inputs("walk", examples, lang, multiple=False)
if not examples and st.session_state.get("walk_source") == "examples":
    data = synthetic_flower_bytes()
    photos = [Photo(t("walk.synthetic", lang), data, digest(data))]
if not photos:
    st.info(t("walk.upload_hint", lang))
    st.stop()
photo = photos[0]
try:
    walk = walkthrough_on_worker(SHIPPED_MODEL, photo, lang)
except Exception as exc:  # noqa: BLE001 - a bad photo gets a message, never a traceback
    st.error(t("walk.bad_image", lang, name=markdown_literal(photo.name), reason=user_message(exc, lang)))
    st.stop()

current = stage_stepper(walk, lang)
col_img, col_stage = side_by_side([1, 2])  # projector mode: one below the other, for bigger pictures
with col_img:
    show_overview(walk, current, markdown_literal(photo.name), lang)  # the caption is Markdown
    if photo.credit is not None:
        st.caption(credit_markdown(photo.credit, lang))
with col_stage:
    show_stage(walk, current, card, lang)
