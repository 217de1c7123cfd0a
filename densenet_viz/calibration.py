"""Trustworthy probabilities: temperature scaling, calibration error, and the "none of my five" rule.

- Temperature scaling (Guo et al. 2017): probabilities ``softmax(logits / T)`` with one ``T`` fitted on
  val by minimising the negative log-likelihood. ``weights.load_model`` folds ``T`` into the classifier,
  so every probability the app and the CLI show is calibrated.
- Expected calibration error: the gap between confidence and accuracy, averaged over 15 equal-width
  confidence bins, weighted by how many photos fall in each.
- "None of my five": a photo is flagged when its top calibrated probability is below a threshold chosen
  on val (flower photos vs photos of other species); AUROC measures how well the top probability
  separates the two, whatever the threshold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

ECE_BINS = 15


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def nll(logits: np.ndarray, labels: np.ndarray, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of ``labels`` under ``softmax(logits / T)``."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), np.asarray(labels)].mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray, lo: float = 0.05, hi: float = 20.0) -> float:
    """The ``T`` in [lo, hi] minimising val NLL (convex in log T: golden-section search to 1e-4)."""
    logits, labels = np.asarray(logits), np.asarray(labels)
    if len(logits) == 0 or len(logits) != len(labels):
        raise ValueError("need one row of logits per label")
    a, b = np.log(lo), np.log(hi)
    ratio = (np.sqrt(5) - 1) / 2
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = nll(logits, labels, np.exp(c)), nll(logits, labels, np.exp(d))
    while b - a > 1e-4:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = nll(logits, labels, np.exp(c))
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = nll(logits, labels, np.exp(d))
    return float(np.exp((a + b) / 2))


def expected_calibration_error(probs: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE over ``bins`` equal-width bins of the top probability (Naeini et al. 2015; Guo et al. 2017)."""
    probs, labels = np.asarray(probs, dtype=np.float64), np.asarray(labels)
    if len(probs) == 0:
        raise ValueError("no predictions")
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    # Bin i holds confidences in (i/bins, (i+1)/bins]; a confidence of exactly 0 goes to the first bin.
    which = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    ece = 0.0
    for i in range(bins):
        members = which == i
        if members.any():
            ece += members.mean() * abs(correct[members].mean() - conf[members].mean())
    return float(ece)


def auroc(scores_positive, scores_negative) -> float:
    """Area under the ROC curve: the chance that a random positive scores above a random negative
    (ties count half). Here positives are the flagged kind, e.g. other-species photos scored by
    ``1 - top probability``."""
    pos, neg = np.asarray(scores_positive, np.float64), np.asarray(scores_negative, np.float64)
    if pos.size == 0 or neg.size == 0:
        raise ValueError("AUROC needs at least one score of each kind")
    both = np.concatenate([pos, neg])
    order = both.argsort(kind="mergesort")
    ranks = np.empty(len(both))
    sorted_scores = both[order]
    # Average ranks for ties (Mann-Whitney U).
    i = 0
    while i < len(both):
        j = i
        while j + 1 < len(both) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(u / (len(pos) * len(neg)))


DEFAULT_NONE_THRESHOLD = 0.5  # used when the model card has no "none of these" threshold measured on val


@dataclass(frozen=True)
class NoneOfTheseRule:
    """Flag a photo as probably none of the model's classes when its top probability is below ``threshold``.
    The one place that compares a probability with the threshold, and that measures the rule."""

    threshold: float

    @classmethod
    def for_card(cls, card) -> NoneOfTheseRule:
        """The rule of a model card (threshold chosen on val), or ``DEFAULT_NONE_THRESHOLD`` when the card
        has none or a broken one."""
        value = ((getattr(card, "data", None) or {}).get("none_of_these") or {})
        try:
            threshold = float(value.get("threshold")) if isinstance(value, dict) else float("nan")
        except (TypeError, ValueError):
            threshold = float("nan")
        return cls(threshold if 0.0 < threshold < 1.0 else DEFAULT_NONE_THRESHOLD)

    def is_flagged(self, top):
        """For top probabilities (a number or an array): below the threshold."""
        return np.asarray(top) < self.threshold if np.ndim(top) else bool(top < self.threshold)

    def flags(self, probs: np.ndarray) -> np.ndarray:
        """One bool per row of (calibrated) probabilities."""
        return self.is_flagged(np.asarray(probs).max(axis=1))

    def metrics(self, in_top, in_correct, out_top) -> dict:
        """How the rule does: ``in_flagged`` (share of correctly classified in-set photos flagged),
        ``out_flagged`` (share of other photos flagged), ``out_n``, and ``auroc`` (how well the top
        probability separates in-set from other photos, whatever the threshold; None without both)."""
        in_top, out_top = np.asarray(in_top, np.float64), np.asarray(out_top, np.float64)
        ok = np.asarray(in_correct, bool)
        return {
            "in_flagged": float(self.is_flagged(in_top[ok]).mean()) if ok.any() else 0.0,
            "out_flagged": float(self.is_flagged(out_top).mean()) if out_top.size else 0.0,
            "out_n": int(out_top.size),
            "auroc": auroc(1 - out_top, 1 - in_top) if out_top.size and in_top.size else None,
        }

    def to_dict(self) -> dict:
        return {"rule": "top probability below threshold", **asdict(self)}


def choose_threshold(in_top: np.ndarray, in_correct: np.ndarray, out_top: np.ndarray,
                     max_in_flagged: float = 0.08) -> dict:
    """The highest threshold that flags at most ``max_in_flagged`` of correctly classified in-set photos.

    ``in_top``/``out_top``: top probabilities of in-set and of other-species photos (val);
    ``in_correct``: whether each in-set photo was classified correctly. Returns the threshold and the
    rule's ``metrics`` on these photos.
    """
    in_top = np.asarray(in_top, np.float64)
    ok = np.asarray(in_correct, bool)
    base = np.sort(in_top[ok]) if ok.any() else np.sort(in_top)
    allowed = int(np.floor(max_in_flagged * len(base)))  # photos strictly below the threshold
    threshold = round(float(base[allowed]), 4) if allowed < len(base) else 1.0
    return {"threshold": threshold, "max_in_flagged": max_in_flagged,
            **NoneOfTheseRule(threshold).metrics(in_top, ok, out_top)}
