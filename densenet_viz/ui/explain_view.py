"""The Explain and Follow-a-flower pages' shared pieces: photo sources (examples, upload, camera), the
model picker, and one photo's explanation drawn from cached, already-encoded images and figures.

Every model call goes to the inference worker (``ui.workers``); everything drawn is cached by (photo
digest, target, view settings), so a rerun re-encodes nothing and recomputes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from ..budget import admit, explain_bytes
from ..chart_text import cam_strip_summary, deletion_summary, top5_summary
from ..credits import Credit, example_label
from ..data import UPLOAD_TYPES, load_image, safe_name
from ..errors import markdown_literal, user_message
from ..explain import (
    ATTRIBUTION_METHODS,
    PhotoExplanation,
    attributions,
    block_end_layers,
    colorbar_image,
    decode_side,
    deletion_curve,
    none_of_these_rule_text,
    npy_bytes,
    overlay,
    png_bytes,
    random_saliency,
)
from ..explain.describe import map_alt
from ..explain.gradcam import device_of
from ..hashing import sha256_hex
from ..i18n import class_label, class_list, t
from ..model import cam_layer_names
from ..plan import plan_network
from ..plots.explain import make_cam_strip_figure, make_deletion_figure, make_top5_figure
from ..weights import EXAMPLE_CREDITS, ModelCard, example_credits
from .classroom import share_form
from .present import note, picture_cells, presenting, show_chart, side_by_side
from .state import session_is_new
from .workers import CACHED_PHOTOS, inference_worker, wait_for

log = logging.getLogger(__name__)


def digest(data: bytes) -> str:
    """A photo's identity for cache and single-flight keys."""
    return sha256_hex(data)


@dataclass(frozen=True)
class Photo:
    name: str  # safe to show
    data: bytes
    key: str  # digest(data)
    credit: Credit | None = None  # a built-in example's: what it is, whom to credit


def credit_markdown(credit: Credit, lang: str) -> str:
    """The line shown under a built-in example or a shipped photo: author, licence link and source for a
    photo (plus a note when it is none of the model's flowers), or "a drawing, not a photo"."""
    if credit.kind == "drawing":
        return t("explain.credit_drawing", lang, cls=markdown_literal(credit.label))
    text = t("explain.credit", lang, author=markdown_literal(credit.author), licence=markdown_literal(credit.licence),
             licence_url=_link(credit.licence_url), source_url=_link(credit.source_url),
             changes=t(f"explain.credit_{'resized' if credit.changes == 'resized' else 'unchanged'}", lang))
    if credit.kind == "out_of_set":
        text += " " + t("explain.credit_out_of_set", lang)
    return text


def _link(url: str) -> str:
    # Only plain https links from our own credit files; anything else becomes a link to nowhere.
    return url if url.startswith("https://") and not any(c in url for c in " ()<>[]") else "#"


@st.cache_data(max_entries=4, show_spinner=False)
def _folder_credits(folder: str, mtime: float) -> dict[str, Credit]:
    return example_credits(folder)


def _example_credits(examples: list[Path]) -> dict[Path, Credit]:
    """Each example's credit, from the credits file beside it (read once per change of that file)."""
    found = {}
    for folder in {p.parent for p in examples}:
        try:
            mtime = (folder / EXAMPLE_CREDITS).stat().st_mtime
        except OSError:
            continue
        credits = _folder_credits(str(folder), mtime)
        found.update({p: credits[p.name] for p in examples if p.parent == folder and p.name in credits})
    return found


def view_key(weights: Path, photo: Photo) -> str:
    """The key of everything drawn for ``photo`` with the model in ``weights`` (a retrained file is new)."""
    return f"{weights.name}:{weights.stat().st_mtime}:{photo.key}"


