"""The guided lesson: eight steps in teaching order, one per page, each with a goal, things to try with that
page's own controls, and check questions. Questions on the structural pages are computed from the current
configuration with ``plan_network``, so their answers change with the sliders. Also the lesson link: a URL
that opens a page with a configuration, a lesson step and a chosen set of sidebar controls.

Pure functions, no streamlit: ``lesson_steps()``, ``questions_for(step, config, lang)``,
``check_answer(question, given)``, ``lesson_query`` / ``read_lesson_query``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from .config import FIELDS, ConfigError, DenseNetConfig, check_length
from .credits import example_label
from .errors import markdown_literal
from .graph import connections
from .i18n import t
from .plan import Plan, PlanRow, plan_network, stages
from .urlstate import SHOW_KEY, STEP_KEY, config_to_query

# Page ids are the pages' url paths in app.py; the lesson visits them in this order.
STEP_IDS = ("home", "concat", "architecture", "transitions", "walkthrough", "explain", "why", "train_live")
PAGE_IDS = (*STEP_IDS, "classroom")  # every page: the lesson's and the class room
# Pages that explain the shipped, trained model: the sidebar's configuration does not act on them.
SHIPPED_MODEL_PAGES = frozenset({"walkthrough", "explain", "classroom"})
# The sidebar controls a lesson link can show or hide: the preset picker and every config field, by URL key.
CONTROL_KEYS = ("preset", *(spec.url for spec in FIELDS.values()))
DAHLIA_EXAMPLE = "sklearn-flower-dahlia.jpg"  # a built-in example that is none of the five flowers

_TRIES = {"home": 3, "concat": 4, "architecture": 4, "transitions": 3, "walkthrough": 3, "explain": 4, "why": 3,
          "train_live": 3}
# Widget labels the "try this" texts name, as {placeholders}: the page's own labels, so they always match.
_LABELS = {
    "k": "field.growth_rate", "theta": "field.compression", "blocks": "field.block_config", "bn": "field.bn_size",
    "preset": "sidebar.preset", "block": "concat.choose_block", "layer": "concat.choose_layer",
    "reuse_block": "concat.reuse_block", "in_browser": "arch.in_browser", "compare": "arch.compare_header",
    "compare_toggle": "arch.compare_toggle", "table": "arch.table_header", "batch": "arch.batch",
    "dtype": "arch.dtype", "stage": "walk.stage", "next": "walk.next", "source": "explain.source",
    "examples_src": "explain.source_examples", "examples": "explain.examples", "target": "explain.target",
    "occ_centre": "occ.centre", "depth": "why.grad_depth", "grad_bn": "why.grad_bn", "grad_run": "why.grad_run",
    "mem_size": "why.mem_size", "live_compare": "live.compare", "epochs": "live.epochs", "seed": "live.seed",
    "start": "live.start",
}


@dataclass(frozen=True)
class LessonStep:
    """One step of the lesson: its page (``id``, the page's url path) and its place in the order."""

    id: str
    number: int  # 1-based
    tries: int  # how many "try this" entries it has

    @property
    def uses_sidebar_config(self) -> bool:
        """Whether the page works on the sidebar's configuration (else on the shipped model)."""
        return self.id not in SHIPPED_MODEL_PAGES


@dataclass(frozen=True)
class ModelFacts:
    """What the Explain questions quote about the shipped model (from its card). The defaults describe an
    uncalibrated model with the plain 50 % rule, the app's own fallback when a card measured nothing."""

    threshold: float = 0.5
    temperature: float = 1.0


@dataclass(frozen=True)
class Question:
    """A check question in one language. ``kind`` is "choice" (``answer`` is the right option's index) or
    "integer" (``answer`` is the number). ``values`` are the numbers it was computed from: with ``id`` they
    say whether two questions are the same one (a feedback is shown only for the question it was given for)."""

    id: str
    kind: str
    text: str
    answer: int
    explanation: str
    lang: str
    options: tuple[str, ...] = ()
    values: tuple = ()


def lesson_steps() -> tuple[LessonStep, ...]:
    """The eight steps, in teaching order."""
    return tuple(LessonStep(sid, n, _TRIES[sid]) for n, sid in enumerate(STEP_IDS, start=1))


def step_by_id(step_id: str) -> LessonStep:
    """The step of a page id (``ValueError`` for an unknown one)."""
    return lesson_steps()[STEP_IDS.index(step_id)]


def neighbours(step: LessonStep) -> tuple[LessonStep | None, LessonStep | None]:
    """(previous step, next step); None at either end."""
    steps = lesson_steps()
    i = step.number - 1
    return (steps[i - 1] if i > 0 else None), (steps[i + 1] if i + 1 < len(steps) else None)


def goal(step: LessonStep, lang: str) -> str:
    """The step's goal in one sentence."""
    return t(f"lesson.{step.id}.goal", lang)


def try_this(step: LessonStep, lang: str) -> list[str]:
    """The step's "try this" instructions; widget names in bold, as the page labels them in ``lang``."""
    labels = {name: t(key, lang) for name, key in _LABELS.items()}
    return [t(f"lesson.{step.id}.try{i}", lang, dahlia=dahlia_label(lang), **labels) for i in range(1, step.tries + 1)]


def dahlia_label(lang: str) -> str:
    """The out-of-set example as the example picker names it (its credit says what flower it is)."""
    from .weights import EXAMPLES_DIR, example_credits

    credit = example_credits(EXAMPLES_DIR).get(DAHLIA_EXAMPLE)
    return example_label(Path(DAHLIA_EXAMPLE), credit, lang)


# ------------------------------------------------------------------------------------------ questions
def _integer(qid: str, lang: str, answer: int, **values) -> Question:
    return Question(qid, "integer", t(f"lesson.q.{qid}.text", lang, **values), int(answer),
                    t(f"lesson.q.{qid}.why", lang, answer=answer, **values), lang, (),
                    tuple(sorted(values.items())) + (("answer", answer),))


def _choice(qid: str, lang: str, n_options: int, answer: int, options: tuple[str, ...] = (), **values) -> Question:
    """A multiple-choice question; ``answer`` is the 0-based index of the right option. The options are the
    catalogue's ``opt1`` … ``opt<n_options>``, or ``options`` when given (widget labels, already translated)."""
    options = options or tuple(t(f"lesson.q.{qid}.opt{i}", lang, **values) for i in range(1, n_options + 1))
    return Question(qid, "choice", t(f"lesson.q.{qid}.text", lang, **values), answer,
                    t(f"lesson.q.{qid}.why", lang, **values), lang, options, tuple(sorted(values.items())))


def _layer(plan: Plan, block: int, index: int) -> PlanRow:
    return next(r for r in plan.dense_layers if r.block == block and r.index == index)


def _block_sides(plan: Plan) -> list[int]:
    """H = W at which each dense block works, block 1 first."""
    return [s.hw for s in stages(plan) if s.kind == "block"]


def _bottleneck(config: DenseNetConfig, lang: str) -> str:
    return t("lesson.bottleneck_on", lang, bn=config.bn_size) if config.bottleneck else t("lesson.bottleneck_off", lang)


def _receives(qid: str, plan: Plan, block: int, index: int, lang: str) -> Question:
    """How many channels enter layer ``index`` of ``block`` (the plan's own ``in_channels``)."""
    config = plan.config
    row, first = _layer(plan, block, index), _layer(plan, block, 1)
    return _integer(qid, lang, row.in_channels, k=config.growth_rate, b=block, i=index, c0=first.in_channels,
                    before=index - 1, bottleneck=_bottleneck(config, lang), mid=row.bottleneck_channels)


def _spatial(qid: str, plan: Plan, lang: str) -> Question:
    """At what side the last block works, with the halving chain from the stem on."""
    config, sides = plan.config, _block_sides(plan)
    return _integer(qid, lang, sides[-1], size=config.input_size, b=len(sides), s0=sides[0],
                    transitions=len(plan.transitions), chain=" → ".join(map(str, sides)),
                    stem=t(f"field.stem_{config.stem}", lang))


def _home(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    config = plan.config
    return [_receives("home_receives", plan, 1, min(4, config.block_config[0]), lang),
            _choice("home_combine", lang, 4, 1),
            _choice("home_growth", lang, 4, 2, k=config.growth_rate)]


def _concat(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    config = plan.config
    block = min(2, len(config.block_config))
    n = config.block_config[block - 1]
    index = min(6, n)
    questions = [_receives("concat_enter", plan, block, index, lang),
                 _integer("concat_connections", lang, connections(n), b=block, n=n)]
    row = _layer(plan, block, index)
    if config.bottleneck:
        questions.append(_integer("concat_squeeze", lang, row.bottleneck_channels, b=block, i=index,
                                  bn=config.bn_size, k=config.growth_rate, enter=row.in_channels))
    else:
        questions.append(_choice("concat_no_bottleneck", lang, 3, 1, i=index, enter=row.in_channels,
                                 k=config.growth_rate))
    return questions


def _architecture(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    config = plan.config
    first = _layer(plan, 1, 1)
    block1 = next(s for s in stages(plan) if s.kind == "block" and s.number == 1)
    classifier = plan.rows[-1]
    sliders = tuple(t(key, lang) for key in ("field.compression", "field.growth_rate", "field.drop_rate",
                                              "field.input_size"))
    return [_integer("arch_block_out", lang, block1.channels, c0=first.in_channels, n=config.block_config[0],
                     k=config.growth_rate),
            _integer("arch_final", lang, plan.final_channels, classes=config.num_classes,
                     params=f"{classifier.params:,}"),
            _choice("arch_slope", lang, len(sliders), 1, sliders, k=config.growth_rate)]


def _transitions(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    config = plan.config
    if plan.transitions:
        number = min(2, len(plan.transitions))
        row = plan.transitions[number - 1]
        first = _integer("trans_out", lang, row.out_channels, t=number, enter=row.in_channels,
                         theta=f"{config.compression:g}", product=f"{row.in_channels * config.compression:g}")
    else:  # one block: nothing to shrink, so ask how many transitions there are
        first = _integer("trans_count", lang, len(plan.transitions), n=len(config.block_config))
    return [first, _spatial("trans_hw", plan, lang), _choice("trans_pool", lang, 3, 1)]


def _walkthrough(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    sides = _block_sides(plan)
    return [_spatial("walk_hw", plan, lang),
            _integer("walk_pooled", lang, plan.final_channels, hw=sides[-1]),
            _choice("walk_softmax", lang, 3, 1, n=plan.config.num_classes)]


def _explain(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    n = plan.config.num_classes
    threshold = f"{facts.threshold:.0%}"
    return [_choice("explain_must_pick", lang, 3, 1, n=n),
            _choice("explain_map", lang, 3, 2),
            _choice("explain_limits", lang, 3, 0, n=n, threshold=threshold, temperature=f"{facts.temperature:.2f}")]


def _why(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    config = plan.config
    return [_integer("why_depth", lang, plan.depth, layers=len(plan.dense_layers), transitions=len(plan.transitions),
                     per=2 if config.bottleneck else 1),
            _choice("why_memory", lang, 3, 1),
            _choice("why_gradient", lang, 3, 0)]


def _train_live(plan: Plan, lang: str, facts: ModelFacts) -> list[Question]:
    return [_choice("live_noise", lang, 3, 1), _choice("live_capacity", lang, 3, 2)]


_BUILDERS = {"home": _home, "concat": _concat, "architecture": _architecture, "transitions": _transitions,
             "walkthrough": _walkthrough, "explain": _explain, "why": _why, "train_live": _train_live}


def questions_for(step: LessonStep, config: DenseNetConfig, lang: str,
                  facts: ModelFacts | None = None) -> list[Question]:
    """The step's check questions for ``config`` (the sidebar's, or the shipped model's on the pages that use
    it) in ``lang``. Computed answers are the plan's own numbers; every valid config gets 2 or 3 questions."""
    return _BUILDERS[step.id](plan_network(config), lang, facts or ModelFacts())


def check_answer(question: Question, given) -> tuple[bool, str]:
    """(correct, what to show): the explanation with its numbers, or why ``given`` is no answer at all.
    ``given`` is an option's index for a choice question, a whole number (or its text) for the others."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return False, t("lesson.need_answer", question.lang)
    if isinstance(given, bool):
        return False, t("lesson.not_a_number", question.lang, value=markdown_literal(given))
    if isinstance(given, str):
        text = given.strip()
        try:
            check_length("lesson_answer", text)
            value = int(text.replace(",", "").replace("_", ""))  # 1,024 as it is printed
        except (ValueError, ConfigError):
            return False, t("lesson.not_a_number", question.lang, value=markdown_literal(text[:40]))
    elif isinstance(given, float):
        if not math.isfinite(given) or given != int(given):
            return False, t("lesson.not_a_number", question.lang, value=markdown_literal(given))
        value = int(given)
    else:
        value = int(given)
    return value == question.answer, question.explanation


# ------------------------------------------------------------------------------------------ lesson links
@dataclass(frozen=True)
class LessonLink:
    """What a link says about the lesson: the step to open (None: none), the sidebar controls to show
    (None: all of them) and, for a bad value, why it was not used."""

    step: str | None = None
    shown: frozenset[str] | None = None
    problem: ConfigError | None = None


def read_lesson_query(params: Mapping[str, str]) -> LessonLink:
    """The lesson part of a link's query (``step``, ``show``), validated like the config: each value is
    length-checked before it is parsed, and a bad one is dropped with the reason (the rest still applies)."""
    step = shown = problem = None
    if STEP_KEY in params:
        value = str(params[STEP_KEY])
        try:
            check_length("lesson_step", value)
            if value not in STEP_IDS:
                raise ConfigError("lesson_step", value, "choice", choices=", ".join(STEP_IDS))
            step = value
        except ConfigError as exc:
            problem = exc
    if SHOW_KEY in params:
        value = str(params[SHOW_KEY])
        try:
            check_length("lesson_show", value)
            keys = [key.strip() for key in value.split(",") if key.strip()]
            unknown = [key for key in keys if key not in CONTROL_KEYS]
            if unknown:
                raise ConfigError("lesson_show", unknown[0], "choice", choices=", ".join(CONTROL_KEYS))
            shown = frozenset(keys)
        except ConfigError as exc:
            problem = problem or exc
    return LessonLink(step, shown, problem)


def lesson_query(step: str, config: DenseNetConfig, preset: str | None, shown: Collection[str] | None,
                 lang: str, present: bool = False) -> dict[str, str]:
    """The query of a lesson link: the config (``urlstate.config_to_query``), the language, the step, the
    controls to show (left out when all are shown; empty when none), and ``present=1`` in projector mode."""
    query = config_to_query(config, preset)
    query["lang"] = lang
    query[STEP_KEY] = step
    if shown is not None and set(shown) != set(CONTROL_KEYS):
        query[SHOW_KEY] = ",".join(key for key in CONTROL_KEYS if key in shown)
    if present:
        query["present"] = "1"
    return query


def site_root(url: str | None) -> str:
    """The app's own address from a page's URL (``st.context.url``): the URL without the page's path."""
    if not url:
        return ""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last in PAGE_IDS:
        path = head
    return f"{parts.scheme}://{parts.netloc}{path}" if parts.scheme else path


def lesson_link(root: str, step: str, query: Mapping[str, str]) -> str:
    """The full link: ``root`` (``site_root``; "" for a link relative to the server) + a page's path (a step's,
    or another of ``PAGE_IDS``) + the query."""
    return f"{root.rstrip('/')}/{step}?{urlencode(query)}"
