"""Streamlit-only helpers (the one part of the package that imports streamlit)."""
