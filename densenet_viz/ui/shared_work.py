"""The teaching pages' model work, run on the job executor (never on a session's script thread) and
cached there by its arguments: a class asking the same question shares one computation."""

from __future__ import annotations

from ..config import DenseNetConfig
from .workers import job_executor, wait_for


def gradient_flow_result(lang: str, depth: int, width: int, batch_size: int, image_size: int, batch_norm: bool,
                         init: str, device: str):
    """Gradient norms per layer for dense, plain and residual toy networks at initialisation."""
    from ..gradient_flow import gradient_flow

    args = (depth, width, batch_size, image_size, batch_norm, init)
    return wait_for(job_executor().submit(gradient_flow, *args, device=device, key=("gradient_flow", args, device)),
                    lang)


def reference_models_result(lang: str):
    """torchvision's ImageNet models: weight metadata plus parameters counted on the built architecture."""
    from ..efficiency import reference_models

    return wait_for(job_executor().submit(reference_models, key=("reference_models",)), lang)


def memory_measurement(lang: str, config: DenseNetConfig, batch_size: int, device: str):
    """Measured activation memory for the depth-scaled versions of ``config`` (see memory.measure_memory),
    admitted by the memory budget (``budget.MemoryRefused`` when it does not fit now)."""
    from ..budget import admit
    from ..memory import measure_memory, measurement_estimate

    key = ("memory", config, batch_size, device)
    reservation = admit(measurement_estimate(config, batch_size, device=device), "measure", device, key)
    return wait_for(reservation.for_job(lambda: job_executor().submit(measure_memory, config, batch_size,
                                                                      device=device, key=key)), lang)


def feature_reuse_result(lang: str, config: DenseNetConfig, block: int, scale: str, weights: str | None = None):
    """Paper Fig. 5 for one block, read from the weights of the trained model at ``weights`` (path), or
    of a randomly initialised ``config`` (seed 0) when ``weights`` is None."""
    key = ("reuse", weights, config if weights is None else None, block, scale)
    return wait_for(job_executor().submit(_feature_reuse, config, block, scale, weights, key=key), lang)


def _feature_reuse(config: DenseNetConfig, block: int, scale: str, weights: str | None):
    import torch

    from ..graph import feature_reuse
    from ..model import build_densenet
    from ..weights import load_model

    if weights is not None:
        model, _card = load_model(weights)
    else:
        with torch.random.fork_rng():  # a fixed random init, without disturbing anyone else's random stream
            torch.manual_seed(0)
            model = build_densenet(config, device="cpu")
    return feature_reuse(model, block, scale)


def build_and_trace(lang: str, config: DenseNetConfig, device: str):
    """Build ``config`` on ``device`` and trace one forward pass against the plan, admitted by the memory
    budget (``budget.MemoryRefused`` when it does not fit now). Returns (estimate, limit, trace) in bytes."""
    from ..budget import admit, inference_bytes, ledger
    from ..plan import plan_network

    estimate = inference_bytes(plan_network(config), 1)
    key = ("build", config, device)
    reservation = admit(estimate, "build", device, key)
    trace = wait_for(reservation.for_job(lambda: job_executor().submit(_build_and_trace, config, device, key=key)),
                     lang)
    return estimate, ledger(device).limit, trace


def _build_and_trace(config: DenseNetConfig, device: str):
    from ..model import build_densenet
    from ..plan import plan_network
    from ..trace import trace_model

    plan = plan_network(config)
    model = build_densenet(config, device=device).eval()
    if device.startswith("cuda"):  # the first CUDA pass pays for kernel set-up: time the second
        trace_model(model, plan)
    return trace_model(model, plan)
