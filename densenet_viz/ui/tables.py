"""Read-only tables. st.dataframe draws on a canvas: redrawn on every slider press, a long table costs the
browser far less as a dataframe than as a Plotly table (``bench.slider_latency``, docs/benchmarks.md)."""

from __future__ import annotations

import streamlit as st


def show_table(rows: list[dict], key: str, height: int | None = None) -> None:
    """``rows`` (dicts with the same keys: the column headers) as a sortable table; whole-number columns
    get thousands separators. Taller tables scroll inside ``height`` (default: Streamlit's, ≤ 10 rows)."""
    if not rows:
        return
    whole = [c for c in rows[0] if all(isinstance(r[c], int) and not isinstance(r[c], bool) for r in rows)]
    st.dataframe(rows, hide_index=True, width="stretch", height=height or "auto", key=key,
                 column_config={c: st.column_config.NumberColumn(format="localized") for c in whole})
