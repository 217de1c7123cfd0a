"""The lesson panel at the top of every page: the step's goal, what to try, check questions with instant
feedback, the previous and next steps, and a lesson link to share. Collapsed unless opened (or opened by a
lesson link); open or closed, the choice follows the student from page to page. The lesson itself (steps,
questions, links) is ``densenet_viz.lesson``."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from ..config import FIELDS, DenseNetConfig
from ..i18n import t
from ..lesson import (
    CONTROL_KEYS,
    LessonStep,
    ModelFacts,
    Question,
    check_answer,
    goal,
    lesson_link,
    lesson_query,
    lesson_steps,
    neighbours,
    questions_for,
    site_root,
    step_by_id,
    try_this,
)
from .classroom import record_answer
from .present import presenting
from .state import current_config, shipped_card
from .state import lesson_link as link_in_url

OPEN_KEY = "lesson_open"  # whether the panel is open; kept across pages
RIGHT_KEY = "lesson_right"  # ids of the questions answered right
DONE_KEY = "lesson_done"  # ids of the steps whose questions were all answered right
FEEDBACK_KEY = "lesson_feedback"  # question id -> (the question's values, the last answer given)
PAGES_KEY = "_lesson_pages"  # step id -> the st.Page app.py registered for it
_LINK_USED_KEY = "_lesson_link_used"
_FIELD_BY_URL = {spec.url: spec for spec in FIELDS.values()}


def remember_pages(pages: Mapping[str, st.Page]) -> None:
    """app.py, on every run: the navigation's pages by id, so lesson links and buttons can point at them."""
    st.session_state[PAGES_KEY] = dict(pages)


def page_of(step_id: str) -> st.Page:
    return st.session_state[PAGES_KEY][step_id]


def step_title(step: LessonStep, lang: str) -> str:
    return t(f"nav.{step.id}", lang)


def step_page_link(step: LessonStep, label: str, where=st) -> None:
    """A link to the step's page (``where``: a container or column)."""
    where.page_link(page_of(step.id), label=label)


def _follow_lesson_link(page_id: str) -> None:
    """A session opened by a lesson link: open the panel, and go to the link's step if it is another page's."""
    step = link_in_url().step
    if not step or st.session_state.get(_LINK_USED_KEY):
        return
    st.session_state[_LINK_USED_KEY] = True
    st.session_state[OPEN_KEY] = True
    if step != page_id:
        st.switch_page(page_of(step), query_params=st.query_params.to_dict())


def _remember_open(key: str) -> None:
    st.session_state[OPEN_KEY] = bool(st.session_state.get(key))


def model_for(step: LessonStep, config: DenseNetConfig | None) -> tuple[DenseNetConfig, ModelFacts | None]:
    """The network a step's questions are about: the sidebar's, or the shipped model's on its pages."""
    if not step.uses_sidebar_config:
        try:
            card = shipped_card()
        except Exception:  # noqa: BLE001 - an unusable card: the page itself says what is wrong
            card = None
        if card is not None:
            from ..calibration import NoneOfTheseRule

            facts = ModelFacts(NoneOfTheseRule.for_card(card).threshold, card.temperature)
            return card.config.replace(input_size=card.preprocessing.input_size), facts
    return config or current_config(), None


def lesson_panel(page_id: str, config: DenseNetConfig | None, lang: str) -> None:
    """The lesson panel of page ``page_id`` (its url path), asking about ``config`` (None on the pages that use
    the shipped model: their questions are about it). Its content is built only while it is open."""
    _follow_lesson_link(page_id)
    step, total = step_by_id(page_id), len(lesson_steps())
    key = f"lesson_box_{page_id}"
    box = st.expander(t("lesson.panel_title", lang, n=step.number, total=total, title=step_title(step, lang)),
                      expanded=bool(st.session_state.get(OPEN_KEY)), key=key, on_change=_remember_open, args=(key,))
    if not box.open:
        return
    with box:
        progress = st.empty()
        st.markdown(t("lesson.goal", lang, goal=goal(step, lang)))
        st.markdown(t("lesson.try_header", lang))
        st.markdown("\n".join(f"{i}. {text}" for i, text in enumerate(try_this(step, lang), start=1)))
        st.markdown(t("lesson.questions_header", lang))
        model_config, facts = model_for(step, config)
        questions = questions_for(step, model_config, lang, facts)
        for number, question in enumerate(questions, start=1):
            _question(question, number, lang)
        done = st.session_state.setdefault(DONE_KEY, set())
        right = st.session_state.setdefault(RIGHT_KEY, set())
        if all(q.id in right for q in questions):
            done.add(step.id)
        progress.progress(len(done) / total, text=t("lesson.progress", lang, n=step.number, total=total,
                                                    done=len(done)))
        _neighbour_links(step, step.id in done, lang)
        _share_control(step, lang)


