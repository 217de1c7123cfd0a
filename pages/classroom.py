"""Class page: a teacher starts a room and projects its code and QR code, students join; the teacher's board
shows the class's shared photos, the model's mistakes first, and the class's answers. Wiring only: the
sections live in densenet_viz.ui.classroom."""

from __future__ import annotations

import streamlit as st

from densenet_viz.i18n import t
from densenet_viz.ui.classroom import (
    kept_line,
    member,
    start_or_join,
    student_panel,
    teacher,
    teacher_board,
    teacher_controls,
)
from densenet_viz.ui.lesson_view import page_url
from densenet_viz.ui.state import current_lang, ensure_app_navigation

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py
lang = current_lang()
st.title(t("room.title", lang))
st.caption(kept_line(lang))
if st.session_state.pop("class_ended", False):
    st.success(t("room.ended", lang))

if teacher():
    teacher_controls(lang, page_url())
    teacher_board(lang)
elif member():
    student_panel(lang)
else:
    st.markdown(t("room.intro", lang))
    start_or_join(lang, page_url())
