"""The Explain page's "Where the model goes wrong" section: the shipped model's test confusion matrix, its
misclassified test photos with the Grad-CAM of the wrong answer and each photographer's credit, and a
paragraph on dataset bias. Everything comes precomputed from assets/mistakes/ (scripts/precompute_mistakes.py).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ..chart_text import confusion_summary
from ..errors import markdown_literal
from ..i18n import class_label, t
from ..mistakes import MISTAKES_DIR, REPORT_FILE, MistakeReport, load_mistakes, top_confusions
from ..plots.explain import layer_label, make_confusion_figure
from .explain_view import credit_markdown
from .present import show_chart

GRID_COLUMNS = 4  # mistakes per row (Streamlit stacks the columns on a phone)
THUMB_WIDTH = 120  # pixels on the page: the photo and its map side by side in one grid cell


@st.cache_resource(max_entries=2, show_spinner=False)
def _report(folder: str, mtime: float) -> MistakeReport | None:
    return load_mistakes(folder)


@st.cache_resource(max_entries=4, show_spinner=False)
def _figure(folder: str, mtime: float, lang: str):
    report = _report(folder, mtime)
    return make_confusion_figure(report.confusion, report.classes, lang)


@st.cache_data(max_entries=256, show_spinner=False)
def _thumbnail(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def _pairs_text(report: MistakeReport, lang: str) -> str:
    pairs = top_confusions(report.confusion, report.classes, k=3)
    return t("mistakes.pair_separator", lang).join(
        t("mistakes.pair", lang, true=class_label(true, lang), pred=class_label(pred, lang), count=count)
        for true, pred, count in pairs)


def mistakes_section(lang: str, folder: Path = MISTAKES_DIR) -> None:
    """The whole section; a short note instead when the precomputed report is missing."""
    st.divider()
    st.header(t("mistakes.title", lang))
    try:
        mtime = (folder / REPORT_FILE).stat().st_mtime
    except OSError:
        mtime = None
    report = _report(str(folder), mtime) if mtime is not None else None
    if report is None:
        st.info(t("mistakes.missing", lang))
        return
    st.markdown(t("mistakes.intro", lang, n=report.n, top1=f"{report.top1:.1%}", wrong=report.wrong))
    if report.card_top1 is not None and abs(report.card_top1 - report.top1) > 1e-9:
        st.caption(t("mistakes.card_differs", lang, card=f"{report.card_top1:.1%}"))
    show_chart(st, _figure(str(folder), mtime, lang), width="stretch", key="mistakes_matrix", lang=lang,
               summary=confusion_summary(report.confusion, report.classes, lang),
               headers={"value": t("chart.col_share", lang), "text": t("chart.col_count", lang)})
    st.markdown(t("mistakes.bias", lang, pairs=_pairs_text(report, lang)))
    drawn = report.drawn
    layer = layer_label(report.layer, lang).split(" · ")[0]
    key = "mistakes.gallery" if len(drawn) == report.wrong else "mistakes.gallery_sample"
    st.markdown(t(key, lang, shown=len(drawn), wrong=report.wrong, layer=layer))
    for start in range(0, len(drawn), GRID_COLUMNS):
        for col, m in zip(st.columns(GRID_COLUMNS), drawn[start:start + GRID_COLUMNS]):
            with col:
                images = [str(report.folder / m.photo), str(report.folder / m.cam)]
                true, pred = class_label(m.true, lang), class_label(m.predicted, lang)
                alts = [t("alt.mistake_photo", lang, true=true, pred=pred), t("alt.mistake_cam", lang, pred=pred)]
                st.image([_thumbnail(p, mtime) for p in images], width=THUMB_WIDTH, alt=alts)
                st.markdown(t("mistakes.item", lang, true=markdown_literal(true), pred=markdown_literal(pred),
                              prob=f"{m.prob:.0%}"))
                st.caption(credit_markdown(m.credit, lang))

