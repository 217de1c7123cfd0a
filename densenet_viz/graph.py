"""A dense block as nodes and edges, and the paper's feature-reuse matrix (the memory budget that admits
a build is ``budget``).

``block_graph`` turns one block of the plan into a graph: the block input, its L layers and the
concatenated output. Layer ℓ receives one edge from the input and one from every earlier layer, so the
layers get L(L+1)/2 edges in all (the paper's count); the output gets L+1 more. Every edge carries the
number of channels its source contributes (the input: c₀, a layer: k).

``feature_reuse`` reads a real model's weights the way the paper's Figure 5 does: for each target layer,
the mean absolute weight of its first conv over each source's channel slice. Nothing here imports
streamlit; torch is imported only by the functions that need a model.
"""

from __future__ import annotations

from dataclasses import dataclass

from .plan import Plan

MAX_DRAWN_LAYERS = 64  # a drawn block beyond this is truncated (2,080 edges is already dense)


@dataclass(frozen=True)
class Node:
    """One feature producer in a block: the input (index 0), layer ℓ (index ℓ) or the output (L+1)."""

    index: int
    kind: str  # "input" | "layer" | "output"
    channels: int  # channels it contributes to every later concatenation (the output: its total width)


@dataclass(frozen=True)
class Edge:
    """``source`` feeds ``target`` (node indices) with ``channels`` feature maps."""

    source: int
    target: int
    channels: int
    kind: str  # "dense" (into a layer) or "output" (into the block's concatenated output)


@dataclass(frozen=True)
class BlockGraph:
    """Nodes and edges of one dense block (possibly truncated to ``shown_layers`` for drawing)."""

    block: int
    in_channels: int  # c₀, the width entering the block
    growth_rate: int
    n_layers: int  # layers the block really has
    shown_layers: int  # layers in ``nodes`` (== n_layers unless truncated)
    hw: int  # feature-map side inside the block
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @property
    def truncated(self) -> bool:
        return self.shown_layers < self.n_layers

    @property
    def dense_edges(self) -> tuple[Edge, ...]:
        return tuple(e for e in self.edges if e.kind == "dense")

    def incoming(self, target: int) -> tuple[Edge, ...]:
        """Edges into node ``target``, sources in order."""
        return tuple(e for e in self.edges if e.target == target)

    def input_width(self, target: int) -> int:
        """Channels the target receives: the sum over its incoming edges."""
        return sum(e.channels for e in self.incoming(target))


def dense_block_graph(in_channels: int, growth_rate: int, n_layers: int, block: int = 1, hw: int = 0,
                      max_layers: int = MAX_DRAWN_LAYERS) -> BlockGraph:
    """The graph of a block with ``n_layers`` layers; beyond ``max_layers`` only the first ones (no output)."""
    if n_layers < 1 or in_channels < 1 or growth_rate < 1:
        raise ValueError("a dense block needs at least one layer, one input channel and k ≥ 1")
    shown = min(n_layers, max_layers)
    nodes = [Node(0, "input", in_channels)]
    nodes += [Node(i, "layer", growth_rate) for i in range(1, shown + 1)]
    edges = []
    for target in range(1, shown + 1):
        edges += [Edge(s, target, nodes[s].channels, "dense") for s in range(target)]
    if shown == n_layers:  # the concatenated output only makes sense when every layer is drawn
        nodes.append(Node(shown + 1, "output", in_channels + n_layers * growth_rate))
        edges += [Edge(s, shown + 1, nodes[s].channels, "output") for s in range(shown + 1)]
    return BlockGraph(block, in_channels, growth_rate, n_layers, shown, hw, tuple(nodes), tuple(edges))


def block_graph(plan: Plan, block: int, max_layers: int = MAX_DRAWN_LAYERS) -> BlockGraph:
    """The graph of dense block ``block`` (1-based) of ``plan``; widths come from the plan's rows."""
    layers = [r for r in plan.dense_layers if r.block == block]
    if not layers:
        raise ValueError(f"block {block} does not exist: this network has {len(plan.config.block_config)} blocks")
    first = layers[0]
    return dense_block_graph(first.in_channels, first.new_channels, len(layers), block, first.in_hw, max_layers)


