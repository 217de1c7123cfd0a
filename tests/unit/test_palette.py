"""Colours a chart needs to tell apart stay apart under protanopia and deuteranopia.

Simulation: Machado, Oliveira & Fernandes (2009) at severity 1.0 in linear RGB; distance: CIE76 ΔE in CIELAB.
The colours are read from the real figures, not from a copy of the palette.
"""

import itertools

import pytest

from densenet_viz import palette
from densenet_viz.config import DenseNetConfig
from densenet_viz.explain import COLORMAPS
from densenet_viz.graph import dense_block_graph
from densenet_viz.plan import plan_network
from densenet_viz.plots.channels import make_flow_figure, make_growth_figure
from densenet_viz.plots.explain import make_probability_change_figure
from densenet_viz.plots.graph import make_block_graph_figure, make_composition_figure, make_width_contrast_figure
from densenet_viz.plots.teaching import ARCH_COLOURS, FAMILY_COLOURS, OURS_COLOUR

MIN_DELTA_E = 10.0


def _min_distance(colours) -> tuple[float, str]:
    worst = (float("inf"), "")
    for a, b in itertools.combinations(sorted(set(colours)), 2):
        for vision in palette.VISIONS:
            worst = min(worst, (palette.delta_e(a, b, vision), f"{a} vs {b} ({vision})"))
    return worst


def _figures():
    plan = plan_network(DenseNetConfig(growth_rate=12, block_config=(2, 2, 2), num_init_features=16))
    g = dense_block_graph(in_channels=16, growth_rate=4, n_layers=9)
    flow = make_flow_figure(plan)
    nodes = make_block_graph_figure(g, selected=4).data[-1]
    comp = make_composition_figure(g)
    growth = make_growth_figure(plan.config, compare=DenseNetConfig(growth_rate=24, block_config=(2, 2, 2),
                                                                   num_init_features=16))
    yield "flow bars", list(flow.data[0].marker.color)
    yield "graph nodes", list(nodes.marker.color)
    # Stacked segments: each next to its neighbour (input, layer 1, layer 2, ...).
    for lower, upper in itertools.pairwise(comp.data):
        yield f"composition {lower.name}/{upper.name}", [lower.marker.color, upper.marker.color]
    yield "width contrast", [tr.line.color for tr in make_width_contrast_figure(g).data]
    yield "growth lines", [tr.line.color for tr in growth.data]
    yield "occlusion bars", [tr.marker.color for tr in make_probability_change_figure(["a"], [0.5], [0.4]).data]
    yield "gradient lines", list(ARCH_COLOURS.values())
    yield "families", [*FAMILY_COLOURS.values(), OURS_COLOUR]


@pytest.mark.parametrize("name,colours", list(_figures()))
def test_chart_colours_stay_apart_under_colour_blindness(name, colours):
    assert len(set(colours)) >= 2, name
    distance, pair = _min_distance(colours)
    assert distance >= MIN_DELTA_E, f"{name}: {pair} ΔE {distance:.1f}"


def test_the_check_catches_the_old_green_red_pair():
    assert palette.delta_e("#2ca02c", "#d62728") > 100  # plainly different with normal vision
    assert palette.delta_e("#2ca02c", "#d62728", "deuteranopia") < MIN_DELTA_E  # merged: the test can fail
    assert palette.delta_e("#000000", "#ffffff") == pytest.approx(100, abs=0.1)


def test_flow_transitions_and_graph_selection_are_not_told_by_colour_alone():
    plan = plan_network(DenseNetConfig(growth_rate=12, block_config=(2, 2), num_init_features=16))
    bars = make_flow_figure(plan).data[0]
    shapes = {label: shape for label, shape in zip(bars.x, bars.marker.pattern.shape, strict=True)}
    assert shapes["Transition 1"] == "/" and shapes["Block 1"] == ""
    comp = make_composition_figure(dense_block_graph(in_channels=16, growth_rate=4, n_layers=4))
    assert list(comp.data[2].text) == ["", "", "2", "2"]  # layer 2's segment is labelled in layers 3 and 4


def test_text_colours_reach_wcag_aa_on_white():
    for colour in (palette.DENSE_BLOCK, palette.OTHER):  # axis titles of the growth figure use these
        assert palette.contrast_ratio(colour) >= 4.5, colour
    assert palette.contrast_ratio("#777777") < 4.5


def test_only_colour_blind_safe_colour_maps_are_offered():
    assert "jet" not in COLORMAPS and set(COLORMAPS) == {"viridis", "cividis", "inferno"}
