"""A trained model with its card, ready to answer: the one place that turns photos into predictions.

``Predictor(model, card)`` owns what every user of a trained model must do the same way: preprocessing as
the card says, the mirror flip (test-time augmentation) when the card asks for it, calibrated
probabilities (``load`` folds the card's temperature into the classifier), the "none of my five" rule, and
``inspect`` for hook-based work (eval mode, hooks, the model's lock). Explain, Follow a flower, the
occlusion playground, evaluation, finalising and serving go through it.

    predictor = Predictor.load()                      # the shipped model
    [res] = predictor.explain([photo])                # crop, probabilities, Grad-CAMs, verdict
    probs = predictor.probs([photo])                  # (N, classes), calibrated
    predictor.rule.is_flagged(probs.max(1))           # none of my five?
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from .calibration import NoneOfTheseRule, softmax
from .data import preprocess
from .explain.gradcam import Explanation, explain_batch, predict_logits
from .explain.photo import PhotoExplanation, display_crop
from .model import cam_layer_names, inspecting
from .weights import SHIPPED_MODEL, ModelCard, load_model


@dataclass(frozen=True, eq=False)
class Predictor:
    """``model`` (eval mode, never changed by use) and the ``card`` that says how to feed and read it."""

    model: nn.Module
    card: ModelCard

    @classmethod
    def load(cls, weights: str | Path = SHIPPED_MODEL, device: str | torch.device = "cpu",
             calibrated: bool = True) -> Predictor:
        """The model in ``weights`` with its card (``weights.load_model``: strict, float32, eval mode;
        ``calibrated`` divides the classifier by the card's temperature)."""
        return cls(*load_model(weights, device, calibrated))

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.card.class_names

    @property
    def rule(self) -> NoneOfTheseRule:
        """The card's "none of my five" rule."""
        return NoneOfTheseRule.for_card(self.card)

    def inputs(self, images) -> torch.Tensor:
        """(N, 3, S, S) model inputs for PIL images, preprocessed as the card says."""
        return torch.stack([preprocess(img, self.card.preprocessing) for img in images])

    def logits(self, images, flip: bool | None = None, batch: int = 32) -> np.ndarray:
        """Logits (N, classes) for PIL images or model inputs (N, 3, S, S); ``flip`` (default: the card's)
        averages each photo's logits with its mirror image's."""
        flip = self.card.test_flip if flip is None else flip
        if isinstance(images, torch.Tensor):
            return predict_logits(self.model, images, flip=flip)
        out = [predict_logits(self.model, self.inputs(images[i:i + batch]), flip=flip)
               for i in range(0, len(images), batch)]
        return np.concatenate(out) if out else np.empty((0, len(self.class_names)), np.float32)

    def probs(self, images, flip: bool | None = None) -> np.ndarray:
        """Probabilities (N, classes) for PIL images or model inputs (calibrated when loaded so)."""
        return softmax(self.logits(images, flip)).astype(np.float32)

    def explain(self, images, targets=None, layers=None, display_side: int | None = None) -> list[PhotoExplanation]:
        """For each PIL image: the crop, probabilities, a Grad-CAM of ``targets`` (default: the predicted
        class) at each of ``layers`` (default: every CAM layer), top-5 and the rule's verdict, in one batch."""
        xs = self.inputs(images)
        explanations = self.explain_inputs(xs, targets, layers)
        rule = self.rule
        return [PhotoExplanation(crop=display_crop(img, self.card.preprocessing, display_side), x=x,
                                 explanation=exp, top5=exp.top_k(self.class_names, 5),
                                 none_of_these=rule.is_flagged(exp.confidence), threshold=rule.threshold)
                for img, x, exp in zip(images, xs, explanations)]

    def explain_inputs(self, x: torch.Tensor, targets=None, layers=None) -> list[Explanation]:
        """Probabilities (with the card's flip) and Grad-CAMs for model inputs (B, 3, S, S)."""
        layers = list(layers) if layers is not None else cam_layer_names(self.card.config)
        return explain_batch(self.model, x, layers, targets, flip=self.card.test_flip)

    def explain_one(self, image, layers=None, target: int | None = None,
                    display_side: int | None = None) -> PhotoExplanation:
        """``explain`` for one photo."""
        return self.explain([image], [target], layers, display_side)[0]

    def walk(self, image, n_maps: int = 8):
        """Follow ``image`` through the network stage by stage (``walkthrough.walk_through``), with the
        card's preprocessing and flip."""
        from .walkthrough import walk_through

        return walk_through(self.model, image, self.card.preprocessing, self.class_names, n_maps,
                            flip=self.card.test_flip)

    def inspect(self, hooks=None, pre_hooks=None):
        """Context for hook-based work on the model: its lock, eval mode, ``hooks``/``pre_hooks``
        ({module name or module: hook}) registered and removed after (``model.inspecting``)."""
        return inspecting(self.model, hooks, pre_hooks)
