"""Every configuration the sidebar accepts renders every page: random valid configs (hypothesis), given
as a shared link, through each page with AppTest; plus the extremes found by hand (7-8 blocks, ImageNet
stem, 512-px input)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from densenet_viz.config import FIELDS, MAX_BLOCKS, STEMS, DenseNetConfig, minimum_input_size
from densenet_viz.urlstate import config_to_query

from testkit import open_page

PAGES = ["pages/architecture.py", "pages/concat.py", "pages/transitions.py", "pages/why.py",
         "pages/train_live.py", None]  # None: the home page (Explain and Follow-a-flower ignore the sidebar)


@st.composite
def valid_configs(draw) -> DenseNetConfig:
    """Any config the sidebar's widgets can hold (the config's own ranges, FIELDS)."""
    f = FIELDS
    blocks = draw(st.lists(st.integers(1, 24), min_size=1, max_size=MAX_BLOCKS))
    values = dict(
        growth_rate=draw(st.integers(int(f["growth_rate"].lo), int(f["growth_rate"].hi))),
        block_config=tuple(blocks),
        num_init_features=draw(st.integers(1, 256)),
        bn_size=draw(st.integers(int(f["bn_size"].lo), int(f["bn_size"].hi))),
        compression=draw(st.sampled_from([0.05, 0.25, 0.5, 0.75, 1.0])),
        drop_rate=draw(st.sampled_from([0.0, 0.2])),
        num_classes=draw(st.integers(1, 1000)),
        stem=draw(st.sampled_from(STEMS)),
        memory_efficient=draw(st.booleans()),
    )
    # Sizes too small for this many blocks are refused by the sidebar; draw from what it accepts.
    size = draw(st.integers(minimum_input_size(values["stem"], len(blocks)), 512))
    return DenseNetConfig(**values, input_size=size)


def render_everywhere(config: DenseNetConfig) -> None:
    for page in PAGES:
        at = open_page(page, timeout=300, query=config_to_query(config))
        assert not at.exception, (page, config, [e.value for e in at.exception])
        assert at.session_state["config"] == config, page  # the link's config, not a fallback
        assert not at.error, (page, config, [e.value for e in at.error])


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(valid_configs())
def test_random_valid_configs_render_every_page(config):
    render_everywhere(config)


@pytest.mark.parametrize("config", [
    DenseNetConfig(block_config=(1,) * 7, input_size=512),  # the reported link: /architecture?blocks=1,...&size=512
    DenseNetConfig(block_config=(2,) * MAX_BLOCKS, input_size=1024),  # 8 blocks, ImageNet stem, largest input
    DenseNetConfig(growth_rate=64, block_config=(24, 24), bn_size=0, compression=1.0, stem="cifar", input_size=8),
], ids=["7-blocks-512px", "8-blocks-1024px", "widest-no-bc-8px"])
def test_the_extremes_render_every_page(config):
    render_everywhere(config)
