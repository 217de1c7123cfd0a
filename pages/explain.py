"""Explain page: photos in (examples, uploads, camera), the top-5 and where the model looked, and a playground
to cover part of a photo. Wiring only: the pieces live in densenet_viz.ui.explain_view / occlusion_view."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from densenet_viz.calibration import NoneOfTheseRule
from densenet_viz.errors import user_message
from densenet_viz.explain import COLORMAPS
from densenet_viz.i18n import class_label, class_list, t
from densenet_viz.model import cam_layer_names, default_cam_layer
from densenet_viz.plots.explain import layer_label
from densenet_viz.ui.cache import trained_model
from densenet_viz.ui.explain_view import View, explain_gallery, photo_inputs, view_key
from densenet_viz.ui.lesson_view import lesson_panel
from densenet_viz.ui.mistakes_view import mistakes_section
from densenet_viz.ui.occlusion_view import occlusion_playground
from densenet_viz.ui.state import current_lang, ensure_app_navigation, shipped_model_note
from densenet_viz.weights import WeightsError, list_examples, list_models

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
st.title(t("explain.title", lang))
shipped_model_note(lang)
lesson_panel("explain", None, lang)  # its questions are about the shipped model

models = list_models()
if not models:
    st.warning(t("common.no_model", lang))
    st.stop()
weights = Path(st.selectbox(t("explain.model", lang), models, format_func=lambda p: Path(p).stem, key="ex_model",
                            help=t("explain.model_help", lang)))
try:
    _model, card = trained_model(weights)
except (WeightsError, OSError) as exc:
    st.error(t("explain.model_error", lang, reason=user_message(exc, lang)))
    st.stop()
names = class_list(card.class_names, lang)
st.markdown(t("explain.intro", lang, n=len(card.class_names), names=names))
st.caption(t("explain.model_info", lang, name=weights.stem, classes=names, size=card.preprocessing.input_size,
             flip=t("explain.flip_on" if card.test_flip else "explain.flip_off", lang)))

layers = cam_layer_names(card.config)
left, right = st.columns([3, 2])
with left:
    photos = photo_inputs("ex", list_examples(), lang)
with right:
    default = layers.index(default_cam_layer(card.config))
    layer = st.selectbox(t("explain.layer", lang), layers, index=default, key="ex_layer",
                         format_func=lambda n: layer_label(n, lang), help=t("explain.layer_help", lang))
    target = st.selectbox(t("explain.target", lang), [None, *range(len(card.class_names))], key="ex_target",
                          format_func=lambda c: t("explain.target_predicted", lang) if c is None
                          else class_label(card.class_names[c], lang))
    c1, c2 = st.columns(2)
    alpha = c1.slider(t("explain.opacity", lang), 0.0, 1.0, 0.5, 0.05, key="ex_alpha")
    cmap = c2.selectbox(t("explain.colormap", lang), COLORMAPS, key="ex_cmap")
    extras = st.toggle(t("explain.extras", lang), key="ex_extras")
    faithful = st.toggle(t("explain.faithfulness", lang), key="ex_faithful")

if not photos:
    st.info(t("explain.no_input", lang))
    st.stop()
view = View(layer, target, float(alpha), cmap, extras, faithful)
results = explain_gallery(photos, card, view, weights, lang)

if results:
    st.divider()
    chosen = 0
    if len(results) > 1:
        chosen = st.selectbox(t("occ.which", lang), range(len(results)), key="occ_which",
                              format_func=lambda i: results[i][0].name)
    photo, res = results[chosen]
    occlusion_playground(view_key(weights, photo), res, card, weights, layer, cmap, lang)
with st.expander(t("explain.how_title", lang)):
    st.markdown(t("explain.how", lang, threshold=f"{NoneOfTheseRule.for_card(card).threshold:.0%}"))
mistakes_section(lang)