def _submit(question: Question) -> None:
    """The Check button's callback, before the rerun draws anything: remember the answer and whether it is right."""
    given = st.session_state.get(f"lesson_answer_{question.id}")
    st.session_state.setdefault(FEEDBACK_KEY, {})[question.id] = (question.values, given)
    correct = given is not None and check_answer(question, given)[0]
    if correct:
        st.session_state.setdefault(RIGHT_KEY, set()).add(question.id)
    record_answer(question, given, correct)  # counted for the class when this student is in a room


def _question(question: Question, number: int, lang: str) -> None:
    """One question in a form (nothing reruns until Check), and the feedback on the last answer to it."""
    mark = "✅ " if question.id in st.session_state.get(RIGHT_KEY, ()) else ""
    label = t("lesson.question", lang, mark=mark, i=number, text=question.text)
    answer_key = f"lesson_answer_{question.id}"
    with st.form(f"lesson_form_{question.id}"):
        if question.kind == "choice":
            st.radio(label, range(len(question.options)), index=None, key=answer_key,
                     format_func=question.options.__getitem__)
        else:
            st.number_input(label, min_value=0, value=None, step=1, key=answer_key,
                            placeholder=t("lesson.your_answer", lang))
        st.form_submit_button(t("lesson.check", lang), key=f"lesson_check_{question.id}", on_click=_submit,
                              args=(question,))
    values, given = st.session_state.get(FEEDBACK_KEY, {}).get(question.id, (None, None))
    if values != question.values:
        return  # never answered, or asked about other numbers since (the sidebar changed)
    if given is None:
        st.warning(t("lesson.need_answer", lang))
        return
    correct, explanation = check_answer(question, given)
    (st.success if correct else st.error)(t("lesson.right" if correct else "lesson.wrong", lang,
                                            explanation=explanation))


def _neighbour_links(step: LessonStep, done: bool, lang: str) -> None:
    previous, following = neighbours(step)
    if done:
        st.success(t("lesson.step_done" if following else "lesson.finished", lang))
    left, right = st.columns(2)
    if previous:
        step_page_link(previous, t("lesson.prev", lang, n=previous.number, title=step_title(previous, lang)), left)
    if following:
        step_page_link(following, t("lesson.next", lang, n=following.number, title=step_title(following, lang)),
                       right)


def _control_label(key: str, lang: str) -> str:
    return t("lesson.control_preset", lang) if key == "preset" else t(_FIELD_BY_URL[key].label, lang)


def page_url() -> str | None:
    """The address this session's browser opened (``st.context.url``), or None (tests)."""
    try:
        return st.context.url
    except Exception:  # noqa: BLE001 - no browser behind this session (tests): the link stays relative
        return None


def _share_control(step: LessonStep, lang: str) -> None:
    """"Make a lesson link": which sidebar controls it shows, and the link in a box with a copy button."""
    if not st.toggle(t("lesson.share_toggle", lang), key="lesson_share"):
        return
    shown = link_in_url().shown
    chosen = st.multiselect(t("lesson.share_show", lang), CONTROL_KEYS, key="lesson_share_show",
                            default=[k for k in CONTROL_KEYS if shown is None or k in shown],
                            format_func=lambda key: _control_label(key, lang))
    query = lesson_query(step.id, current_config(), st.session_state.get("cfg_preset"), chosen, lang, presenting())
    st.code(lesson_link(site_root(page_url()), step.id, query), language=None, wrap_lines=True)
    st.caption(t("lesson.share_caption", lang))