# ------------------------------------------------------------------------------------------ feature reuse
@dataclass(frozen=True)
class ReuseMatrix:
    """Paper Fig. 5 for one block: ``values[s][t]`` is how strongly target t reads source s.

    Sources: 0 = block input, 1..L = layers. Targets: layers 1..L, then the transition after the block
    (or, for the last block, the classifier). ``None`` where there is no connection (s ≥ t).
    ``raw`` holds the mean |w| before scaling; ``values`` is scaled to [0, 1] per ``scale``.
    """

    block: int
    n_layers: int
    last_target: str  # "transition" or "classifier"
    raw: tuple[tuple[float | None, ...], ...]
    values: tuple[tuple[float | None, ...], ...]
    scale: str


def _slice_means(weight, in_channels: int, c0: int, k: int, n_sources: int) -> list[float]:
    """Mean |w| over each source's channel slice of a weight whose dim 1 (or dim 1 of a Linear) is input."""
    import torch

    w = weight.detach().float().abs()
    if w.dim() == 2:  # Linear: (out, in)
        per_channel = w.mean(dim=0)
    else:  # Conv: (out, in, kh, kw)
        per_channel = w.mean(dim=(0, 2, 3))
    if per_channel.numel() != in_channels:
        raise ValueError(f"weight has {per_channel.numel()} input channels, the plan says {in_channels}")
    # Slice means from one cumulative sum: source 0 is channels [0, c0), source j is [c0+(j-1)k, c0+jk).
    bounds = torch.tensor([0, c0] + [c0 + j * k for j in range(1, n_sources)])
    csum = torch.cat([per_channel.new_zeros(1), per_channel.double().cumsum(0)])
    means = (csum[bounds[1:]] - csum[bounds[:-1]]) / (bounds[1:] - bounds[:-1])
    return [float(v) for v in means]


def feature_reuse(model, block: int, scale: str = "column") -> ReuseMatrix:
    """Feature-reuse matrix of ``block`` (1-based) from ``model``'s weights (paper Fig. 5).

    ``scale="column"``: each target's strongest source is 1 (which sources does this layer use most);
    ``"block"``: one scale for the whole block, as in the paper's colour bar.
    """
    if scale not in ("column", "block"):
        raise ValueError(f"scale={scale!r}: use 'column' or 'block'")
    config = model.config
    n_blocks = len(config.block_config)
    if not 1 <= block <= n_blocks:
        raise ValueError(f"block {block} does not exist: this network has {n_blocks} blocks")
    modules = dict(model.named_modules())
    n = config.block_config[block - 1]
    k = config.growth_rate
    first = modules[f"features.denseblock{block}.denselayer1"].conv1
    c0 = first.in_channels
    columns: list[list[float]] = []
    for target in range(1, n + 1):
        conv = modules[f"features.denseblock{block}.denselayer{target}"].conv1
        columns.append(_slice_means(conv.weight, c0 + (target - 1) * k, c0, k, target))
    if block < n_blocks:
        last, weight = "transition", modules[f"features.transition{block}"].conv.weight
    else:
        last, weight = "classifier", modules["classifier"].weight
    columns.append(_slice_means(weight, c0 + n * k, c0, k, n + 1))

    raw = [[col[s] if s < len(col) else None for col in columns] for s in range(n + 1)]
    if scale == "column":
        tops = [max(col) or 1.0 for col in columns]
        values = [[None if v is None else v / tops[t] for t, v in enumerate(row)] for row in raw]
    else:
        top = max(max(col) for col in columns) or 1.0
        values = [[None if v is None else v / top for v in row] for row in raw]
    return ReuseMatrix(block, n, last, tuple(map(tuple, raw)), tuple(map(tuple, values)), scale)


def connections(n_layers: int) -> int:
    """Direct connections among a block's input and ``n_layers`` layers: L(L+1)/2."""
    return n_layers * (n_layers + 1) // 2


__all__ = [
    "MAX_DRAWN_LAYERS", "Node", "Edge", "BlockGraph", "dense_block_graph", "block_graph", "ReuseMatrix",
    "feature_reuse", "connections",
]
