"""Read-only tables. st.dataframe draws on a canvas: redrawn on every slider press, a long table costs the
browser far less as a dataframe than as a Plotly table (``bench.slider_latency``, docs/benchmarks.md)."""

from __future__ import annotations

import streamlit as st


def show_table(rows: list[dict], key: str, height: int | None = None) -> None:
    """``rows`` (dicts with the same keys: the column headers) as a sortable table; whole-number columns
    get thousands separators, other number columns four significant digits. Taller tables scroll inside
    ``height`` (default: Streamlit's, ≤ 10 rows)."""
    if not rows:
        return
    whole = [c for c in rows[0] if all(isinstance(r[c], int) and not isinstance(r[c], bool) for r in rows)]
    # Measured numbers (a chart's data) keep four significant digits, however small: 1.234e-05, not 0.0000.
    measured = [c for c in rows[0] if c not in whole and any(isinstance(r[c], float) for r in rows)
                and all(r[c] is None or isinstance(r[c], (int, float)) and not isinstance(r[c], bool) for r in rows)]
    config = {c: st.column_config.NumberColumn(format="localized") for c in whole}
    config.update({c: st.column_config.NumberColumn(format="%.4g") for c in measured})
    st.dataframe(rows, hide_index=True, width="stretch", height=height or "auto", key=key, column_config=config)
