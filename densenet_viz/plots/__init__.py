"""Plotly figures, pure functions of already-computed data (no streamlit), each translating its own text:
``channels`` (the channel plan: growth, stage flow, memory), ``graph`` (one dense block), ``explain``
(predictions, CAMs, occlusion, confusion), ``teaching`` (walkthrough, gradient flow, efficiency, memory,
live training) and ``present`` (projector copies of any of them)."""
