"""Train it live: the sidebar's DenseNet trains right here on a small flower set, optionally against a
second configuration, with live curves. Wiring only: the pieces live in densenet_viz.ui.train_view."""

from __future__ import annotations

import streamlit as st

from densenet_viz.errors import UserError, user_message
from densenet_viz.i18n import class_list, t
from densenet_viz.train.live import EPOCH_CHOICES, LIVE_SIZE, THUMBNAILS_DIR
from densenet_viz.ui.cache import device_name
from densenet_viz.ui.lesson_view import lesson_panel
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation
from densenet_viz.ui.train_view import COMPARISONS, compared_config, live_data, live_view, start_runs, stop_runs

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
config = current_config()
st.title(t("live.title", lang))
lesson_panel("train_live", config, lang)
st.markdown(t("live.intro", lang, size=LIVE_SIZE))
if not (THUMBNAILS_DIR / "train").is_dir():
    st.warning(t("live.no_data", lang))
    st.stop()
data = live_data()
classes = class_list(data.classes, lang)
st.caption(t("live.data", lang, train=len(data.train_y), val=len(data.val_y), classes=classes,
             device=device_name(lang)[1]))

c1, c2, c3 = st.columns([2, 1, 1])
choice = c1.selectbox(t("live.compare", lang), COMPARISONS, key="live_compare",
                      format_func=lambda c: t(f"live.compare_{c}", lang))
epochs = c2.select_slider(t("live.epochs", lang), EPOCH_CHOICES, value=2, key="live_epochs",
                          help=t("live.epochs_help", lang))
seed = int(c3.number_input(t("live.seed", lang), 0, 99, 0, key="live_seed"))
other = compared_config(config, choice)
if choice != "none" and other is None:
    st.info(t("live.compare_same", lang))
configs = [config] + ([other] if other else [])
noise = st.checkbox(t("live.noise", lang), key="live_noise", help=t("live.noise_help", lang))
b1, b2 = st.columns(2)
if b1.button(t("live.start", lang), type="primary", key="live_start", width="stretch"):
    try:
        st.session_state["live_runs"] = start_runs(configs, data, seed, epochs, noise)
    except UserError as exc:  # the job queue is full
        st.error(user_message(exc, lang))
b2.button(t("live.stop", lang), key="live_stop", on_click=stop_runs, width="stretch")
live_view(lang, configs, data, seed, epochs, noise)
st.caption(t("live.shared", lang))
