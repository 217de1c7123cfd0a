"""The occlusion playground (Explain page): click the photo to cover part of it with a grey square and watch
the probabilities, the Grad-CAM and the drop; or sweep the square over the whole photo.

It is a fragment: a click reruns only this section, not the page. The model work runs on the inference
worker, single-flight and cached by (photo, square), so a class clicking the same spot shares it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ..chart_text import occlusion_summary, probability_change_summary
from ..explain import PhotoExplanation, overlay, png_bytes
from ..explain.describe import map_alt
from ..i18n import class_label, t
from ..occlusion import GREY, OcclusionResult, Square, occluded_explanation, sensitivity_steps
from ..plots.explain import make_occlusion_figure, make_probability_change_figure
from ..predictor import Predictor
from ..weights import ModelCard
from .present import note, picture_cells, show_chart
from .workers import CACHED_PHOTOS, inference_worker, wait_for

GRID_STEP = 8  # clickable points every 8 input pixels


@st.cache_resource(max_entries=CACHED_PHOTOS, show_spinner=False)
def _picture(key: str, side: int, _res: PhotoExplanation) -> np.ndarray:
    """The photo at model-input size, (S, S, 3) uint8 (shared, read-only)."""
    picture = np.asarray(_res.crop.resize((side, side)))
    picture.setflags(write=False)
    return picture


@st.cache_resource(max_entries=CACHED_PHOTOS * 2, show_spinner=False)
def _picker(key: str, square: Square | None, lang: str, _picture: np.ndarray):
    """The clickable photo with the square drawn (shared figure: never mutate it)."""
    return make_occlusion_figure(_picture, square, GRID_STEP, lang)


@st.cache_data(max_entries=CACHED_PHOTOS * 2, show_spinner=False)
def _covered_png(key: str, square: Square, layer: str, cmap: str, _result: OcclusionResult,
                 _picture: np.ndarray) -> bytes:
    covered = _picture.copy()
    left, top, right, bottom = square.box(covered.shape[0])
    covered[top:bottom, left:right] = GREY  # what the model saw
    return png_bytes(overlay(covered, _result.explanation.cams[layer], 0.5, cmap))


def _occlusion_job(model, card, x, square: Square, before: np.ndarray) -> OcclusionResult:
    return occluded_explanation(Predictor(model, card), x, square, before)


def _sweep_job(model, card, x, target: int, size: int):
    return sensitivity_steps(model, x, target, size)  # a generator: the worker runs it slice by slice


@st.fragment
def occlusion_playground(key: str, res: PhotoExplanation, card: ModelCard, weights, layer: str, cmap: str,
                         lang: str) -> None:
    """The playground for one explained photo (``key``: its digest)."""
    st.header(t("occ.title", lang))
    st.markdown(t("occ.intro", lang))
    side = int(res.x.shape[-1])
    state_key = f"occ_square_{key}"
    c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
    size = c1.slider(t("occ.size", lang), 8, side // 2, max(8, side // 4), step=8, key="occ_size")
    if c2.button(t("occ.centre", lang), key="occ_centre"):
        st.session_state[state_key] = (side // 2, side // 2)
    if c3.button(t("occ.clear", lang), key="occ_clear"):
        st.session_state.pop(state_key, None)
    sweep = c4.toggle(t("occ.sweep", lang), key="occ_sweep")
    # The click arrives as the picker's selection: read it before drawing, so the square shows at once.
    event = st.session_state.get(f"occ_pick_{key}")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        clicked = (int(points[0]["x"]), int(points[0]["y"]))
        # A click is used once: a figure that comes back (e.g. after "Remove the square") may still carry
        # the selection it had, which must not put the square back.
        if clicked != st.session_state.get(f"occ_used_{key}"):
            st.session_state[f"occ_used_{key}"] = clicked
            st.session_state[state_key] = clicked
    # The keyboard way: buttons that place (at the centre, if none yet) and move the same square a click sets.
    moves = {"occ.left": (-GRID_STEP, 0), "occ.up": (0, -GRID_STEP), "occ.right": (GRID_STEP, 0),
             "occ.down": (0, GRID_STEP)}
    for cell, (label, (dx, dy)) in zip(st.columns(len(moves)), moves.items()):
        if cell.button(t(label, lang), key=f"occ_move_{label[4:]}"):
            x, y = st.session_state.get(state_key) or (side // 2, side // 2)
            st.session_state[state_key] = (min(max(x + dx, 0), side - 1), min(max(y + dy, 0), side - 1))
    centre = st.session_state.get(state_key)
    square = Square(*centre, size) if centre else None
    picture = _picture(key, side, res)
    c_pick, c_cam = picture_cells(2, 2)
    show_chart(c_pick, _picker(key, square, lang, picture), picture=True, key=f"occ_pick_{key}", on_select="rerun",
               selection_mode=("points",), summary=occlusion_summary(side, square, lang), lang=lang, table=False)
    worker = inference_worker(weights)
    if square is not None:
        result: OcclusionResult = wait_for(worker.submit(_occlusion_job, res.x, square, res.explanation.probs,
                                                         key=("occlusion", key, square)), lang)
        cls = class_label(card.class_names[result.target], lang)
        c_cam.image(_covered_png(key, square, layer, cmap, result, picture), caption=t("occ.cam", lang, cls=cls),
                    width="stretch", alt=t("alt.covered", lang, size=square.size, cx=square.cx, cy=square.cy,
                                           cls=cls))
        c_cam.metric(t("occ.drop", lang, cls=cls), f"{result.after:.1%}", f"{-result.drop:+.1%}")
        before, after = res.explanation.probs, result.explanation.probs
        show_chart(st, make_probability_change_figure(card.class_names, before, after, lang), key=f"occ_probs_{key}",
                   summary=probability_change_summary(card.class_names, before, after, lang), lang=lang,
                   headers={"category": t("chart.col_class", lang)})
    else:
        c_cam.info(t("occ.hint", lang))
    if sweep:
        target = res.explanation.target
        sens = wait_for(worker.submit(_sweep_job, res.x, target, size, key=("sweep", key, target, size)), lang)
        left, right = picture_cells(2, 2)
        sens_caption, cam_caption = t("occ.sensitivity", lang, size=size), t("occ.gradcam", lang)
        left.image(overlay(picture, sens, 0.6, cmap), caption=sens_caption, width="stretch",
                   alt=map_alt(sens_caption, sens, lang))
        right.image(overlay(picture, res.explanation.cams[layer], 0.6, cmap), caption=cam_caption, width="stretch",
                    alt=map_alt(cam_caption, res.explanation.cams[layer], lang))
        note(t("occ.sweep_caption", lang))
