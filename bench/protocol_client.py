"""A Streamlit session without a browser: the app's own websocket protocol (protobuf BackMsg/ForwardMsg).

Used by the load test to time the server alone: a browser on the same two cores as the server measures
the browser's starvation as much as the server's answer.

    async with ProtocolSession(url) as s:
        await s.run("architecture")                    # first run of a page; widgets seen are recorded
        started, finished = await s.set_slider("cfg_k", 31)   # seconds until the rerun started / finished
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit


class ProtocolSession:
    """One session: connect, run a page, change a slider; every ForwardMsg is parsed, none is drawn."""

    def __init__(self, url: str, timeout_s: float = 120.0):
        parts = urlsplit(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.ws_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.timeout_s = timeout_s
        self.page = ""
        self.widgets: dict[str, str] = {}  # user key -> widget id, from the elements the last run drew
        self.query_string = ""  # the page's URL query, as the app last set it
        self.last_specs: dict[str, str] = {}  # user key -> Plotly JSON of the charts the last run drew
        self._ws = None

    async def __aenter__(self) -> ProtocolSession:
        from websockets.asyncio.client import connect
        from websockets.typing import Origin, Subprotocol

        self._ws = await connect(self.ws_url, origin=Origin(self.origin), subprotocols=[Subprotocol("streamlit")],
                                 max_size=2**26, open_timeout=self.timeout_s)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    async def _rerun(self, widget_states=None) -> tuple[float, float]:
        """Send a rerun request; (seconds until its run started, seconds until it finished)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.page_name = self.page
        if widget_states is not None:
            msg.rerun_script.widget_states.CopyFrom(widget_states)
        t0 = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        started = None
        seen: dict[str, str] = {}
        specs: dict[str, str] = {}
        while True:
            raw = await asyncio.wait_for(self._ws.recv(), timeout=self.timeout_s)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session" and started is None:
                started = time.perf_counter() - t0
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                widget = getattr(element, element.WhichOneof("type") or "", None)
                wid = getattr(widget, "id", "")
                if isinstance(wid, str) and wid:
                    seen[wid.rsplit("-", 1)[-1]] = wid
                    if element.WhichOneof("type") == "plotly_chart":
                        specs[wid.rsplit("-", 1)[-1]] = widget.spec
            elif kind == "script_finished" and started is not None:
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # e.g. st.rerun(): the run that follows is part of this request
                self.widgets.update(seen)
                self.last_specs = specs
                return started, time.perf_counter() - t0

    async def run(self, page: str = "") -> tuple[float, float]:
        """The page's first run (``page``: its URL path, e.g. ``architecture``)."""
        self.page = page
        return await self._rerun()

    async def set_slider(self, key: str, value: float) -> tuple[float, float]:
        """Move the slider with user key ``key`` to ``value``, as a browser reports it; (started, finished)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        states = WidgetStates()
        state = states.widgets.add()
        state.id = self.widgets[key]
        state.double_array_value.data.append(float(value))
        return await self._rerun(states)
