"""The training loop, one process or many with torchrun (DDP).

Photos are decoded once into memory, then cropped and augmented per photo each step, so no worker
processes compete with the model for a small machine's cores. bf16 autocast and channels_last on CUDA
and on CPUs with native bf16 (oneDNN); the weights stay float32.
"""

from __future__ import annotations

import os
import sys
import time
from functools import partial
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F

from ..config import PRESETS
from ..data import Preprocessing
from ..hashing import sha256_hex
from ..model import DenseNet, build_densenet, default_device, describe_device
from ..weights import WeightsError, load_model, save_model
from .args import TrainArgs
from .augment import augment_photos, mix_batch, normalise, soft_targets, synthetic_images, uniform_target_loss
from .card import build_card
from .checkpoint import TrainState, has_checkpoint, load_checkpoint, save_checkpoint
from .dataset import TrainingData, load_training_data
from .ema import ModelEMA
from .step import lr_at, train_step, use_bf16, val_top1


# ---------------------------------------------------------------------------- distributed set-up
def _dist_info() -> tuple[int, int]:
    return int(os.environ.get("RANK", "0")), int(os.environ.get("WORLD_SIZE", "1"))


def _setup_distributed(device: torch.device) -> tuple[int, int]:
    rank, world = _dist_info()
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return rank, world


def _average_buffers(model: torch.nn.Module, world: int) -> None:
    # DDP keeps parameters in step but each rank's BN running statistics drift apart: average them.
    for buf in model.buffers():
        if buf.is_floating_point():
            dist.all_reduce(buf)
            buf /= world


# ------------------------------------------------------------------------------------ pieces
def make_optimizer(model: torch.nn.Module, args: TrainArgs) -> torch.optim.Optimizer:
    """SGD-Nesterov or AdamW, with no weight decay on BN weights and biases."""
    decay = [p for p in model.parameters() if p.ndim > 1]
    no_decay = [p for p in model.parameters() if p.ndim <= 1]
    groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if args.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=args.lr, momentum=args.momentum, nesterov=args.momentum > 0)
    return torch.optim.AdamW(groups, lr=args.lr)


def _loss(logits: torch.Tensor, target: torch.Tensor, n_in: int, ood_weight: float) -> torch.Tensor:
    """Soft-target cross-entropy on the ``n_in`` flower photos; the outliers and made-up images after them
    are pushed towards a uniform answer."""
    loss = torch.sum(-target * F.log_softmax(logits[:n_in], dim=1), dim=1).mean()
    if n_in < len(logits):
        loss = loss + ood_weight * uniform_target_loss(logits[n_in:])
    return loss


def _batch(data: TrainingData, idx: list[int], args: TrainArgs, size: int, mixing: bool,
           mean: torch.Tensor, std: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, int]:
    """(inputs, soft targets of the flower photos, number of flower photos); outliers follow them."""
    x = normalise(augment_photos([data.images[j] for j in idx], size, args.min_scale, args.augment), mean, std)
    target = soft_targets(data.labels[idx], len(data.classes), args.label_smoothing)
    if mixing and float(torch.rand(1)) < args.mix_prob:
        x, target = mix_batch(x, target, args.mixup, args.cutmix)
    if args.ood_batch:
        n_synthetic = round(args.ood_batch * args.synthetic_share) if data.outliers else args.ood_batch
        picks = torch.randint(len(data.outliers), (args.ood_batch - n_synthetic,)).tolist() if data.outliers else []
        parts = [synthetic_images(n_synthetic, size)] if n_synthetic else []
        if picks:
            parts.insert(0, augment_photos([data.outliers[j] for j in picks], size, args.min_scale, args.augment))
        x = torch.cat([x, normalise(torch.cat(parts), mean, std)])
    return x, target, len(idx)


