"""Parameter efficiency: torchvision's ImageNet models (parameters, GMACs, top-1 from their weight metadata,
never typed in by hand) and the sidebar's DenseNet as a point among them."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .config import PRESET_INFO, DenseNetConfig, matching_preset
from .plan import plan_network

REFERENCE_MODELS = ("densenet121", "densenet169", "densenet201", "densenet161", "resnet18", "resnet34",
                    "resnet50", "resnet101", "resnet152", "vgg16")


@dataclass(frozen=True)
class ReferenceModel:
    """A torchvision ImageNet model: metadata of its IMAGENET1K_V1 weights and its architecture's own count."""

    name: str
    family: str  # "DenseNet" | "ResNet" | "VGG"
    params: int  # from the weight metadata
    params_counted: int  # counted on the architecture torchvision builds (meta device: no memory, no download)
    gmacs: float  # torchvision's "_ops" (GFLOPS as it labels them; multiply-accumulates per image)
    top1: float  # ImageNet-1K acc@1, percent


def reference_models(names: tuple[str, ...] = REFERENCE_MODELS) -> list[ReferenceModel]:
    """Read every reference model's metadata from torchvision's weight enums (nothing is downloaded)."""
    from torchvision.models import get_model, get_model_weights

    out = []
    for name in names:
        meta = get_model_weights(name).IMAGENET1K_V1.meta
        with torch.device("meta"):  # builds the module without allocating or initialising real tensors
            counted = sum(p.numel() for p in get_model(name, weights=None).parameters())
        family = "DenseNet" if name.startswith("densenet") else "ResNet" if name.startswith("resnet") else "VGG"
        out.append(ReferenceModel(name, family, int(meta["num_params"]), int(counted), float(meta["_ops"]),
                                  float(meta["_metrics"]["ImageNet-1K"]["acc@1"])))
    return out


@dataclass(frozen=True)
class OurPoint:
    """The sidebar's DenseNet on the efficiency chart: plan numbers, and a published top-1 if it is a preset."""

    params: int
    gmacs: float
    top1: float | None
    preset_title: str | None
    input_size: int


def our_point(config: DenseNetConfig) -> OurPoint:
    """Params and GMACs from the plan; top-1 only when the config reproduces an ImageNet preset."""
    plan = plan_network(config)
    name = matching_preset(config)
    info = PRESET_INFO.get(name) if name else None
    top1 = info.published_top1 if info and info.dataset == "ImageNet-1k" else None
    return OurPoint(plan.params, plan.macs / 1e9, top1, info.title if info and top1 is not None else None,
                    config.input_size)
