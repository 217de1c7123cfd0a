"""The dense-block graph, the feature-reuse matrix and the build memory check."""

import pytest
import torch

from densenet_viz.config import PRESETS, DenseNetConfig
from densenet_viz.graph import (
    block_graph,
    connections,
    dense_block_graph,
    feature_reuse,
)
from densenet_viz.model import build_densenet
from densenet_viz.plan import plan_network

TINY = DenseNetConfig(growth_rate=4, block_config=(3, 5), num_init_features=6, bn_size=2, num_classes=3,
                      stem="cifar", input_size=16)


@pytest.mark.parametrize("n_layers", [1, 2, 5, 24])
def test_block_has_all_dense_connections(n_layers):
    g = dense_block_graph(in_channels=64, growth_rate=32, n_layers=n_layers)
    assert len(g.dense_edges) == n_layers * (n_layers + 1) // 2 == connections(n_layers)
    assert len(g.incoming(n_layers + 1)) == n_layers + 1  # the output concatenates everything
    for target in range(1, n_layers + 1):
        sources = [e.source for e in g.incoming(target)]
        assert sources == list(range(target))  # every earlier node, in order
        assert g.input_width(target) == 64 + (target - 1) * 32
    assert g.input_width(n_layers + 1) == 64 + n_layers * 32 == g.nodes[-1].channels


def test_edge_channels_are_c0_from_input_and_k_from_layers():
    g = dense_block_graph(in_channels=10, growth_rate=3, n_layers=4)
    assert {e.channels for e in g.edges if e.source == 0} == {10}
    assert {e.channels for e in g.edges if e.source > 0} == {3}


def test_block_graph_matches_plan_rows():
    plan = plan_network(PRESETS["densenet121"])
    for b in range(1, 5):
        g = block_graph(plan, b)
        layers = [r for r in plan.dense_layers if r.block == b]
        assert g.n_layers == len(layers)
        assert [g.input_width(i) for i in range(1, g.n_layers + 1)] == [r.in_channels for r in layers]
        assert g.input_width(g.n_layers + 1) == layers[-1].out_channels
        assert g.hw == layers[0].in_hw
    with pytest.raises(ValueError, match="block 5"):
        block_graph(plan, 5)


def test_drawing_is_capped():
    g = dense_block_graph(in_channels=8, growth_rate=2, n_layers=100, max_layers=64)
    assert g.truncated and g.shown_layers == 64 and g.n_layers == 100
    assert len(g.dense_edges) == 64 * 65 // 2
    assert all(n.kind != "output" for n in g.nodes)


def test_feature_reuse_against_hand_computed_slices():
    torch.manual_seed(0)
    model = build_densenet(TINY, device="cpu")
    c0 = model.features.denseblock2.denselayer1.conv1.in_channels
    assert c0 == plan_network(TINY).transitions[0].out_channels == 9  # floor((6 + 3·4) / 2)
    w = model.features.denseblock2.denselayer3.conv1.weight  # input: c0 + 2·k = 17 channels
    with torch.no_grad():  # make the slices distinguishable
        w.fill_(1.0)
        w[:, :c0] = 0.5
        w[:, c0 + 4:c0 + 8] = 2.0  # layer 2's slice
    m = feature_reuse(model, 2, scale="column")
    assert m.last_target == "classifier" and m.n_layers == 5
    assert len(m.values) == 6 and all(len(r) == 6 for r in m.values)
    col = [m.raw[s][2] for s in range(6)]  # target layer 3
    assert col[:3] == pytest.approx([0.5, 1.0, 2.0])
    assert col[3:] == [None, None, None]
    assert [m.values[s][2] for s in range(3)] == pytest.approx([0.25, 0.5, 1.0])
    # classifier column: mean |w| of the Linear over each slice of the 9 + 5·4 = 29 features
    lin = model.classifier.weight.detach().abs().mean(0)
    assert m.raw[0][5] == pytest.approx(float(lin[:c0].mean()), rel=1e-6)
    assert m.raw[5][5] == pytest.approx(float(lin[c0 + 16:c0 + 20].mean()), rel=1e-6)
    # the first block ends in a transition; block scale has a single maximum of 1
    m1 = feature_reuse(model, 1, scale="block")
    assert m1.last_target == "transition"
    flat = [v for row in m1.values for v in row if v is not None]
    assert max(flat) == pytest.approx(1.0) and min(flat) > 0
    for s, row in enumerate(m.values):  # no connection from a later layer into an earlier one
        for tgt, v in enumerate(row[:-1], start=1):
            assert (v is None) == (s >= tgt)
    with pytest.raises(ValueError):
        feature_reuse(model, 3)
    with pytest.raises(ValueError):
        feature_reuse(model, 1, scale="nope")
