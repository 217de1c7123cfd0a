"""AppTest: the lesson panel on every page (feedback on wrong and right answers, progress, the next step),
lesson links (step, hidden sidebar controls), and the sidebar only where it acts (a card of the shipped model
on the pages that use it; the config kept across them)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.config import PRESETS
from densenet_viz.i18n import t
from densenet_viz.lesson import (
    STEP_IDS,
    ModelFacts,
    goal,
    lesson_query,
    neighbours,
    questions_for,
    step_by_id,
)
from densenet_viz.weights import SHIPPED_MODEL, load_card

from testkit import APP, open_page, shown_text

TITLES = {"home": "home.title", "concat": "concat.title", "architecture": "arch.title",
          "transitions": "trans.title", "walkthrough": "walk.title", "explain": "explain.title", "why": "why.title",
          "train_live": "live.title"}
SHIPPED = ("walkthrough", "explain")
needs_model = pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")


def open_link(query: dict) -> AppTest:
    """A fresh session opened by a link to the home page with ``query`` (a lesson step moves it to its page)."""
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def model_of(at: AppTest, step_id: str):
    """The config and model facts the step's questions are about, as the panel computes them."""
    if step_id not in SHIPPED:
        return at.session_state["config"], None
    from densenet_viz.calibration import NoneOfTheseRule

    card = load_card(SHIPPED_MODEL)
    return (card.config.replace(input_size=card.preprocessing.input_size),
            ModelFacts(NoneOfTheseRule.for_card(card).threshold, card.temperature))


def answer(at: AppTest, question, value) -> AppTest:
    key = f"lesson_answer_{question.id}"
    widget = at.radio(key=key) if question.kind == "choice" else at.number_input(key=key)
    widget.set_value(value)
    return at.button(key=f"lesson_check_{question.id}").click().run()


def label_of(at: AppTest, question) -> str:
    key = f"lesson_answer_{question.id}"
    return (at.radio(key=key) if question.kind == "choice" else at.number_input(key=key)).label


