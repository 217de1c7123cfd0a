"""The load test's browser-less session: Streamlit's websocket protocol, spoken by bench.protocol_client."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json

import pytest

from bench.protocol_client import ProtocolSession
from densenet_viz.config import PRESETS
from densenet_viz.plan import plan_network

pytestmark = pytest.mark.e2e


def test_a_session_without_a_browser_moves_the_slider_and_the_page_follows(warm_server):
    async def scenario():
        async with ProtocolSession(warm_server.url, timeout_s=120) as s:
            first = await s.run("architecture")
            assert {"cfg_k", "arch_in_browser", "arch_growth"} <= set(s.widgets)
            moved = await s.set_slider("cfg_k", 12)
            return first, moved, s.query_string, s.last_specs

    # Its own thread and event loop: the sync Playwright fixture behind warm_server holds this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        first, moved, query, specs = pool.submit(asyncio.run, scenario()).result()
    assert 0 <= first[0] <= first[1] and 0 <= moved[0] <= moved[1]  # started, then finished
    assert "k=12&" in query + "&"  # the rerun ran the sidebar with the new value, as a browser's would
    growth = json.loads(specs["arch_growth"])
    widths = [r.in_channels for r in plan_network(PRESETS["densenet121"].replace(growth_rate=12)).rows
              if r.stage in ("dense_layer", "transition")]
    assert growth["data"][0]["y"] == widths  # and the page drew the plan for k = 12
