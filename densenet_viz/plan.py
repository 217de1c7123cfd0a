"""The channel plan: every stage's channels, spatial size, parameters and MACs, in pure integers.

This is the single source of truth for every chart and table. It imports no torch; a test checks it
against shapes and parameter counts traced from the real model with forward hooks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .config import DenseNetConfig, spatial_after_stem, transition_channels

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}


@dataclass(frozen=True)
class PlanRow:
    """One stage of the network. Channel counts are per image; ``act_elems`` is the output size."""

    stage: str  # "stem" | "dense_layer" | "transition" | "norm" | "classifier"
    name: str  # torchvision-compatible module name
    block: int  # 1-based dense block (transition i follows block i); 0 for the stem, -1 after
    index: int  # 1-based layer index inside its block; 0 otherwise
    in_channels: int  # channels entering the stage (a dense layer: the concatenation it receives)
    bottleneck_channels: int  # bn_size·k for a bottleneck layer, else 0
    new_channels: int  # channels this stage creates (k for a dense layer)
    out_channels: int  # channels after the stage (a dense layer: after its output is concatenated)
    in_hw: int  # input side H = W
    out_hw: int  # output side
    params: int
    macs: int  # multiply-accumulates of convs and the classifier, per image
    act_elems: int  # elements of the stage's output tensor, per image (a dense layer: its k new maps)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    """Rows plus totals for one config."""

    config: DenseNetConfig
    rows: tuple[PlanRow, ...]

    @property
    def params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def macs(self) -> int:
        return sum(r.macs for r in self.rows)

    @property
    def depth(self) -> int:
        """Depth L as the paper counts it: the stem conv, each conv of each dense layer, each
        transition conv and the classifier (DenseNet-121: 1 + 2·58 + 3 + 1 = 121)."""
        per_layer = 2 if self.config.bottleneck else 1
        return 1 + per_layer * sum(self.config.block_config) + len(self.config.block_config) - 1 + 1

    @property
    def dense_layers(self) -> tuple[PlanRow, ...]:
        return tuple(r for r in self.rows if r.stage == "dense_layer")

    @property
    def transitions(self) -> tuple[PlanRow, ...]:
        return tuple(r for r in self.rows if r.stage == "transition")

    @property
    def final_channels(self) -> int:
        return self.rows[-1].in_channels

    def activation_bytes(self, batch_size: int = 1, dtype: str = "float32", storage: str = "naive") -> int:
        """Feature-map memory a training forward pass keeps for backward, under a storage model.

        ``naive``: each dense layer's ``torch.cat`` allocates a fresh tensor of all its inputs, and
        the normalised copy of it is kept too, so memory grows quadratically with block depth.
        ``shared``: concatenation and first BN write into two buffers shared by the whole block and
        recomputed in backward (Pleiss et al. 2017), so only the bottleneck and the k new maps of
        each layer persist: memory grows linearly.
        """
        if storage not in ("naive", "shared"):
            raise ValueError(f"storage={storage!r}: use 'naive' or 'shared'")
        if dtype not in DTYPE_BYTES:
            raise ValueError(f"dtype={dtype!r}: use one of {', '.join(DTYPE_BYTES)}")
        elems = 0
        block_peak: dict[int, int] = {}
        for r in self.rows:
            hw = r.out_hw * r.out_hw
            if r.stage == "dense_layer":
                bottleneck = 2 * r.bottleneck_channels * hw  # conv1 output and its BN-ReLU copy
                if storage == "naive":
                    elems += 2 * r.in_channels * hw + bottleneck + r.new_channels * hw
                else:
                    elems += bottleneck + r.new_channels * hw
                    block_peak[r.block] = max(block_peak.get(r.block, 0), 2 * r.in_channels * hw)
            else:
                elems += self._stage_elems(r)
        if storage == "shared":
            elems += max(block_peak.values(), default=0)  # the shared buffers, reused block to block
        return elems * batch_size * DTYPE_BYTES[dtype]

    def _stage_elems(self, r: PlanRow) -> int:
        # Tensors kept for backward by the non-dense stages (same in both storage models).
        if r.stage == "stem":
            if self.config.stem == "imagenet":
                conv_hw = (r.in_hw + 6 - 7) // 2 + 1
                return 2 * r.new_channels * conv_hw * conv_hw + r.act_elems  # conv out, BN-ReLU out, pool
            return r.act_elems
        if r.stage == "transition":
            return 2 * r.in_channels * r.in_hw * r.in_hw + r.new_channels * r.in_hw * r.in_hw + r.act_elems
        if r.stage == "norm":
            return 2 * r.act_elems  # BN output and ReLU output
        return r.act_elems + r.in_channels  # classifier: pooled vector and logits

    def summary(self) -> dict:
        """Totals and rows as plain data (the CLI's JSON)."""
        return {
            "config": self.config.to_dict(),
            "variant": self.config.variant,
            "params": self.params,
            "macs": self.macs,
            "depth": self.depth,
            "activation_bytes": {
                "naive": self.activation_bytes(1, "float32", "naive"),
                "shared": self.activation_bytes(1, "float32", "shared"),
                "batch_size": 1,
                "dtype": "float32",
            },
            "layers": [r.as_dict() for r in self.rows],
        }


def _bn(channels: int) -> int:
    return 2 * channels  # weight and bias; running statistics are buffers, not parameters


def plan_network(config: DenseNetConfig) -> Plan:
    """Compute the channel plan for ``config`` (pure integer arithmetic, microseconds)."""
    k = config.growth_rate
    f0 = config.num_init_features
    size = config.input_size
    rows: list[PlanRow] = []

    # Stem: 7×7/2 conv + BN + ReLU + 3×3/2 max-pool (ImageNet), or one 3×3 conv (CIFAR).
    side = spatial_after_stem(config.stem, size)
    if config.stem == "imagenet":
        conv_side = (size + 6 - 7) // 2 + 1
        params = 3 * f0 * 49 + _bn(f0)
        macs = 3 * 49 * f0 * conv_side * conv_side
    else:
        params = 3 * f0 * 9
        macs = 3 * 9 * f0 * size * size
    rows.append(PlanRow("stem", "features.conv0" if config.stem == "cifar" else "features.pool0",
                        0, 0, 3, 0, f0, f0, size, side, params, macs, f0 * side * side))

    channels = f0
    for b, n_layers in enumerate(config.block_config, start=1):
        for i in range(1, n_layers + 1):
            c_in = channels
            hw = side * side
            if config.bottleneck:
                mid = config.bn_size * k
                params = _bn(c_in) + c_in * mid + _bn(mid) + mid * k * 9
                macs = (c_in * mid + mid * k * 9) * hw
            else:
                mid = 0
                params = _bn(c_in) + c_in * k * 9
                macs = c_in * k * 9 * hw
            channels = c_in + k
            rows.append(PlanRow("dense_layer", f"features.denseblock{b}.denselayer{i}", b, i, c_in, mid, k,
                                channels, side, side, params, macs, k * hw))
        if b < len(config.block_config):
            out = transition_channels(channels, config.compression)
            params = _bn(channels) + channels * out
            macs = channels * out * side * side  # 1×1 conv runs before the pool, at full size
            new_side = side // 2
            rows.append(PlanRow("transition", f"features.transition{b}", b, 0, channels, 0, out, out, side,
                                new_side, params, macs, out * new_side * new_side))
            channels, side = out, new_side

    rows.append(PlanRow("norm", "features.norm5", -1, 0, channels, 0, 0, channels, side, side, _bn(channels), 0,
                        channels * side * side))
    n = config.num_classes
    rows.append(PlanRow("classifier", "classifier", -1, 0, channels, 0, n, n, side, 1, channels * n + n,
                        channels * n, n))
    return Plan(config, tuple(rows))


# --------------------------------------------------------------------------------------- queries
@dataclass(frozen=True)
class Stage:
    """One stop on the way through the network and the tensor that leaves it (per image)."""

    kind: str  # "stem", "block", "transition", "norm", "classifier"
    number: int  # block / transition number, else 0
    module: str  # the module whose output this is (torchvision names)
    channels: int
    hw: int

    @property
    def elements(self) -> int:
        return self.channels * self.hw * self.hw


def stages(plan: Plan) -> list[Stage]:
    """stem → block 1 → transition 1 → … → block n → norm5 → classifier: the one walk over the stages
    (charts, the walkthrough and the Grad-CAM layers all use it)."""
    out = []
    for r in plan.rows:
        if r.stage == "stem":
            out.append(Stage("stem", 0, r.name, r.out_channels, r.out_hw))
        elif r.stage == "dense_layer" and r.index == plan.config.block_config[r.block - 1]:
            out.append(Stage("block", r.block, f"features.denseblock{r.block}", r.out_channels, r.out_hw))
        elif r.stage == "transition":
            out.append(Stage("transition", r.block, r.name, r.out_channels, r.out_hw))
        elif r.stage == "norm":
            out.append(Stage("norm", 0, r.name, r.out_channels, r.out_hw))
        elif r.stage == "classifier":
            out.append(Stage("classifier", 0, r.name, r.out_channels, 1))
    return out


def plan_metrics(plan: Plan, batch_size: int = 1, dtype: str = "float32") -> dict[str, int]:
    """The headline numbers of a plan: params, MACs, depth, activation bytes naive and shared."""
    return {
        "params": plan.params,
        "macs": plan.macs,
        "depth": plan.depth,
        "act_naive": plan.activation_bytes(batch_size, dtype, "naive"),
        "act_shared": plan.activation_bytes(batch_size, dtype, "shared"),
    }


LAYER_COLUMNS = ("name", "stage", "block", "index", "in_channels", "bottleneck_channels", "new_channels",
                 "out_channels", "in_hw", "out_hw", "params", "macs", "act_elems")


def layer_table(plan: Plan) -> list[dict]:
    """One dict per plan row (the per-layer table and its CSV), columns in ``LAYER_COLUMNS`` order."""
    return [{c: getattr(r, c) for c in LAYER_COLUMNS} for r in plan.rows]


def layer_table_csv(plan: Plan) -> str:
    """The per-layer table as CSV text (machine-readable English column names)."""
    lines = [",".join(LAYER_COLUMNS)]
    lines += [",".join(str(row[c]) for c in LAYER_COLUMNS) for row in layer_table(plan)]
    return "\n".join(lines) + "\n"


def transition_table(plan: Plan, batch_size: int = 1, dtype: str = "float32") -> list[dict]:
    """Before/after numbers for each transition: channels, H×W, tensor elements and bytes."""
    rows = []
    for r in plan.transitions:
        before = r.in_channels * r.in_hw * r.in_hw
        after = r.out_channels * r.out_hw * r.out_hw
        rows.append({
            "transition": r.block, "theta": plan.config.compression,
            "channels_before": r.in_channels, "channels_after": r.out_channels,
            "hw_before": r.in_hw, "hw_after": r.out_hw,
            "elements_before": before, "elements_after": after,
            "bytes_before": before * batch_size * DTYPE_BYTES[dtype],
            "bytes_after": after * batch_size * DTYPE_BYTES[dtype],
        })
    return rows


def format_count(n: float, unit: str = "") -> str:
    """1234567 -> '1.23M' (human-readable counts for tables and metrics)."""
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:.3g}{suffix}{unit}"
    return f"{n:g}{unit}"


def format_bytes(n: float) -> str:
    """Bytes in binary units: 1536 -> '1.5 KiB'."""
    for div, suffix in ((2**40, "TiB"), (2**30, "GiB"), (2**20, "MiB"), (2**10, "KiB")):
        if abs(n) >= div:
            return f"{n / div:.3g} {suffix}"
    return f"{int(n)} B"