def page_links(at: AppTest) -> list[str]:
    return [el.proto.page for el in at.get("page_link")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("step_id", STEP_IDS)
def test_each_step_gives_feedback_and_leads_on(step_id, lang):
    if step_id in SHIPPED and not SHIPPED_MODEL.is_file():
        pytest.skip("no shipped model")
    at = open_link({"step": step_id, "lang": lang})
    assert at.title[0].value == t(TITLES[step_id], lang)  # the link's step opened its page
    step = step_by_id(step_id)
    config, facts = model_of(at, step_id)
    questions = questions_for(step, config, lang, facts)
    assert t("lesson.goal", lang, goal=goal(step, lang)) in [m.value for m in at.markdown]

    first = questions[0]
    wrong = (first.answer + 1) % len(first.options) if first.kind == "choice" else first.answer + 1
    answer(at, first, wrong)
    assert t("lesson.wrong", lang, explanation=first.explanation) in [e.value for e in at.error]
    assert not label_of(at, first).startswith("✅")
    assert t("lesson.step_done", lang) not in [s.value for s in at.success]

    for question in questions:
        answer(at, question, question.answer)
        assert t("lesson.right", lang, explanation=question.explanation) in [s.value for s in at.success]
        assert label_of(at, question).startswith("✅")
    previous, following = neighbours(step)
    done = t("lesson.step_done" if following else "lesson.finished", lang)
    assert done in [s.value for s in at.success]
    assert at.session_state["lesson_done"] == {step_id}
    links = page_links(at)
    if following:
        assert following.id in links  # the next step, one click away
    if previous:
        assert (previous.id if previous.id != "home" else "") in links


def test_panel_is_closed_until_opened_and_home_lists_the_lesson_path():
    at = open_page(None)
    assert at.expander[0].label == t("lesson.panel_title", "en", n=1, total=8, title=t("nav.home", "en"))
    assert not [m for m in at.markdown if m.value.startswith("**Goal:**")]  # closed: nothing built
    assert page_links(at) == ["concat", "architecture", "transitions", "walkthrough", "explain", "why",
                              "train_live"]
    at.switch_page("pages/why.py").run()
    assert at.expander[0].label.startswith("📘 Lesson, step 7 of 8")


def test_a_lesson_link_opens_its_page_config_step_and_controls():
    config = PRESETS["densenet121"].replace(growth_rate=12, compression=0.75)
    at = open_link(lesson_query("transitions", config, "densenet121", {"k"}, "zh"))
    assert at.title[0].value == t("trans.title", "zh")
    assert at.session_state["config"] == config
    assert at.sidebar.selectbox(key="lang").value == "zh"
    # Only the k slider is drawn; the preset picker, reset and the other fields are not, yet they still apply.
    assert [s.key for s in at.sidebar.slider] == ["cfg_k"]
    assert [s.key for s in at.sidebar.selectbox] == ["lang"]
    assert not at.sidebar.text_input and not at.sidebar.number_input and not at.sidebar.button
    assert t("lesson.hidden_controls", "zh") in [c.value for c in at.sidebar.caption]
    assert at.query_params["show"] == ["k"] or at.query_params["show"] == "k"
    assert t("lesson.goal", "zh", goal=goal(step_by_id("transitions"), "zh")) in [m.value for m in at.markdown]
    at.sidebar.slider(key="cfg_k").set_value(20).run()
    assert at.session_state["config"] == config.replace(growth_rate=20)
    at.switch_page("pages/concat.py").run()
    assert [s.key for s in at.sidebar.slider] == ["cfg_k"]
    assert at.session_state["config"] == config.replace(growth_rate=20)


def test_the_copy_control_builds_the_link():
    at = open_link({"step": "architecture", "k": "12", "preset": "densenet121"})
    at.toggle(key="lesson_share").set_value(True).run()
    at.multiselect(key="lesson_share_show").set_value(["k", "theta"]).run()
    link = next(c.value for c in at.code if "step=architecture" in c.value)
    assert link.startswith("/architecture?") and "k=12" in link and "show=k%2Ctheta" in link and "lang=en" in link


@pytest.mark.parametrize("query, reason", [
    ({"step": "nope", "k": "12"}, "Lesson step (step) = 'nope' is not allowed: one of home, concat"),
    ({"show": "k,evil", "k": "12"}, "Sidebar controls shown (show) = 'evil' is not allowed"),
    ({"step": "s" * 300, "k": "12"}, "300 characters long; at most 256 are allowed"),
])
def test_tampered_lesson_links_get_the_usual_notice(query, reason):
    at = open_link(query)
    warnings = [shown_text(w.value) for w in at.sidebar.warning]
    assert len(warnings) == 1 and reason in warnings[0] and "every sidebar control is shown" in warnings[0]
    assert at.session_state["config"] == PRESETS["densenet121"].replace(growth_rate=12)  # the config applies
    assert at.sidebar.slider(key="cfg_theta") is not None  # every control drawn
    assert at.title[0].value == t("home.title", "en")


@needs_model
@pytest.mark.parametrize("page, lang", [("pages/explain.py", "en"), ("pages/walkthrough.py", "zh")])
def test_shipped_model_pages_show_its_card_instead_of_the_config(page, lang):
    at = open_page(None, query={"lang": lang})
    at.switch_page(page).run()
    assert not at.exception
    assert not at.sidebar.slider and not at.sidebar.text_input and not at.sidebar.number_input
    assert at.sidebar.selectbox(key="lang").value == lang  # the language picker stays
    card = load_card(SHIPPED_MODEL)
    text = " ".join(m.value for m in at.sidebar.markdown)
    assert card.data["name"].replace("-", "\\-") in text or card.data["name"] in shown_text(text)
    assert f"{card.data['metrics']['test_top1']:.1%}" in text and "224×224" in text
    assert at.sidebar.header[0].value == t("sidebar.shipped_header", lang)
    note = [m.value for m in at.markdown if "DenseNet-BC" in m.value]
    assert note and ("depth 121" in note[0] or "深度 121" in note[0])


def test_config_pages_keep_their_widgets():
    for page in ("pages/architecture.py", "pages/concat.py", "pages/transitions.py", "pages/why.py",
                 "pages/train_live.py"):
        at = open_page(page)
        assert at.sidebar.slider(key="cfg_k").value == 32, page
        assert at.sidebar.header[0].value == t("sidebar.model", "en")


@needs_model
def test_config_survives_a_page_without_its_widgets():
    at = open_page("pages/architecture.py")
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    at.sidebar.slider(key="cfg_theta").set_value(0.75).run()
    expected = PRESETS["densenet121"].replace(growth_rate=12, compression=0.75)
    at.switch_page("pages/explain.py").run()
    assert not at.sidebar.slider
    assert at.session_state["config"] == expected and at.query_params["k"] in ("12", ["12"])
    at.run()  # a rerun on the page (Streamlit drops the undrawn widgets' state after a run)
    at.switch_page("pages/architecture.py").run()
    assert at.sidebar.slider(key="cfg_k").value == 12 and at.sidebar.slider(key="cfg_theta").value == 0.75
    assert at.session_state["config"] == expected
