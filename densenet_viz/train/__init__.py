"""Training from scratch: the recipe (``TrainArgs``), augmentation, EMA, resumable checkpoints, the loop."""

from .args import TrainArgs
from .loop import fit, lr_at, train

__all__ = ["TrainArgs", "fit", "lr_at", "train"]
