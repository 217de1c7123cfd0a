"""What a Train-it-live comparison says: the runs a comparison trains, their short names ("A: k=12"), and
the computed conclusion under the results (who won, by how much, at what size and speed, and whether the
gap is larger than the run-to-run noise). Pure functions, no streamlit.

The noise is measured, not assumed: with "measure noise" the first configuration trains a second time
with another seed, and the two seeds' final validation accuracies tell how far the same network lands
apart by chance alone. Without that run the conclusion says the noise is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import DenseNetConfig
from ..i18n import t
from ..plan import format_count


def repeat_seed(seed: int) -> int:
    """The seed of the noise run (the first configuration trained again)."""
    return seed + 1


def planned_runs(configs: list[DenseNetConfig], seed: int, measure_noise: bool) -> list[tuple[DenseNetConfig, int]]:
    """(configuration, seed) of each run a comparison trains: every configuration with ``seed``, and with
    ``measure_noise`` the first one again with ``repeat_seed(seed)``, last."""
    runs = [(config, seed) for config in configs]
    return runs + [(configs[0], repeat_seed(seed))] if measure_noise and configs else runs


def _what_differs(config: DenseNetConfig, others: list[DenseNetConfig], lang: str) -> str:
    """``config`` told apart from ``others`` by the settings a comparison changes (k when none differs)."""
    parts = []
    if any(o.growth_rate != config.growth_rate for o in others):
        parts.append(f"k={config.growth_rate}")
    if any(o.block_config != config.block_config for o in others):
        parts.append(t("live.name_blocks", lang, blocks="-".join(map(str, config.block_config))))
    if any(o.bn_size != config.bn_size for o in others):
        parts.append(t("live.name_bn", lang, bn=config.bn_size))
    if any(o.compression != config.compression for o in others):
        parts.append(f"θ={config.compression:g}")
    return t("live.name_sep", lang).join(parts or [f"k={config.growth_rate}"])


def short_run_names(runs: list, lang: str = "en") -> list[str]:
    """A short name per run for legends, tables and the conclusion: a letter per configuration and what sets
    it apart ("A: k=12", "B: k=32"); a run of an earlier configuration with another seed is that letter
    primed, with its seed ("A′: k=12, seed 1"). ``runs``: objects with ``config`` and ``seed``."""
    distinct: list[DenseNetConfig] = []
    for run in runs:
        if run.config not in distinct:
            distinct.append(run.config)
    first_seed: dict[int, int] = {}
    names = []
    for run in runs:
        i = distinct.index(run.config)
        what = _what_differs(run.config, distinct[:i] + distinct[i + 1:], lang)
        letter = chr(ord("A") + i)
        if first_seed.setdefault(i, run.seed) != run.seed:
            letter += "′"
            what += t("live.name_sep", lang) + t("live.name_seed", lang, seed=run.seed)
        names.append(t("live.short_name", lang, letter=letter, what=what))
    return names


@dataclass(frozen=True)
class RunOutcome:
    """What the conclusion needs of one run."""

    name: str  # its short name
    seed: int
    state: str  # queued, running, done, stopped, failed
    val_acc: float | None  # the last measured validation accuracy
    params: int
    seconds_per_epoch: float | None

    @property
    def finished(self) -> bool:
        return self.state == "done" and self.val_acc is not None


def run_outcomes(runs: list, lang: str = "en") -> tuple[list[RunOutcome], RunOutcome | None]:
    """The compared runs' outcomes and the noise run's (None without one), from ``live.LiveRun`` objects in
    ``planned_runs`` order: the noise run is the one that repeats the first configuration with another seed."""
    names = short_run_names(runs, lang)
    outcomes = [RunOutcome(name, run.seed, run.state, run.val_accuracy, run.params, run.seconds_per_epoch)
                for name, run in zip(names, runs, strict=True)]
    repeat = next((i for i, run in enumerate(runs) if i and run.config == runs[0].config
                   and run.seed != runs[0].seed), None)
    if repeat is None:
        return outcomes, None
    return outcomes[:repeat] + outcomes[repeat + 1:], outcomes[repeat]


def _points(fraction: float) -> float:
    """A difference of accuracies in percentage points, rounded as the sentence shows it (so a gap and a
    noise that read the same compare equal)."""
    return round(abs(fraction) * 100, 1)


def _seconds(outcome: RunOutcome) -> str:
    return f"{outcome.seconds_per_epoch:.1f}" if outcome.seconds_per_epoch else "—"


def conclusion(compared: list[RunOutcome], repeat: RunOutcome | None, lang: str = "en") -> str | None:
    """The sentences under the results (markdown), or None while a run still waits or trains (or there is
    none). A compared run that stopped or failed means no verdict; otherwise: the winner by final validation
    accuracy, its lead in percentage points (or a tie), parameters and seconds per epoch of each, and how the
    lead compares with the noise ``repeat`` measured (unknown without it, or when it did not finish)."""
    if not compared or any(o.state in ("queued", "running") for o in [*compared, *([repeat] if repeat else [])]):
        return None
    unfinished = [o for o in compared if not o.finished]
    if unfinished:
        runs = t("live.name_sep", lang).join(
            t("live.verdict_run_state", lang, name=o.name, state=t(f"live.short_{o.state}", lang)) for o in unfinished)
        return t("live.verdict_unfinished", lang, runs=runs)

    # By the accuracy as shown (0.1 pp), stable: runs that read the same tie and keep the page's order.
    ranked = sorted(compared, key=lambda o: -round(o.val_acc * 100, 1))
    best = ranked[0]
    facts = {"name": best.name, "acc": f"{best.val_acc:.1%}", "params": format_count(best.params),
             "time": _seconds(best)}
    gap = None
    if len(ranked) == 1:
        sentences = [t("live.verdict_one", lang, **facts)]
    else:
        second = ranked[1]
        facts |= {"name2": second.name, "acc2": f"{second.val_acc:.1%}", "params2": format_count(second.params),
                  "time2": _seconds(second)}
        gap = _points(best.val_acc - second.val_acc)
        sentences = [t("live.verdict_tie", lang, **facts) if gap == 0
                     else t("live.verdict_win", lang, gap=f"{gap:.1f}", **facts)]

    first = compared[0]
    if repeat is None:
        sentences.append(t("live.noise_unknown", lang, name=first.name, option=t("live.noise", lang)))
    elif not repeat.finished:
        state = t(f"live.short_{repeat.state}", lang)
        sentences.append(t("live.noise_unfinished", lang, name=repeat.name, state=state))
    else:
        noise = _points(first.val_acc - repeat.val_acc)
        seeds = {"name": first.name, "seed": first.seed, "seed2": repeat.seed, "noise": f"{noise:.1f}"}
        key = "live.noise_only" if not gap else "live.noise_larger" if gap > noise else "live.noise_smaller"
        sentences.append(t(key, lang, **seeds))
    return " ".join(sentences)
