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


def tables(at) -> list:
    """The page's st.dataframe tables (pandas DataFrames), in page order."""
    return [el.value for el in at.dataframe]


def open_sections(at, *keys: str):
    """Open lazy expanders (``ui.architecture_view.lazy_section``) by their keys, as a click would, and rerun."""
    for key in keys:
        at.session_state[key] = True
    return at.run()


def charts(at) -> dict[str, dict]:
    """The page's Plotly figures as JSON, by the widget key at the end of their element id."""
    import json

    return {el.proto.id.rsplit("-", 1)[-1]: json.loads(el.proto.spec) for el in at.get("plotly_chart")}


def tiny_cam_model():
    """A tiny 3-class DenseNet (cifar stem, 32 px) in eval mode with non-trivial BN statistics, seed 0:
    every layer matters, so its Grad-CAMs are a real test."""
    import torch
    import torch.nn as nn

    from densenet_viz.config import DenseNetConfig
    from densenet_viz.model import build_densenet

    config = DenseNetConfig(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=3,
                            stem="cifar", input_size=32)
    torch.manual_seed(0)
    model = build_densenet(config, device="cpu").eval()
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
    return model


def tiny_live_data(key: str, n_train: int = 64, n_val: int = 8, n_classes: int = 2, seed: int = 0):
    """Live-training data of a few random photos (72-px train, 64-px val), so a run takes well under a
    second; ``key`` names the data, so runs on it never meet another test's in the shared run registry."""
    import torch

    from densenet_viz.train.live import LIVE_SIZE, LiveData

    gen = torch.Generator().manual_seed(seed)
    train_x = torch.randint(0, 256, (n_train, 3, LIVE_SIZE + 8, LIVE_SIZE + 8), generator=gen, dtype=torch.uint8)
    val_x = torch.randint(0, 256, (n_val, 3, LIVE_SIZE, LIVE_SIZE), generator=gen, dtype=torch.uint8)
    classes = tuple(f"class{i}" for i in range(n_classes))
    return LiveData(classes, train_x, torch.arange(n_train) % n_classes, val_x, torch.arange(n_val) % n_classes, key)


def shown_text(markdown: str) -> str:
    """The text a reader sees in a message whose user values went through ``errors.markdown_literal``:
    backslash escapes and word joiners removed (for assertions on wording)."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown.replace("\u2060", ""))


def postgres_bin_dir() -> Path | None:
    """The folder of PostgreSQL's initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    import shutil

    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if
                        p.parent.name.isdigit() else 0)
    return next((d for d in reversed(candidates) if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


class LocalPostgres:
    """A throwaway PostgreSQL server for tests: its own data folder, a unix socket in it, no TCP and no
    fsync. As root it runs as the ``postgres`` user (the server refuses to run as root)."""

    def __init__(self, bin_dir: Path):
        import os
        import socket
        import tempfile

        self.bin_dir = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="classroom-pg-"))
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            import shutil

            shutil.chown(self.dir, "postgres")
        with socket.socket() as s:  # a free port: it names the socket file, and must not clash with a server
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def _run(self, *args: str) -> None:
        import subprocess

        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=60)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr or done.stdout}")

    def start(self) -> "LocalPostgres":
        data = str(self.dir / "data")
        self._run(str(self.bin_dir / "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        options = (f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", data, "-l", str(self.dir / "log"), "-w", "-o", options, "start")
        return self

    def url(self, database: str = "postgres"):
        import sqlalchemy as sa

        return sa.URL.create("postgresql+psycopg2", username="postgres", database=database,
                             query={"host": str(self.dir), "port": str(self.port)})

    def stop(self) -> None:
        import shutil

        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
