"""Training from scratch on a class folder: one process, or many with torchrun (DDP).

Images are decoded once into memory at a reduced size, then augmented per batch with tensor ops on
the training device (random resized crop, flip, colour jitter; optional mixup/cutmix), so no worker
processes compete with the model for a small machine's cores. bf16 autocast and channels_last on CUDA.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from .config import PRESETS, DenseNetConfig
from .data import ImageError, Preprocessing, center_crop, load_image, scan_class_folder
from .model import DenseNet, build_densenet, default_device, describe_device
from .weights import save_model


@dataclass
class TrainArgs:
    data: str
    out: str = "assets/models/flowers-densenet121.safetensors"
    preset: str = "densenet121"
    epochs: int = 30
    batch_size: int = 64
    lr: float = 2e-3
    weight_decay: float = 0.05
    warmup_epochs: float = 1.0
    label_smoothing: float = 0.1
    train_size: int = 160  # crop side used in training
    eval_size: int = 192  # side used at evaluation / in the app (a bit larger than train: FixRes)
    min_scale: float = 0.25  # random resized crop area range
    jitter: float = 0.3
    mixup: float = 0.0  # Beta(α, α) for mixup; 0 turns it off
    cutmix: float = 0.0
    ema: float = 0.0  # EMA decay of the weights; 0 turns it off
    val_split: float = 0.15  # used when the data folder has no val/ sub-folder
    seed: int = 0
    device: str | None = None
    max_steps: int | None = None  # stop early (tests, smoke runs)
    checkpoint_dir: str | None = None
    resume: bool = False
    tta_flip: bool = True
    progress: bool = True
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- distributed set-up
def _dist_info() -> tuple[int, int, int]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    return int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0")), world


def _setup_distributed(device: torch.device) -> tuple[int, int]:
    rank, _, world = _dist_info()
    if world > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return rank, world


# ---------------------------------------------------------------------------------- the data
def _split_samples(args: TrainArgs):
    root = Path(args.data)
    if (root / "train").is_dir():
        train = scan_class_folder(root / "train")
        val = scan_class_folder(root / "val") if (root / "val").is_dir() else None
        if val is not None and val.classes != train.classes:
            raise ValueError(f"train/ and val/ have different classes: {train.classes} vs {val.classes}")
        return train.classes, list(train.samples), list(val.samples) if val else [], list(train.skipped)
    scan = scan_class_folder(root)
    rng = random.Random(args.seed)
    train, val = [], []
    for label in range(len(scan.classes)):
        items = [s for s in scan.samples if s[1] == label]
        rng.shuffle(items)
        n_val = int(round(len(items) * args.val_split))
        val += items[:n_val]
        train += items[n_val:]
    return scan.classes, train, val, list(scan.skipped)


def _decode_all(samples, short_side: int, warn) -> tuple[list[torch.Tensor], list[int]]:
    """Decode each image once, shorter side resized to ``short_side``; unreadable files are skipped."""
    from PIL import Image

    images, labels = [], []
    for path, label in samples:
        try:
            img = load_image(path, target_side=short_side)
        except ImageError as exc:
            warn(f"skipping {path}: {exc}")
            continue
        w, h = img.size
        s = short_side / min(w, h)
        img = img.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BILINEAR)
        images.append(torch.from_numpy(np.asarray(img).copy()).permute(2, 0, 1))  # (3, h, w) uint8
        labels.append(label)
    return images, labels


def _eval_tensors(samples, prep: Preprocessing, warn):
    from .data import to_tensor

    xs, ys = [], []
    for path, label in samples:
        try:
            img = load_image(path, target_side=prep.resize_size)
        except ImageError as exc:
            warn(f"skipping {path}: {exc}")
            continue
        xs.append(to_tensor(center_crop(img, prep.resize_size, prep.input_size), prep))
        ys.append(label)
    return torch.stack(xs), torch.tensor(ys)


# --------------------------------------------------------------------------- augmentation
def augment_batch(images: list[torch.Tensor], size: int, min_scale: float, jitter: float,
                  gen: torch.Generator, device: torch.device, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Random resized crop + horizontal flip + colour jitter, then normalise: (B, 3, size, size)."""
    crops = []
    for img in images:
        _, h, w = img.shape
        for _ in range(10):
            area = h * w * float(torch.empty(1).uniform_(min_scale, 1.0, generator=gen))
            log_ratio = float(torch.empty(1).uniform_(math.log(3 / 4), math.log(4 / 3), generator=gen))
            cw = int(round(math.sqrt(area * math.exp(log_ratio))))
            ch = int(round(math.sqrt(area / math.exp(log_ratio))))
            if 0 < cw <= w and 0 < ch <= h:
                break
        else:
            ch, cw = min(h, w), min(h, w)
        top = int(torch.randint(0, h - ch + 1, (1,), generator=gen))
        left = int(torch.randint(0, w - cw + 1, (1,), generator=gen))
        crop = img[:, top:top + ch, left:left + cw].to(device, non_blocking=True).float().unsqueeze(0)
        crop = F.interpolate(crop, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
        if bool(torch.rand(1, generator=gen) < 0.5):
            crop = crop.flip(-1)
        crops.append(crop)
    x = torch.cat(crops) / 255.0  # (B, 3, size, size) in [0, 1]
    if jitter > 0:
        b = x.shape[0]
        factors = (1 + (torch.rand(b, 3, generator=gen) * 2 - 1) * jitter).to(device)
        x = x * factors[:, 0, None, None, None]  # brightness
        mean_grey = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - mean_grey) * factors[:, 1, None, None, None] + mean_grey  # contrast
        grey = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2]).unsqueeze(1)
        x = (x - grey) * factors[:, 2, None, None, None] + grey  # saturation
        x = x.clamp(0, 1)
    return (x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)