# ------------------------------------------------------------------------------------------- inputs
def photo_inputs(prefix: str, examples: list[Path], lang: str, multiple: bool = True,
                 default_example: str | None = None) -> list[Photo]:
    """A source picker (examples, upload, camera) and the photos it yields. Widget keys start with ``prefix``.

    The examples are listed in ``examples``' order (``list_examples``: real photos first) with their kind in
    the label; the default is ``default_example`` (a file stem) or else the first.
    """
    source = st.radio(t("explain.source", lang), ["examples", "upload", "camera"], horizontal=True,
                      key=f"{prefix}_source", format_func=lambda s: t(f"explain.source_{s}", lang))
    if source != "examples" and session_is_new():
        # The browser brought an upload or camera choice into this session's very first run: it was moved
        # here from a server that stopped (several replicas), and its photos stayed there. Say so, and
        # give it fresh, empty inputs instead of a stale file list that this server cannot read.
        st.session_state[f"{prefix}_inputs"] = st.session_state.get(f"{prefix}_inputs", 0) + 1
        st.warning(t("explain.moved_session", lang))
    inputs = st.session_state.get(f"{prefix}_inputs", 0)
    suffix = f"_{inputs}" if inputs else ""
    if source == "upload":
        files = st.file_uploader(t("explain.uploader", lang), type=UPLOAD_TYPES, accept_multiple_files=multiple,
                                 key=f"{prefix}_upload{suffix}", help=t("explain.uploader_help", lang))
        files = files if isinstance(files, list) else [files] if files else []
        pairs = [(f.name, f.getvalue()) for f in files]
    elif source == "camera":
        shot = st.camera_input(t("explain.camera", lang), key=f"{prefix}_camera{suffix}",
                               help=t("explain.camera_help", lang))
        pairs = [(t("explain.camera_name", lang), shot.getvalue())] if shot is not None else []
    else:
        if not examples:
            st.info(t("explain.no_examples", lang))
        default = [p for p in examples if p.stem == default_example][:1] or examples[:1]
        credits = _example_credits(examples)
        label = lambda p: example_label(p, credits.get(p), lang)
        if multiple:
            chosen = st.multiselect(t("explain.examples", lang), examples, default=default, key=f"{prefix}_examples",
                                    format_func=label)
        else:
            one = st.selectbox(t("explain.examples", lang), examples, key=f"{prefix}_examples",
                               index=examples.index(default[0]) if default else 0, format_func=label)
            chosen = [one] if one is not None else []
        return [Photo(safe_name(p.name), data, digest(data), credits.get(p))
                for p, data in ((p, _example_bytes(str(p))) for p in chosen)]
    return [Photo(safe_name(name), data, digest(data)) for name, data in pairs]


@st.cache_data(max_entries=64, show_spinner=False)
def _example_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


# ------------------------------------------------------------------------------------- computation
def explain_on_worker(weights: Path, card: ModelCard, photo: Photo, target: int | None, lang: str) -> PhotoExplanation:
    """The photo's explanation from the inference worker (shared by every session asking the same)."""
    side = decode_side(card.preprocessing)
    worker = inference_worker(weights)
    # One reservation, sized for a full batch of the shipped model, shared by every request waiting for it.
    plan = plan_network(card.config.replace(input_size=card.preprocessing.input_size))
    reservation = admit(explain_bytes(plan, worker.max_batch), "explain", str(device_of(worker.model)),
                        key=("explain", str(weights)))
    ticket = reservation.for_job(
        lambda: worker.explain(photo.key, lambda: load_image(photo.data, target_side=side), target))
    return wait_for(ticket, lang)


def _attribution_job(model, card, x, target, layer):
    """One Captum method per slice of the worker's time (a generator: see ``serving``)."""
    maps = {}
    for i, method in enumerate(ATTRIBUTION_METHODS):
        maps.update(attributions(model, x, target, layer, methods=(method,)))
        yield (i + 1) / len(ATTRIBUTION_METHODS)
    return maps


def _deletion_job(model, card, x, cam, target):
    """The map's deletion curve, then the random baseline's, in two slices of the worker's time."""
    curve = deletion_curve(model, x, cam, target)
    yield 0.5
    return curve, deletion_curve(model, x, random_saliency(cam.shape, seed=0), target)


# ------------------------------------------------------------------------------------- cached drawing
@st.cache_data(max_entries=CACHED_PHOTOS, show_spinner=False)
def _crop_jpeg(key: str, _photo: PhotoExplanation) -> bytes:
    import io

    buf = io.BytesIO()
    _photo.crop.save(buf, "JPEG", quality=90)
    return buf.getvalue()


