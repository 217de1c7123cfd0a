"""Home: what a DenseNet is, the lesson path, where to go next. Wiring only: densenet_viz.ui.home."""

from densenet_viz.ui.home import render_home
from densenet_viz.ui.state import ensure_app_navigation

# A deep link on a fresh server runs this file alone (Streamlit's pages/-folder mode); app.py must run instead.
# Having this file also gives /home a page in that mode, so its first request is not "Page not found".
ensure_app_navigation()
render_home()