def mix_batch(x: torch.Tensor, y: torch.Tensor, n_classes: int, mixup: float, cutmix: float,
              smoothing: float, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Soft targets with label smoothing, then mixup or cutmix (one of them per batch, if enabled)."""
    target = torch.full((len(y), n_classes), smoothing / n_classes, device=x.device)
    target.scatter_(1, y.view(-1, 1), 1 - smoothing + smoothing / n_classes)
    use = [a for a in (("mixup", mixup), ("cutmix", cutmix)) if a[1] > 0]
    if not use:
        return x, target
    kind, alpha = use[int(torch.randint(0, len(use), (1,), generator=gen))]
    lam = float(np.random.default_rng(int(torch.randint(0, 2**31, (1,), generator=gen))).beta(alpha, alpha))
    perm = torch.randperm(len(y), generator=gen).to(x.device)
    if kind == "mixup":
        x = lam * x + (1 - lam) * x[perm]
    else:
        h, w = x.shape[-2:]
        ch, cw = int(h * math.sqrt(1 - lam)), int(w * math.sqrt(1 - lam))
        cy, cx = int(torch.randint(0, h, (1,), generator=gen)), int(torch.randint(0, w, (1,), generator=gen))
        y0, y1, x0, x1 = max(cy - ch // 2, 0), min(cy + ch // 2, h), max(cx - cw // 2, 0), min(cx + cw // 2, w)
        x = x.clone()
        x[:, :, y0:y1, x0:x1] = x[perm][:, :, y0:y1, x0:x1]
        lam = 1 - (y1 - y0) * (x1 - x0) / (h * w)
    return x, lam * target + (1 - lam) * target[perm]


# -------------------------------------------------------------------------- checkpoints
def _save_checkpoint(folder: Path, model, ema, opt, epoch: int, step: int, best: dict, history: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    if ema is not None:
        tensors.update({f"ema.{k}": v.detach().cpu().contiguous() for k, v in ema.state_dict().items()})
    opt_state = opt.state_dict()
    for idx, st in opt_state["state"].items():
        for key, val in st.items():
            if torch.is_tensor(val):
                tensors[f"optim.{idx}.{key}"] = val.detach().cpu().contiguous().reshape(val.shape)
    tensors["rng.torch"] = torch.get_rng_state()
    meta = {"epoch": epoch, "step": step, "best": best, "history": history,
            "param_groups": opt_state["param_groups"]}
    tmp = folder / "checkpoint.safetensors.tmp"
    save_file(tensors, str(tmp))
    tmp.replace(folder / "checkpoint.safetensors")  # atomic: a crash never leaves half a checkpoint
    (folder / "checkpoint.json").write_text(json.dumps(meta, indent=1))


def _load_checkpoint(folder: Path, model, ema, opt) -> tuple[int, int, dict, list]:
    tensors = load_file(str(folder / "checkpoint.safetensors"))
    meta = json.loads((folder / "checkpoint.json").read_text())
    model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    if ema is not None and any(k.startswith("ema.") for k in tensors):
        ema.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("ema.")})
    state: dict = {}
    for k, v in tensors.items():
        if k.startswith("optim."):
            _, idx, key = k.split(".", 2)
            state.setdefault(int(idx), {})[key] = v
    opt.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    torch.set_rng_state(tensors["rng.torch"])
    return meta["epoch"], meta["step"], meta["best"], meta.get("history", [])


# ------------------------------------------------------------------------------ training
def lr_at(step: int, total: int, warmup: int, base: float) -> float:
    """Linear warm-up, then cosine decay to zero."""
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


@torch.no_grad()
def predict_logits(model, x: torch.Tensor, device: torch.device, flip: bool, batch: int = 64) -> torch.Tensor:
    """Logits for a stack of preprocessed images, averaging with the mirror image when ``flip``."""
    out = []
    for i in range(0, len(x), batch):
        xb = x[i:i + batch].to(device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            logits = model(xb).float()
            if flip:
                logits = (logits + model(xb.flip(-1)).float()) / 2
        out.append(logits.cpu())
    return torch.cat(out)


def _average_buffers(model: torch.nn.Module, world: int) -> None:
    # DDP keeps parameters in step but each rank's BN running statistics drift apart: average them.
    for buf in model.buffers():
        if buf.is_floating_point():
            dist.all_reduce(buf)
            buf /= world


def train(args: TrainArgs, log=print) -> dict:
    """Train, keep the best epoch on val, write weights + card (rank 0); returns the card."""
    model, card = fit(args, log)
    rank, _, world = _dist_info()
    if rank == 0:
        save_model(model, args.out, card)
        log(f"wrote {args.out} and its card ({card['training']['wall_time_s']:.0f} s)")
    if world > 1:
        dist.barrier()
    return card


def fit(args: TrainArgs, log=print) -> tuple[DenseNet, dict]:
    """The training loop: returns the selected model (EMA if enabled, best val epoch) and its card."""
    device = torch.device(args.device) if args.device else default_device()
    rank, world = _setup_distributed(device)
    if world > 1 and device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
    is_main = rank == 0
    say = log if is_main else (lambda *a, **k: None)
    torch.manual_seed(args.seed)
    random.seed(args.seed)

    classes, train_samples, val_samples, skipped = _split_samples(args)
    for s in skipped:
        say(f"warning: skipping {s}: not an image file")
    prep = Preprocessing(args.eval_size, int(round(args.eval_size / 0.875)))
    # Decode at a size that leaves room for the random crops (ratio as torchvision's 224/256).
    images, labels = _decode_all(train_samples, int(round(args.train_size / 0.875)), say)
    if not images:
        raise ValueError(f"no readable training images under {args.data}")
    val_x, val_y = _eval_tensors(val_samples, prep, say) if val_samples else (None, None)
    say(f"data: {len(images)} train, {0 if val_y is None else len(val_y)} val images, classes {list(classes)}")

    config: DenseNetConfig = PRESETS[args.preset].replace(num_classes=len(classes), input_size=args.eval_size)
    model: DenseNet = build_densenet(config, device=device)
    model = model.to(memory_format=torch.channels_last)  # faster convs on CUDA and on the CPU (oneDNN)
    ema = None
    if args.ema > 0:
        ema = build_densenet(config, device=device)
        ema.load_state_dict(model.state_dict())
        ema.requires_grad_(False)
    decay, no_decay = [], []
    for _name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)  # no weight decay on BN and biases
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    net = torch.nn.parallel.DistributedDataParallel(model) if world > 1 else model

    per_rank = len(images) // (args.batch_size * world)
    steps_per_epoch = max(1, per_rank)
    total_steps = steps_per_epoch * args.epochs
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    warmup = max(1, int(args.warmup_epochs * steps_per_epoch))
    start_epoch, step, best, history = 0, 0, {"val_top1": -1.0, "epoch": -1}, []
    ckpt_dir = Path(args.checkpoint_dir) if args.checkpoint_dir else None
    if args.resume and ckpt_dir and (ckpt_dir / "checkpoint.safetensors").is_file():
        start_epoch, step, best, history = _load_checkpoint(ckpt_dir, model, ema, opt)
        say(f"resumed from {ckpt_dir} at epoch {start_epoch}, step {step}")

    mean = torch.tensor(prep.mean, device=device)
    std = torch.tensor(prep.std, device=device)
    started = time.perf_counter()
    best_state = None
    for epoch in range(start_epoch, args.epochs):
        if step >= total_steps:
            break
        net.train()
        gen = torch.Generator().manual_seed(args.seed * 1000 + epoch)  # same order on every rank
        order = torch.randperm(len(images), generator=gen).tolist()
        order = order[rank::world][: steps_per_epoch * args.batch_size]
        aug_gen = torch.Generator().manual_seed(args.seed * 1000 + epoch * 7919 + rank)
        bar = _progress(steps_per_epoch, f"epoch {epoch + 1}/{args.epochs}", args.progress and is_main)
        seen, correct, loss_sum, t0 = 0, 0, 0.0, time.perf_counter()
        for i in range(steps_per_epoch):
            if step >= total_steps:
                break
            idx = order[i * args.batch_size:(i + 1) * args.batch_size]
            x = augment_batch([images[j] for j in idx], args.train_size, args.min_scale, args.jitter,
                              aug_gen, device, mean, std)
            y = torch.tensor([labels[j] for j in idx], device=device)
            x, target = mix_batch(x, y, len(classes), args.mixup, args.cutmix, args.label_smoothing, aug_gen)
            x = x.contiguous(memory_format=torch.channels_last)
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total_steps, warmup, args.lr)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                logits = net(x)
            loss = torch.sum(-target * F.log_softmax(logits.float(), dim=1), dim=1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if ema is not None:
                with torch.no_grad():
                    d = min(args.ema, (1 + step) / (10 + step))  # short warm-up of the EMA decay
                    for pe, pm in zip(ema.state_dict().values(), model.state_dict().values()):
                        if pe.is_floating_point():
                            pe.mul_(d).add_(pm.detach(), alpha=1 - d)
                        else:
                            pe.copy_(pm)
            step += 1
            seen += len(idx)
            correct += int((logits.argmax(1) == y).sum())
            loss_sum += loss.item() * len(idx)
            rate = seen * world / (time.perf_counter() - t0)
            bar.update(loss_sum / seen, correct / seen, rate)
        bar.close()
        if world > 1:
            _average_buffers(model, world)
            if ema is not None:
                _average_buffers(ema, world)
        record = {"epoch": epoch + 1, "train_loss": loss_sum / max(seen, 1), "train_top1": correct / max(seen, 1),
                  "images_per_s": seen * world / (time.perf_counter() - t0), "lr": opt.param_groups[0]["lr"]}
        evaluated = ema if ema is not None else model
        if val_x is not None and is_main:
            evaluated.eval()
            logits = predict_logits(evaluated, val_x, device, flip=args.tta_flip)
            record["val_top1"] = float((logits.argmax(1) == val_y).float().mean())
            if record["val_top1"] > best["val_top1"]:
                best = {"val_top1": record["val_top1"], "epoch": epoch + 1}
                best_state = {k: v.detach().clone() for k, v in evaluated.state_dict().items()}
        history.append(record)
        line = "epoch {epoch}: loss {train_loss:.3f}, train top-1 {train_top1:.3f}, {images_per_s:.1f} img/s"
        say(line.format(**record) + (f", val top-1 {record['val_top1']:.3f}" if "val_top1" in record else ""))
        if ckpt_dir and is_main:
            _save_checkpoint(ckpt_dir, model, ema, opt, epoch + 1, step, best, history)
    wall = time.perf_counter() - started

    final = ema if ema is not None else model
    if best_state is not None:
        final.load_state_dict(best_state)
    card = {
        "name": Path(args.out).stem,
        "task": "flower species classification",
        "class_names": list(classes),
        "preprocessing": {**prep.to_dict(), "resize": "shorter side to resize_size, bilinear",
                          "crop": "centre crop input_size", "test_time_flip": args.tta_flip},
        "training": {
            "recipe": {k: v for k, v in asdict(args).items() if k not in ("data", "out", "notes", "progress")},
            "optimizer": "AdamW, no weight decay on BN/bias, linear warm-up + cosine",
            "augmentation": "random resized crop, horizontal flip, brightness/contrast/saturation jitter"
                            + (", mixup" if args.mixup else "") + (", cutmix" if args.cutmix else ""),
            "epochs_run": len(history),
            "steps": step,
            "best_epoch_on_val": best["epoch"],
            "wall_time_s": round(wall, 1),
            "device": describe_device(device),
            "world_size": world,
            "torch": torch.__version__,
            "history": history,
            "notes": args.notes,
        },
        "metrics": {"val_top1": best["val_top1"] if best["val_top1"] >= 0 else None},
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }
    return final, card


class _progress:
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
