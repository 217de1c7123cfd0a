"""Training from scratch: the recipe (``TrainArgs``), augmentation, EMA, resumable checkpoints, the loop."""

from .args import TrainArgs
from .loop import fit, train
from .step import lr_at

__all__ = ["TrainArgs", "fit", "lr_at", "train"]