# ------------------------------------------------------------------------------------ the loop
def fit(args: TrainArgs, log=print) -> tuple[DenseNet, dict]:
    """Train; returns the selected model (the EMA if enabled, at the best val epoch) and its card."""
    device = torch.device(args.device) if args.device else default_device()
    rank, world = _setup_distributed(device)
    if world > 1 and device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    is_main = rank == 0
    say = log if is_main else (lambda *a, **k: None)
    torch.manual_seed(args.seed)

    prep = Preprocessing.for_input_size(args.eval_size)
    data = load_training_data(args.data, prep, args.val_split, args.seed, args.ood_data, warn=say)
    n_val = 0 if data.val_y is None else len(data.val_y)
    say(f"data: {len(data.images)} train, {n_val} val, {len(data.outliers)} outlier photos; "
        f"classes {list(data.classes)}")

    config = PRESETS[args.preset].replace(num_classes=len(data.classes), input_size=args.eval_size)
    model = build_densenet(config, device=device).to(memory_format=torch.channels_last)
    init = _start_from(args.init_weights, model, data.classes) if args.init_weights else None
    ema = ModelEMA(model, args.ema) if args.ema > 0 else None
    opt = make_optimizer(model, args)
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model
    bf16 = use_bf16(device)

    steps_per_epoch = max(1, len(data.images) // (args.batch_size * world))
    total_steps = steps_per_epoch * args.epochs
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    warmup = max(1, int(args.warmup_epochs * steps_per_epoch))
    state = TrainState()
    if args.resume and has_checkpoint(args.checkpoint_dir):
        state = load_checkpoint(args.checkpoint_dir, model, ema, opt)
        say(f"resumed from {args.checkpoint_dir} at epoch {state.epoch}, step {state.step}")

    mean, std = torch.tensor(prep.mean), torch.tensor(prep.std)
    for epoch in range(state.epoch, args.epochs):
        if state.step >= total_steps:
            break
        started = time.perf_counter()
        net.train()
        torch.manual_seed(args.seed * 100_003 + epoch)  # the same photo order on every rank
        order = torch.randperm(len(data.images)).tolist()[rank::world][: steps_per_epoch * args.batch_size]
        torch.manual_seed(args.seed * 100_003 + epoch * 7_919 + 1 + rank)  # this rank's augmentation stream
        size, mixing = args.size_at(epoch), args.mixing_on(epoch)
        bar = _Progress(steps_per_epoch, f"epoch {epoch + 1}/{args.epochs} @{size}px", args.progress and is_main)
        seen, correct, loss_sum = 0, 0, 0.0
        for i in range(steps_per_epoch):
            if state.step >= total_steps:
                break
            idx = order[i * args.batch_size:(i + 1) * args.batch_size]
            x, target, n_in = _batch(data, idx, args, size, mixing, mean, std)
            x = x.to(device, non_blocking=True).contiguous(memory_format=torch.channels_last)
            target = target.to(device)
            loss, logits = train_step(net, opt, x, partial(_loss, target=target, n_in=n_in, ood_weight=args.ood_weight),
                                      lr_at(state.step, total_steps, warmup, args.lr), bf16)
            if ema is not None:
                ema.update(model)
            state.step += 1
            seen += n_in
            correct += int((logits[:n_in].argmax(1).cpu() == data.labels[idx]).sum())
            loss_sum += loss.item() * n_in
            bar.update(loss_sum / seen, correct / seen, seen * world / (time.perf_counter() - started))
        bar.close()
        if world > 1:
            _average_buffers(model, world)
            if ema is not None:
                _average_buffers(ema.module, world)
        train_s = time.perf_counter() - started
        record = {"epoch": epoch + 1, "size": size, "train_loss": loss_sum / max(seen, 1),
                  "train_top1": correct / max(seen, 1), "images_per_s": seen * world / train_s,
                  "lr": opt.param_groups[0]["lr"]}
        evaluated = ema.module if ema is not None else model
        if data.val_x is not None and is_main and args.evaluates_at(epoch):
            record["val_top1"] = val_top1(evaluated, data.val_x, data.val_y, args.tta_flip, bf16)
            state.record_val(epoch + 1, record["val_top1"], evaluated)
        state.epoch = epoch + 1
        state.history.append(record)
        state.wall_time_s += time.perf_counter() - started
        line = "epoch {epoch} @{size}px: loss {train_loss:.3f}, train top-1 {train_top1:.3f}, {images_per_s:.1f} img/s"
        say(line.format(**record) + (f", val top-1 {record['val_top1']:.4f}" if "val_top1" in record else ""))
        if args.checkpoint_dir and is_main:
            save_checkpoint(args.checkpoint_dir, model, ema, opt, state)

    final = ema.module if ema is not None else model
    if state.best_state is not None:
        final.load_state_dict(state.best_state)  # the best val epoch's weights, also after a resume
    final.eval()
    card = build_card(args, data.classes, prep, state, describe_device(device), world, len(data.images), n_val,
                      len(data.outliers))
    if init is not None:
        card["training"]["init"] = init
    return final, card


def _start_from(weights: str, model: DenseNet, classes) -> dict:
    """Load ``weights`` (raw, uncalibrated) into ``model``; returns what the card records about them."""
    source, source_card = load_model(weights, calibrated=False)
    ours, theirs = model.config.to_dict(), source.config.to_dict()
    ours.pop("input_size"), theirs.pop("input_size")  # a second schedule may train and test at another size
    if ours != theirs or tuple(source_card.class_names) != tuple(classes):
        raise WeightsError("weights.mismatch", file=Path(weights).name,
                           detail=f"it is {source.config.variant} for {list(source_card.class_names)}, "
                                  f"the run is {model.config.variant} for {list(classes)}")
    with torch.no_grad():
        model.load_state_dict(source.state_dict(), strict=True)
    earlier = source_card.data.get("training", {})
    record = {"weights_file": Path(weights).name, "weights_sha256": sha256_hex(Path(weights)),
              "epochs_run": earlier.get("epochs_run"), "wall_time_s": earlier.get("wall_time_s"),
              "val_top1": source_card.data.get("metrics", {}).get("val_top1")}
    if earlier.get("init"):  # those weights were themselves a later schedule: keep the whole chain
        record["init"] = earlier["init"]
    return record


def train(args: TrainArgs, log=print) -> dict:
    """Train, keep the best val epoch, write weights + card (rank 0); returns the card."""
    model, card = fit(args, log)
    rank, world = _dist_info()
    if rank == 0:
        save_model(model, args.out, card)
        log(f"wrote {args.out} and its card ({card['training']['wall_time_s']:.0f} s of training)")
    if world > 1:
        dist.barrier()
    return card


class _Progress:
    """A tqdm bar showing loss, accuracy and images per second (silent when disabled)."""

    def __init__(self, total: int, desc: str, enabled: bool):
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True)

    def update(self, loss: float, acc: float, rate: float) -> None:
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{loss:.3f}", acc=f"{acc:.3f}", img_s=f"{rate:.1f}")
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