@st.cache_data(max_entries=CACHED_PHOTOS * 2, show_spinner=False)
def _overlay_png(key: str, target: int, layer: str, alpha: float, cmap: str, _photo: PhotoExplanation) -> bytes:
    return png_bytes(overlay(_photo.crop, _photo.explanation.cams[layer], alpha, cmap))


@st.cache_data(max_entries=8, show_spinner=False)
def _colorbar_png(cmap: str) -> bytes:
    return png_bytes(colorbar_image(cmap))


@st.cache_data(max_entries=CACHED_PHOTOS, show_spinner=False)
def _npy(key: str, target: int, layer: str, _photo: PhotoExplanation) -> bytes:
    return npy_bytes(_photo.explanation.upsampled[layer])


@st.cache_resource(max_entries=CACHED_PHOTOS * 2, show_spinner=False)
def _top5_figure(key: str, target: int, lang: str, highlight: str, _photo: PhotoExplanation):
    return make_top5_figure(_photo.top5, lang, highlight=highlight, threshold=_photo.threshold)


@st.cache_resource(max_entries=CACHED_PHOTOS, show_spinner=False)
def _strip_figure(key: str, target: int, lang: str, cmap: str, _photo: PhotoExplanation):
    raw = _photo.explanation.raw
    return make_cam_strip_figure({n: raw[n] for n in block_end_layers(list(raw))}, lang, cmap)


@dataclass(frozen=True)
class View:
    """How the user wants to see explanations (the page's controls)."""

    layer: str
    target: int | None
    alpha: float
    cmap: str
    extras: bool
    faithful: bool


