"""Explain page: upload flower photos (or pick examples), see the top-5 and where the model looked."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from densenet_viz.data import safe_name
from densenet_viz.explain import (
    COLORMAPS,
    DEFAULT_LOW_CONFIDENCE,
    block_end_layers,
    card_threshold,
    colorbar_image,
    npy_bytes,
    overlay,
    png_bytes,
)
from densenet_viz.i18n import t
from densenet_viz.model import cam_layer_names
from densenet_viz.plots_explain import make_cam_strip_figure, make_deletion_figure, make_top5_figure
from densenet_viz.ui.cache import trained_model
from densenet_viz.ui.explain_cache import (
    attributions_cached,
    deletion_cached,
    digest,
    explain_cached,
    list_examples,
)
from densenet_viz.ui.state import current_lang, ensure_app_navigation
from densenet_viz.weights import WeightsError, list_models

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py

log = logging.getLogger(__name__)
lang = current_lang()


def layer_label(name: str) -> str:
    """A readable name for a CAM layer, e.g. 'Block 2 output (features.denseblock2)'."""
    if name.startswith("features.denseblock"):
        text = t("explain.layer_block", lang, b=name.removeprefix("features.denseblock"))
    elif name.startswith("features.transition"):
        text = t("explain.layer_transition", lang, b=name.removeprefix("features.transition"))
    else:
        text = t(f"explain.layer_{name.split('.')[-1]}", lang)
    return f"{text} · {name}"


st.title(t("explain.title", lang))

# ------------------------------------------------------------------------------------------ model
models = list_models()
if not models:
    st.warning(t("common.no_model", lang))
    st.stop()
weights = st.selectbox(t("explain.model", lang), models, format_func=lambda p: Path(p).stem, key="ex_model",
                       help=t("explain.model_help", lang))
try:
    model, card = trained_model(weights)
except (WeightsError, OSError) as exc:
    st.error(t("explain.model_error", lang, reason=str(exc)))
    st.stop()
mtime = Path(weights).stat().st_mtime
names = ", ".join(card.class_names)
st.markdown(t("explain.intro", lang, n=len(card.class_names), names=names))
st.caption(t("explain.model_info", lang, name=Path(weights).stem, classes=names, size=card.preprocessing.input_size,
             flip=t("explain.flip_on" if card.test_flip else "explain.flip_off", lang)))
if isinstance(card.data.get("notes"), str) and card.data["notes"]:
    st.caption(t("explain.model_note", lang, note=card.data["notes"][:300]))

# ---------------------------------------------------------------------------------------- controls
layers = cam_layer_names(card.config)
left, right = st.columns([3, 2])
with left:
    source = st.radio(t("explain.source", lang), ["examples", "upload"], horizontal=True, key="ex_source",
                      format_func=lambda s: t(f"explain.source_{s}", lang))
    photos: list[tuple[str, bytes]] = []
    if source == "upload":
        files = st.file_uploader(t("explain.uploader", lang), type=["jpg", "jpeg", "png", "webp"],
                                 accept_multiple_files=True, key="ex_upload")
        photos = [(f.name, f.getvalue()) for f in files or []]
    else:
        examples = list_examples()
        if not examples:
            st.info(t("explain.no_examples", lang))
        default = [p for p in examples if p.stem == "drawn-daisy"][:1] or examples[:1]
        chosen = st.multiselect(t("explain.examples", lang), examples, default=default, key="ex_examples",
                                format_func=lambda p: p.name)
        photos = [(p.name, p.read_bytes()) for p in chosen]
with right:
    layer = st.selectbox(t("explain.layer", lang), layers, index=layers.index("features.denseblock4")
                         if "features.denseblock4" in layers else len(layers) - 1, key="ex_layer",
                         format_func=layer_label, help=t("explain.layer_help", lang))
    target = st.selectbox(t("explain.target", lang), [None, *range(len(card.class_names))], key="ex_target",
                          format_func=lambda c: t("explain.target_predicted", lang) if c is None
                          else card.class_names[c])
    c1, c2 = st.columns(2)
    alpha = c1.slider(t("explain.opacity", lang), 0.0, 1.0, 0.5, 0.05, key="ex_alpha")
    cmap = c2.selectbox(t("explain.colormap", lang), COLORMAPS, key="ex_cmap")
    extras = st.toggle(t("explain.extras", lang), key="ex_extras")
    faithful = st.toggle(t("explain.faithfulness", lang), key="ex_faithful")

if "low_confidence_threshold" not in card.data:
    st.caption(t("explain.threshold_default", lang, threshold=DEFAULT_LOW_CONFIDENCE))
if not photos:
    st.info(t("explain.no_input", lang))
    st.stop()

# ---------------------------------------------------------------------------------------- gallery
progress = st.progress(0.0, text=t("explain.progress", lang, i=1, n=len(photos)))
for i, (raw_name, data) in enumerate(photos):
    name = safe_name(raw_name)  # never show a raw, user-chosen name (Markdown/HTML injection)
    progress.progress(i / len(photos), text=t("explain.progress", lang, i=i + 1, n=len(photos)))
    st.divider()
    st.markdown(f"#### `{name}`")
    key = digest(data)
    try:
        photo, problem = explain_cached(str(weights), mtime, key, target, data)
    except Exception:  # noqa: BLE001 - one broken photo must not take the page down
        log.exception("explaining %s failed", name)
        st.error(t("explain.failed", lang, name=name))
        continue
    if problem:
        st.error(t("explain.bad_file", lang, name=name, reason=problem))
        continue
    exp = photo.explanation
    cls = card.class_names[exp.target]
    cam = exp.cams[layer]
    blended = overlay(photo.crop, cam, alpha, cmap)
    col_photo, col_cam, col_pred = st.columns([1, 1, 1.2])
    with col_photo:
        st.image(photo.crop, caption=t("explain.photo", lang), width="stretch")
    with col_cam:
        h, w = exp.raw[layer].shape
        st.image(blended, caption=t("explain.overlay", lang, cls=cls, layer=layer, h=h, w=w), width="stretch")
        st.image(colorbar_image(cmap), caption=t("explain.colorbar", lang), width="stretch")
        stem = Path(name).stem or "photo"
        d1, d2 = st.columns(2)
        d1.download_button(t("explain.download_png", lang), png_bytes(blended), f"{stem}_gradcam.png",
                           "image/png", key=f"ex_png_{i}", on_click="ignore")
        d2.download_button(t("explain.download_npy", lang), npy_bytes(exp.upsampled[layer]), f"{stem}_cam.npy",
                           "application/octet-stream", key=f"ex_npy_{i}", on_click="ignore")
    with col_pred:
        top_name, top_p = photo.top5[0]
        st.markdown(t("explain.prediction", lang, cls=top_name, prob=f"{top_p:.1%}"))
        if photo.low_confidence:
            st.warning(t("explain.low_confidence", lang, prob=f"{top_p:.1%}", threshold=f"{photo.threshold:.0%}",
                         n=len(card.class_names), names=names))
        st.plotly_chart(make_top5_figure(photo.top5, t("explain.top5", lang), t("explain.probability", lang),
                                         highlight=cls), width="stretch", key=f"ex_top5_{i}")

    ends = block_end_layers(layers)
    st.markdown(f"**{t('explain.strip_title', lang)}**")
    sizes = " → ".join(f"{exp.raw[n].shape[0]}×{exp.raw[n].shape[1]}" for n in ends)
    st.plotly_chart(make_cam_strip_figure({n: exp.raw[n] for n in ends},
                                          [f"{layer_label(n).split(' · ')[0]} ({exp.raw[n].shape[0]}×"
                                           f"{exp.raw[n].shape[1]})" for n in ends], cmap),
                    key=f"ex_strip_{i}")
    st.caption(t("explain.strip_caption", lang, sizes=sizes))

    if extras:
        st.markdown(f"**{t('explain.extras_title', lang)}**")
        maps = attributions_cached(str(weights), mtime, key, exp.target, layer, photo)
        win = max(2, exp.input_hw[0] // 4)
        panels = [(t("explain.method_gradcam", lang), cam),
                  (t("explain.method_guided_gradcam", lang), maps["guided_gradcam"]),
                  (t("explain.method_integrated_gradients", lang, steps=16), maps["integrated_gradients"]),
                  (t("explain.method_occlusion", lang, win=win), maps["occlusion"])]
        for col, (title, m) in zip(st.columns(len(panels)), panels):
            col.image(overlay(photo.crop, m, max(alpha, 0.6), cmap), caption=title, width="stretch")

    if faithful:
        curve, rand = deletion_cached(str(weights), mtime, key, exp.target, layer, photo)
        fig = make_deletion_figure({t("explain.method_gradcam", lang): curve, t("explain.deletion_random", lang): rand},
                                   t("explain.deletion_title", lang, cls=cls), t("explain.deletion_x", lang),
                                   t("explain.deletion_y", lang))
        st.plotly_chart(fig, width="stretch", key=f"ex_del_{i}")
        verdict = "explain.deletion_good" if curve.auc < rand.auc else "explain.deletion_bad"
        st.caption(t(verdict, lang, auc=f"{curve.auc:.3f}", rand=f"{rand.auc:.3f}"))

progress.progress(1.0, text=t("explain.progress_done", lang, n=len(photos)))
with st.expander(t("explain.how_title", lang)):
    st.markdown(t("explain.how", lang, threshold=f"{card_threshold(card):.0%}"))
