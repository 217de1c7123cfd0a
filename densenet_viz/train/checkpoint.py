"""Resumable training state in one safetensors file, the run's metadata (epoch, history, best so far,
optimiser settings) in its header: a resumed run ends where an uninterrupted run would have, with the same
weights, optimiser state, EMA and best-so-far weights. One file, written beside and renamed into place, so
weights and metadata replace each other together or not at all. (Random streams need no saving: the loop
reseeds torch at the start of every epoch.)"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

CHECKPOINT = "checkpoint.safetensors"
META_KEY = "train_state"  # the header entry holding the metadata as JSON


@dataclass
class TrainState:
    """Where a run stands: the next epoch to run, steps taken, the best val epoch and its weights."""

    epoch: int = 0
    step: int = 0
    best: dict = field(default_factory=lambda: {"val_top1": -1.0, "epoch": -1})
    history: list = field(default_factory=list)
    best_state: dict[str, torch.Tensor] | None = None  # weights of the evaluated model at the best epoch
    wall_time_s: float = 0.0  # training time of earlier (resumed-from) runs

    def record_val(self, epoch: int, val_top1: float, evaluated: torch.nn.Module) -> bool:
        """Keep ``evaluated``'s weights if ``val_top1`` beats the best so far (ties keep the later epoch)."""
        if val_top1 < self.best["val_top1"]:
            return False
        self.best = {"val_top1": float(val_top1), "epoch": int(epoch)}
        self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in evaluated.state_dict().items()}
        return True


def _flat(prefix: str, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {f"{prefix}.{k}": v.detach().cpu().contiguous() for k, v in state.items()}


def _unflat(prefix: str, tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    n = len(prefix) + 1
    return {k[n:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}


def save_checkpoint(folder: str | Path, model, ema, opt, state: TrainState) -> None:
    """Write everything needed to resume exactly; atomic, so a crash never leaves half a checkpoint."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = _flat("model", model.state_dict())
    if ema is not None:
        tensors.update(_flat("ema", ema.state_dict()))
    if state.best_state is not None:
        tensors.update(_flat("best", state.best_state))
    opt_state = opt.state_dict()
    for idx, slots in opt_state["state"].items():
        for key, val in slots.items():
            if torch.is_tensor(val):
                tensors[f"optim.{idx}.{key}"] = val.detach().cpu().contiguous().reshape(val.shape)
    meta = {"epoch": state.epoch, "step": state.step, "best": state.best, "history": state.history,
            "wall_time_s": state.wall_time_s, "ema_updates": ema.updates if ema is not None else 0,
            "param_groups": opt_state["param_groups"]}
    write_checkpoint_file(folder / CHECKPOINT, tensors, meta)


def write_checkpoint_file(path: Path, tensors: dict[str, torch.Tensor], meta: dict) -> None:
    """Tensors and metadata in one file, written beside ``path`` and renamed over it (atomic)."""
    tmp = path.with_name(path.name + ".tmp")
    save_file(tensors, str(tmp), metadata={META_KEY: json.dumps(meta)})
    tmp.replace(path)


def read_checkpoint_file(path: Path) -> tuple[dict[str, torch.Tensor], dict]:
    """(tensors, metadata) of a checkpoint file."""
    with safe_open(str(path), framework="pt") as f:
        header = f.metadata() or {}
    if META_KEY not in header:
        raise ValueError(f"{path} has no training metadata in its header")
    return load_file(str(path)), json.loads(header[META_KEY])


# What a compact copy rounds, and to what: the optimiser's moments to bf16 (their range, not their last
# digits, is what matters), the best epoch's weights to fp16 (the precision a model ships in). The model
# and EMA weights stay fp32, so the run continues from the same weights it stopped at.
_COMPACT_DTYPES = (("optim.", torch.bfloat16), ("best.", torch.float16))


def compact_checkpoint(src: str | Path, dst: str | Path) -> int:
    """Copy the checkpoint in ``src`` to ``dst`` with 16-bit moments and best weights; return its bytes.

    For carrying an unfinished run across machines (e.g. committed between sessions): about 70 % of the
    exact checkpoint's size. Resuming from it is not bit-exact, only as close as that rounding.
    """
    src, dst = Path(src), Path(dst)
    tensors, meta = read_checkpoint_file(src / CHECKPOINT)
    for key, val in tensors.items():
        for prefix, dtype in _COMPACT_DTYPES:
            if key.startswith(prefix) and val.is_floating_point() and val.dim() > 0:
                tensors[key] = val.to(dtype)
    dst.mkdir(parents=True, exist_ok=True)
    write_checkpoint_file(dst / CHECKPOINT, tensors, meta)
    return (dst / CHECKPOINT).stat().st_size


def has_checkpoint(folder: str | Path | None) -> bool:
    return folder is not None and (Path(folder) / CHECKPOINT).is_file()


def load_checkpoint(folder: str | Path, model, ema, opt) -> TrainState:
    """Restore ``model``, ``ema`` and ``opt`` in place; return the run's state."""
    tensors, meta = read_checkpoint_file(Path(folder) / CHECKPOINT)
    model.load_state_dict(_unflat("model", tensors))
    if ema is not None:
        ema.load_state_dict(_unflat("ema", tensors), meta.get("ema_updates", 0))
    slots: dict[int, dict] = {}
    for k, v in tensors.items():
        if k.startswith("optim."):
            _, idx, key = k.split(".", 2)
            slots.setdefault(int(idx), {})[key] = v
    opt.load_state_dict({"state": slots, "param_groups": meta["param_groups"]})
    best_state = _unflat("best", tensors) or None
    return TrainState(epoch=meta["epoch"], step=meta["step"], best=meta["best"], history=meta["history"],
                      best_state=best_state, wall_time_s=meta.get("wall_time_s", 0.0))