def show_explanation(i: int, photo: Photo, res: PhotoExplanation, card: ModelCard, view: View, weights: Path,
                     lang: str) -> None:
    """One photo: the crop, the overlay and downloads, the verdict and top-5 with the rule, the CAM strip,
    and (if asked) the other attributions and the deletion curve."""
    exp = res.explanation
    cls = card.class_names[exp.target]
    names = class_list(card.class_names, lang)
    if presenting():  # pictures twice as wide: the photo beside the verdict, the map below the photo
        (c_photo, c_pred), (c_cam, _) = st.columns([2, 1.2]), st.columns([2, 1.2])
    else:
        c_photo, c_cam, c_pred = st.columns([1, 1, 1.2])
    key = view_key(weights, photo)  # drawings depend on the model too (its input size, its answer)
    c_photo.image(_crop_jpeg(key, res), caption=t("explain.photo", lang), width="stretch",
                  alt=t("alt.photo", lang, name=photo.name))
    if photo.credit is not None:
        c_photo.caption(credit_markdown(photo.credit, lang))
    with c_cam:
        h, w = exp.raw[view.layer].shape
        blended = _overlay_png(key, exp.target, view.layer, view.alpha, view.cmap, res)
        caption = t("explain.overlay", lang, cls=class_label(cls, lang), layer=view.layer, h=h, w=w)
        st.image(blended, caption=caption, width="stretch", alt=map_alt(caption, exp.raw[view.layer], lang))
        st.image(_colorbar_png(view.cmap), caption=t("explain.colorbar", lang), width="stretch",
                 alt=t("alt.colorbar", lang))
        stem = Path(photo.name).stem or "photo"
        d1, d2 = st.columns(2)
        d1.download_button(t("explain.download_png", lang), blended, f"{stem}_gradcam.png", "image/png",
                           key=f"ex_png_{i}", on_click="ignore")
        d2.download_button(t("explain.download_npy", lang), _npy(key, exp.target, view.layer, res),
                           f"{stem}_cam.npy", "application/octet-stream", key=f"ex_npy_{i}", on_click="ignore")
    with c_pred:
        top_name, top_p = res.top5[0]
        st.markdown(t("explain.prediction", lang, cls=class_label(top_name, lang), prob=f"{top_p:.1%}"))
        if res.none_of_these:
            st.warning(t("explain.none_of_these", lang, prob=f"{top_p:.1%}", threshold=f"{res.threshold:.0%}",
                         n=len(card.class_names), names=names))
        show_chart(st, _top5_figure(key, exp.target, lang, cls, res), width="stretch", key=f"ex_top5_{i}",
                   summary=top5_summary(res.top5, lang, res.threshold), lang=lang,
                   headers={"category": t("chart.col_class", lang)})
        note(none_of_these_rule_text(card, lang))
        share_form(i, key, res, card, blended, lang)  # only for a student in a class room
    st.markdown(f"**{t('explain.strip_title', lang)}**")
    strip_summary = cam_strip_summary({n: exp.raw[n] for n in block_end_layers(list(exp.raw))}, cls, lang)
    # Maps two to a row: half the page wide beside their note, or the whole width of a phone (Streamlit stacks
    # columns there) or of a projector (side_by_side stacks them).
    c_strip, c_strip_note = side_by_side([1, 1])
    show_chart(c_strip, _strip_figure(key, exp.target, lang, view.cmap, res), width="stretch", key=f"ex_strip_{i}",
               summary=strip_summary, lang=lang, table=False)
    ends = block_end_layers(cam_layer_names(card.config))
    note(t("explain.strip_caption", lang, sizes=" → ".join(f"{exp.raw[n].shape[0]}×{exp.raw[n].shape[1]}"
                                                            for n in ends)), container=c_strip_note)
    worker = inference_worker(weights)
    if view.extras:
        st.markdown(f"**{t('explain.extras_title', lang)}**")
        maps = wait_for(worker.submit(_attribution_job, res.x, exp.target, view.layer,
                                      key=("attr", photo.key, exp.target, view.layer)), lang)
        win = max(2, exp.input_hw[0] // 4)
        panels = [(t("explain.method_gradcam", lang), exp.cams[view.layer]),
                  (t("explain.method_guided_gradcam", lang), maps["guided_gradcam"]),
                  (t("explain.method_integrated_gradients", lang, steps=16), maps["integrated_gradients"]),
                  (t("explain.method_occlusion", lang, win=win), maps["occlusion"])]
        for col, (title, m) in zip(picture_cells(len(panels), len(panels)), panels, strict=True):
            col.image(overlay(res.crop, m, max(view.alpha, 0.6), view.cmap), caption=title, width="stretch",
                      alt=map_alt(title, m, lang))
    if view.faithful:
        cam = exp.upsampled[view.layer]
        curve, rand = wait_for(worker.submit(_deletion_job, res.x, cam, exp.target,
                                             key=("deletion", photo.key, exp.target, view.layer)), lang)
        show_chart(st, make_deletion_figure(curve, rand, cls, lang), width="stretch", key=f"ex_del_{i}",
                   summary=deletion_summary(curve, rand, cls, lang), lang=lang)
        verdict = "explain.deletion_good" if curve.auc < rand.auc else "explain.deletion_bad"
        note(t(verdict, lang, auc=f"{curve.auc:.3f}", rand=f"{rand.auc:.3f}"))


def explain_gallery(photos: list[Photo], card: ModelCard, view: View, weights: Path, lang: str) -> list:
    """Explain and draw every photo; a bad one gets its message and the rest go on. Returns the results."""
    progress = st.progress(0.0, text=t("explain.progress", lang, i=1, n=len(photos)))
    results, refused = [], 0
    for i, photo in enumerate(photos):
        progress.progress(i / len(photos), text=t("explain.progress", lang, i=i + 1, n=len(photos)))
        st.divider()
        st.markdown(f"## `{photo.name}`")  # h2: each photo is a section of the page
        try:
            res = explain_on_worker(weights, card, photo, view.target, lang)
        except Exception as exc:  # noqa: BLE001 - one broken photo must not take the page down
            if not getattr(exc, "code", None):
                log.exception("explaining %s failed", photo.name)
            st.error(t("explain.bad_file", lang, name=markdown_literal(photo.name), reason=user_message(exc, lang)))
            refused += 1
            continue
        show_explanation(i, photo, res, card, view, weights, lang)
        results.append((photo, res))
    done = "explain.progress_done_refused" if refused else "explain.progress_done"
    progress.progress(1.0, text=t(done, lang, n=len(photos) - refused, refused=refused))
    return results
