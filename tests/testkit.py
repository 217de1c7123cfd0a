"""Helpers shared by the test modules (import as ``from testkit import ...``; fixtures live in conftest.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def make_flower_folder(root: Path, classes=("daisy", "roses"), per_class=6, size=48, seed=0) -> Path:
    """A tiny class folder of generated images, one colour pattern per class, plus a stray text file."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    for c, name in enumerate(classes):
        d = root / name
        d.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            base = np.zeros((size, size, 3), np.float32)
            base[..., c % 3] = 200
            img = np.clip(base + rng.normal(0, 25, base.shape), 0, 255).astype(np.uint8)
            Image.fromarray(img).save(d / f"img{i}.jpg", quality=90)
    (root / classes[0] / "notes.txt").write_text("not an image")
    return root


def open_page(page: str | None, timeout: float = 120, query: dict | None = None):
    """An AppTest of app.py (sidebar included), switched to ``page`` (e.g. "pages/concat.py")."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def decode(v):
    """A Plotly array from a chart's JSON spec (plain list or base64 typed array)."""
    import base64

    import numpy as np

    if isinstance(v, dict) and "bdata" in v:
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            arr = arr.reshape([int(n) for n in str(v["shape"]).split(",")])
        return arr.tolist()
    return list(v)


def charts(at) -> dict[str, dict]:
    """The page's Plotly figures as JSON, by the widget key at the end of their element id."""
    import json

    return {el.proto.id.rsplit("-", 1)[-1]: json.loads(el.proto.spec) for el in at.get("plotly_chart")}
