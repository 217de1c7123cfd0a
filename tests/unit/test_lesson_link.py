"""Lesson links: a page, a configuration, a lesson step and the sidebar controls to show, in one URL that
round-trips; tampered values are refused with the usual clear, translated message."""

from urllib.parse import parse_qs, urlsplit

import pytest

from densenet_viz.config import PRESETS, DenseNetConfig
from densenet_viz.errors import user_message
from densenet_viz.lesson import (
    CONTROL_KEYS,
    STEP_IDS,
    LessonLink,
    lesson_link,
    lesson_query,
    read_lesson_query,
    site_root,
)
from densenet_viz.urlstate import config_from_query, read_query

from testkit import shown_text


def _open(link: str) -> tuple[str, dict[str, str]]:
    """What a server sees of a link: the page path and the query, as Streamlit parses it (blank values kept)."""
    parts = urlsplit(link)
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    return parts.path.rsplit("/", 1)[-1], query


@pytest.mark.parametrize("step, config, preset, shown, lang, present", [
    ("architecture", PRESETS["densenet121"].replace(growth_rate=12), "densenet121", {"k"}, "en", False),
    ("transitions", PRESETS["densenet_bc100_k12"].replace(compression=0.25), "densenet_bc100_k12",
     {"theta", "blocks", "preset"}, "zh", True),
    ("home", DenseNetConfig(growth_rate=8, block_config=(5,), num_init_features=16, stem="cifar", input_size=32),
     None, set(), "en", False),
    ("explain", PRESETS["densenet169"], "densenet169", None, "zh", False),
    ("train_live", PRESETS["densenet121"], "densenet121", set(CONTROL_KEYS), "en", True),
])
def test_a_lesson_link_round_trips(step, config, preset, shown, lang, present):
    link = lesson_link("http://class.example:8501", step, lesson_query(step, config, preset, shown, lang, present))
    assert link.startswith(f"http://class.example:8501/{step}?")
    page, query = _open(link)
    params = read_query(query)  # what the app reads: nothing is dropped
    assert page == step and params == {k: v for k, v in query.items() if k != "present"}
    back, back_preset, problem = config_from_query(params)
    assert problem is None and back == config and back_preset == (preset or "densenet121")
    expected_shown = None if shown is None or set(shown) == set(CONTROL_KEYS) else frozenset(shown)
    assert read_lesson_query(params) == LessonLink(step, expected_shown, None)
    assert params["lang"] == lang and (query.get("present") == "1") == present
    assert ("show" in query) == (expected_shown is not None)


def test_a_relative_link_and_the_site_root():
    query = lesson_query("concat", PRESETS["densenet121"], "densenet121", {"k"}, "en")
    assert lesson_link("", "concat", query).startswith("/concat?")
    assert "show=k&" in lesson_link("", "concat", query) + "&"
    assert site_root("http://h:8501/architecture") == "http://h:8501"
    assert site_root("http://h:8501/") == "http://h:8501"
    assert site_root("https://school.example/densenet/concat") == "https://school.example/densenet"
    assert site_root("https://school.example/densenet/") == "https://school.example/densenet"
    assert site_root(None) == "" and site_root("") == ""


def test_show_lists_controls_in_sidebar_order():
    query = lesson_query("architecture", PRESETS["densenet121"], None, ["theta", "k", "preset"], "en")
    assert query["show"] == "preset,k,theta"
    assert read_lesson_query({"show": " k , theta ,"}).shown == frozenset({"k", "theta"})
    assert read_lesson_query({"show": ""}).shown == frozenset()  # a link may hide every control
    assert read_lesson_query({}) == LessonLink()


@pytest.mark.parametrize("params, reason", [
    ({"step": "nope"}, "Lesson step (step) = 'nope' is not allowed: one of " + ", ".join(STEP_IDS)),
    ({"step": "<script>alert(1)</script>"}, "is not allowed: one of home, concat"),
    ({"step": "x" * 300}, "Lesson step (step): the value is 300 characters long; at most 256 are allowed"),
    ({"show": "k,evil"}, "Sidebar controls shown (show) = 'evil' is not allowed: one of preset, k, blocks"),
    ({"show": "k," * 200}, "Sidebar controls shown (show): the value is 400 characters long"),
    ({"show": "[click](http://x.example)"}, "is not allowed"),
])
def test_tampered_lesson_params_are_refused_with_a_clear_message(params, reason):
    link = read_lesson_query(params)
    assert link.problem is not None
    message = shown_text(user_message(link.problem, "en"))
    assert reason in message and len(message) < 400
    assert "](" not in user_message(link.problem, "en").replace("\\](", "")  # no live Markdown link
    zh = user_message(link.problem, "zh")
    assert "不允许" in zh or "最多允许" in zh
    if "step" in params:
        assert link.step is None
    else:
        assert link.shown is None  # a bad list shows every control


def test_one_bad_value_keeps_the_other():
    link = read_lesson_query({"step": "why", "show": "k,nope"})
    assert link.step == "why" and link.shown is None and link.problem.field == "lesson_show"
    link = read_lesson_query({"step": "nope", "show": "k"})
    assert link.step is None and link.shown == frozenset({"k"}) and link.problem.field == "lesson_step"
