"""The lesson model: eight steps in teaching order, their texts in both languages, and check questions whose
computed answers are the channel plan's own numbers for every valid configuration."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from densenet_viz.config import FIELDS, MAX_INPUT_SIZE, PRESETS, DenseNetConfig, minimum_input_size
from densenet_viz.i18n import t
from densenet_viz.lesson import (
    DAHLIA_EXAMPLE,
    STEP_IDS,
    ModelFacts,
    check_answer,
    dahlia_label,
    goal,
    lesson_steps,
    neighbours,
    questions_for,
    step_by_id,
    try_this,
)
from densenet_viz.plan import plan_network

from testkit import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
ONE_BLOCK = DenseNetConfig(growth_rate=8, block_config=(5,), num_init_features=16, stem="cifar", input_size=32,
                           num_classes=10)
# Hand-computed answers (the paper's arithmetic), so the test does not only compare the plan with itself.
EXPECTED = {
    "densenet121": (PRESETS["densenet121"], {
        "home_receives": 160, "concat_enter": 288, "concat_connections": 78, "concat_squeeze": 128,
        "arch_block_out": 256, "arch_final": 1024, "trans_out": 256, "trans_hw": 7, "why_depth": 121}),
    "densenet121_k12": (PRESETS["densenet121"].replace(growth_rate=12), {
        "home_receives": 100, "concat_enter": 128, "concat_connections": 78, "concat_squeeze": 48,
        "arch_block_out": 136, "arch_final": 389, "trans_out": 106, "trans_hw": 7, "why_depth": 121}),
    "densenet40_k12 (not BC)": (PRESETS["densenet40_k12"], {
        "home_receives": 52, "concat_enter": 220, "concat_connections": 78, "arch_block_out": 160,
        "arch_final": 448, "trans_out": 304, "trans_hw": 8, "why_depth": 40}),
    "one block": (ONE_BLOCK, {
        "home_receives": 40, "concat_enter": 48, "concat_connections": 15, "concat_squeeze": 32,
        "arch_block_out": 56, "arch_final": 56, "trans_count": 0, "trans_hw": 32, "why_depth": 12}),
}


def _answers(config, lang="en") -> dict[str, int]:
    return {q.id: q.answer for step in lesson_steps() for q in questions_for(step, config, lang)
            if q.kind == "integer"}


def test_steps_follow_the_teaching_order_and_the_app_pages():
    assert [s.id for s in lesson_steps()] == ["home", "concat", "architecture", "transitions", "walkthrough",
                                             "explain", "why", "train_live"]
    assert [s.number for s in lesson_steps()] == list(range(1, 9))
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    paths = set(re.findall(r'url_path="(\w*)"', app))
    assert set(STEP_IDS) <= paths  # every step is a page of the app ("home": the hidden twin of "/")
    assert [s.id for s in lesson_steps() if not s.uses_sidebar_config] == ["walkthrough", "explain"]
    first, last = lesson_steps()[0], lesson_steps()[-1]
    assert neighbours(first) == (None, step_by_id("concat"))
    assert neighbours(last) == (step_by_id("why"), None)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_step_has_a_goal_tries_and_questions(lang, name):
    config = EXPECTED[name][0]
    for step in lesson_steps():
        assert len(goal(step, lang)) > 20
        tries = try_this(step, lang)
        assert 2 <= len(tries) <= 4, step.id
        questions = questions_for(step, config, lang)
        assert 2 <= len(questions) <= 3, step.id
        assert len({q.id for q in questions}) == len(questions)
        for q in questions:
            assert q.text and q.explanation and q.lang == lang
            if q.kind == "choice":
                assert 3 <= len(q.options) <= 4 and 0 <= q.answer < len(q.options)
            else:
                assert q.kind == "integer" and q.answer >= 0
        if lang == "zh":
            assert all(CJK.search(text) for text in [goal(step, lang), *tries, *(q.text for q in questions)])


@pytest.mark.parametrize("name", list(EXPECTED))
def test_computed_answers_are_the_plans_numbers(name):
    config, expected = EXPECTED[name]
    answers = _answers(config)
    assert {k: answers[k] for k in expected} == expected
    plan = plan_network(config)
    assert answers["arch_final"] == plan.final_channels and answers["why_depth"] == plan.depth
    n_blocks = len(config.block_config)
    block, layer = min(2, n_blocks), min(6, config.block_config[min(2, n_blocks) - 1])
    row = next(r for r in plan.dense_layers if r.block == block and r.index == layer)
    assert answers["concat_enter"] == row.in_channels
    if plan.transitions:
        assert answers["trans_out"] == plan.transitions[min(2, len(plan.transitions)) - 1].out_channels
        assert "trans_count" not in answers
    else:
        assert "trans_out" not in answers
    # Without a bottleneck, the squeeze question becomes a choice about what the 3×3 conv sees.
    assert ("concat_squeeze" in answers) == config.bottleneck


def test_questions_quote_their_numbers_and_follow_the_sliders():
    config = PRESETS["densenet121"].replace(growth_rate=12)
    q = next(q for q in questions_for(step_by_id("concat"), config, "en") if q.id == "concat_enter")
    assert q.text == "With k = 12 and a 4k bottleneck, how many channels enter layer 6 of block 2?"
    assert "68 + 5 × 12 = 128" in q.explanation
    zh = next(q for q in questions_for(step_by_id("concat"), config, "zh") if q.id == "concat_enter")
    assert "k = 12" in zh.text and "4k 瓶颈层" in zh.text and zh.answer == 128
    other = next(q for q in questions_for(step_by_id("concat"), config.replace(growth_rate=20), "en")
                 if q.id == "concat_enter")
    assert other.answer != q.answer and other.values != q.values
    trans = next(q for q in questions_for(step_by_id("transitions"), config, "en") if q.id == "trans_out")
    assert "Transition 2 receives 212 channels, and θ = 0.5" in trans.text
    assert "⌊106⌋ = 106" in trans.explanation
    hw = next(q for q in questions_for(step_by_id("transitions"), config, "en") if q.id == "trans_hw")
    assert "56 → 28 → 14 → 7" in hw.explanation


def test_try_this_names_the_pages_own_controls():
    for lang in ("en", "zh"):
        arch = " ".join(try_this(step_by_id("architecture"), lang))
        assert t("field.growth_rate", lang) in arch and t("arch.in_browser", lang) in arch
        concat = " ".join(try_this(step_by_id("concat"), lang))
        assert t("concat.choose_block", lang) in concat and t("concat.choose_layer", lang) in concat
        explain = " ".join(try_this(step_by_id("explain"), lang))
        assert dahlia_label(lang) in explain and t("explain.target", lang) in explain
        assert dahlia_label(lang) == t("explain.example_out_of_set", lang, what="dahlia")  # as the picker shows it
        live = " ".join(try_this(step_by_id("train_live"), lang))
        assert t("live.seed", lang) in live and t("live.start", lang) in live
    assert (ROOT / "assets" / "examples" / DAHLIA_EXAMPLE).is_file()


def test_explain_questions_use_the_shipped_models_facts():
    shipped = PRESETS["densenet121"].replace(num_classes=5)
    questions = questions_for(step_by_id("explain"), shipped, "en", ModelFacts(threshold=0.6386, temperature=0.6441))
    limits = next(q for q in questions if q.id == "explain_limits")
    assert "below 64%" in limits.text and "temperature 0.64" in limits.text and "5 flowers" in limits.text
    assert "one of them comes first" in questions[0].options[questions[0].answer]
    walk = {q.id: q.answer for q in questions_for(step_by_id("walkthrough"), shipped, "en")}
    assert walk["walk_hw"] == 7 and walk["walk_pooled"] == 1024


def test_check_answer_gives_the_explanation_or_says_what_is_wrong():
    q = next(q for q in questions_for(step_by_id("architecture"), PRESETS["densenet121"], "en")
             if q.id == "arch_final")
    assert check_answer(q, 1024) == (True, q.explanation)
    assert check_answer(q, "1,024")[0] and check_answer(q, " 1024 ")[0] and check_answer(q, 1024.0)[0]
    correct, text = check_answer(q, 1000)
    assert not correct and "1024 × 1000 weights" in text and "1,025,000 parameters" in text
    assert check_answer(q, None) == (False, "Choose or type an answer first.")
    correct, text = check_answer(q, "[ten](http://x)")
    assert not correct and "is not a whole number" in text and "[ten](http://x)" not in text  # shown as text
    assert not check_answer(q, "9" * 400)[0] and not check_answer(q, 10.5)[0] and not check_answer(q, True)[0]
    choice = next(q for q in questions_for(step_by_id("home"), PRESETS["densenet121"], "zh") if q.kind == "choice")
    assert check_answer(choice, choice.answer) == (True, choice.explanation)
    assert not check_answer(choice, (choice.answer + 1) % len(choice.options))[0]


@st.composite
def valid_configs(draw):
    stem = draw(st.sampled_from(["imagenet", "cifar"]))
    blocks = tuple(draw(st.lists(st.integers(1, 40), min_size=1, max_size=8)))
    low = minimum_input_size(stem, len(blocks))
    size = draw(st.integers(low, min(MAX_INPUT_SIZE, low + 300)))
    return DenseNetConfig(growth_rate=draw(st.integers(1, 64)), block_config=blocks,
                          num_init_features=draw(st.integers(1, 1024)), bn_size=draw(st.integers(0, 16)),
                          compression=round(draw(st.integers(1, 20)) * FIELDS["compression"].step, 2),
                          num_classes=draw(st.integers(1, 2000)), stem=stem, input_size=size)


@settings(max_examples=60, deadline=None)
@given(valid_configs(), st.sampled_from(["en", "zh"]))
def test_every_valid_config_gets_answerable_questions(config, lang):
    plan = plan_network(config)
    for step in lesson_steps():
        questions = questions_for(step, config, lang)
        assert 2 <= len(questions) <= 3
        for q in questions:
            assert check_answer(q, q.answer)[0]
            wrong = (q.answer + 1) % len(q.options) if q.kind == "choice" else q.answer + 1
            assert not check_answer(q, wrong)[0]
    answers = _answers(config, lang)
    assert answers["arch_final"] == plan.final_channels and answers["why_depth"] == plan.depth
    assert answers["trans_hw"] == plan.dense_layers[-1].in_hw


def test_catalogue_is_registered_with_real_chinese():
    from densenet_viz.i18n import CATALOGUES, lesson

    assert lesson in CATALOGUES
    for key, (en, zh) in lesson.STRINGS.items():
        assert en and zh, key
        if re.search(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", "", en)):
            assert CJK.search(zh), key
    assert Path(lesson.__file__).name == "lesson.py"
