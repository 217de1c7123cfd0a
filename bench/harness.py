"""Shared pieces for the browser tests, the load test and the benchmarks.

A Streamlit server on a free loopback port, the Chromium launch settings, generated photos (never
real data), memory sampling of a process, and the JavaScript that reads Streamlit's state and Plotly's
chart data out of a page. No pytest and no Playwright imports here, so every caller can use it.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
# Flags for Debian's chromium in a container: no sandbox (we run as root), no GPU, nothing phoning home.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 # A synthetic camera, allowed without a prompt, for st.camera_input.
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
PAGES = {  # url path -> page file; "" is the home page
    "": "app.py", "architecture": "pages/architecture.py", "concat": "pages/concat.py",
    "transitions": "pages/transitions.py", "explain": "pages/explain.py",
    "walkthrough": "pages/walkthrough.py", "why": "pages/why.py", "train_live": "pages/train_live.py",
    "classroom": "pages/classroom.py",
}
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")

# Streamlit marks its root element with the script state; "notRunning" means the last rerun finished.
APP_SELECTOR = '[data-testid="stAppViewContainer"]'
IDLE_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ERROR_SELECTORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
# The slider thumb: Streamlit >= 1.5x draws a (visually hidden) <input type=range>, older ones role=slider.
SLIDER_THUMB = ('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"], '
                '[data-testid="stSidebar"] [data-testid="stSlider"] [role="slider"]')
SLIDER_VALUE_JS = "el => Number(el.value ? el.value : el.getAttribute('aria-valuenow'))"

# True once Streamlit has been idle (no rerun running) for `settleMs` and, if asked, the shared sidebar
# is drawn. Polled per animation frame; a rerun that starts late resets the clock.
STABLE_IDLE_JS = """([settleMs, needSidebar]) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const now = performance.now();
    const ready = app && app.getAttribute('data-test-script-state') === 'notRunning'
        && (!needSidebar || document.querySelector('[data-testid="stSidebar"] [data-testid="stSelectbox"]'));
    if (!ready || window.__stBusyAt === undefined) { window.__stBusyAt = now; return false; }
    return now - window.__stBusyAt >= settleMs;
}"""
# JSON of every Plotly chart's traces (name, type, x, y, z), so a test can tell when a chart changed.
PLOTLY_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd =>
    (gd.data || []).map(t => ({name: t.name ?? null, type: t.type ?? null, orientation: t.orientation ?? null,
                              mode: t.mode ?? null,
                              x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null,
                              z: t.z ? (t.z.length > 64 ? t.z.length : t.z) : null})))"""
# Poll the first chart once per frame until its data differs from `before`; resolve with the frame time.
WAIT_CHART_CHANGE_JS = """async ([before, timeoutMs]) => {
    const read = () => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
        .map(gd => (gd.data || []).map(t => [t.x ? Array.from(t.x) : null, t.y ? Array.from(t.y) : null])));
    const t0 = performance.now();
    while (performance.now() - t0 < timeoutMs) {
        const now = read();
        if (now !== before && now !== '[]') return performance.now();
        await new Promise(r => requestAnimationFrame(r));
    }
    return -1;
}"""
CHART_SIGNATURE_JS = """() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
    .map(gd => (gd.data || []).map(t => [t.x ? Array.from(t.x) : null, t.y ? Array.from(t.y) : null])))"""
# Every <img> Streamlit drew that has really decoded (naturalWidth > 0), with its size.
IMAGES_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] img, [data-testid="stImage"] img'))
    .filter(i => i.complete && i.naturalWidth > 0).map(i => ({w: i.naturalWidth, h: i.naturalHeight, src: i.src}))"""


def chromium_executable() -> str | None:
    """Debian's chromium (or $CHROMIUM_PATH), or None when it is not installed."""
    for cand in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                 shutil.which("chromium-browser")):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return cand
    return None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc/PID/stat), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def rss_bytes(pid: int) -> int:
    """Resident memory of a process from /proc (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class ProcessSampler:
    """Reads ``read(pid)`` every ``every_s`` seconds on a background thread: ``samples`` is
    [(seconds since start, value)], the last one taken on exit; ``peak`` is the largest value."""

    def __init__(self, pid: int, every_s: float = 0.25, read=rss_bytes):
        self.pid, self.every_s, self.read = pid, every_s, read
        self.samples: list[tuple[float, object]] = []
        self._stop = threading.Event()
        self._t0 = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        self.samples.append((time.monotonic() - self._t0, self.read(self.pid)))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every_s)

    def __enter__(self) -> ProcessSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def last(self):
        return self.samples[-1][1]

    @property
    def peak(self):
        return max((v for _, v in self.samples), default=0)


class StreamlitServer:
    """``streamlit run app.py`` on a loopback port, as a context manager; logs go to ``log_path``.

    It is started exactly as a user would start it (headless, no usage stats), plus no file watcher:
    nobody edits files during a test and the watcher only costs CPU.
    """

    def __init__(self, port: int | None = None, host: str = "127.0.0.1", extra_args: tuple[str, ...] = (),
                 log_dir: Path = ARTIFACTS, env: dict | None = None, script: str = "app.py"):
        self.host, self.port, self.script = host, port or free_port(host), script
        self.url = f"http://{host}:{self.port}"
        self.extra_args, self.env = tuple(extra_args), env or {}
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"streamlit-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None, "server not started"
        return self.proc.pid

    def start(self, timeout_s: float = 120.0) -> StreamlitServer:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        env.update(self.env)
        cmd = [sys.executable, "-m", "streamlit", "run", self.script, "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", self.host,
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *self.extra_args]
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"streamlit not healthy after {timeout_s:.0f} s; log:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text()[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ------------------------------------------------------------------ steps of a browser session (sync Playwright)
def grow_to_page(page, max_height: int = 9000, settle_ms: int = 400) -> dict:
    """Make the viewport as tall as Streamlit's scrolling main block (up to ``max_height``), so everything is
    laid out and in view; returns the size it had."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), max_height))})
    page.wait_for_timeout(settle_ms)  # Plotly re-lays out at the new size
    return size


def full_page_screenshot(page, name: str, max_height: int = 9000) -> None:
    """``test-artifacts/<name>.png``: the whole page (the viewport grown to it, then set back)."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = grow_to_page(page, max_height, settle_ms=500)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(size)


def wait_idle(page, settle_ms: int = 500, need_sidebar: bool = True, timeout_ms: float = 120_000) -> None:
    """Wait until Streamlit's rerun has finished, stayed finished for ``settle_ms``, and the sidebar is drawn."""
    page.wait_for_selector(APP_SELECTOR, timeout=timeout_ms)
    page.evaluate("() => { window.__stBusyAt = undefined; }")
    page.wait_for_function(STABLE_IDLE_JS, arg=[settle_ms, need_sidebar], timeout=timeout_ms)


def error_texts(page) -> list[str]:
    """The texts of the page's error elements (exceptions and st.error boxes)."""
    return [e.inner_text()[:500] for e in page.query_selector_all(ERROR_SELECTORS)]


def choose_upload(page, lang: str = "en") -> None:
    """On the Explain page, switch the photo source from the built-in examples to an upload."""
    from densenet_viz.i18n import t

    page.locator('[data-testid="stMain"] [data-testid="stRadio"] label').filter(
        has_text=t("explain.source_upload", lang)).first.click()
    page.locator('[data-testid="stMain"] input[type="file"]').first.wait_for(state="attached")
    wait_idle(page)


def explain_upload(page, photo: Path) -> tuple[str, float] | None:
    """On the Explain page, upload ``photo`` and wait for its top-5 chart; its top-1 (class, probability)."""
    choose_upload(page)
    page.locator('[data-testid="stMain"] input[type="file"]').first.set_input_files(str(photo))
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .some(gd => (gd.data || []).some(t => t.orientation === 'h'))""")
    wait_idle(page)
    return top1_from_traces(page.evaluate(PLOTLY_DATA_JS))


def nudge(page, timeout_ms: float = 180_000, until_text: str | None = None, tries: int = 20) -> bool:
    """An ordinary interaction that reruns the Explain page: the heat-map opacity one step, by keyboard.
    With ``until_text``: repeat (up to ``tries`` times, 2 s apart) until the page shows it, since a press
    made while the browser is still reconnecting to another server is lost. Whether the text showed."""
    for i in range(tries if until_text else 1):
        page.locator('[data-testid="stMain"] [data-testid="stSlider"] input[type="range"]').first.focus()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_timeout(300)
        wait_idle(page, timeout_ms=timeout_ms)
        if until_text is None:
            return True
        if until_text in page.locator('[data-testid="stMain"]').inner_text():
            return True
        page.wait_for_timeout(2000)
    return False


def served_by(access_log: Path) -> dict[str, int]:
    """Route cookie -> port of the replica that last answered its ``/_stcore/`` requests (nginx's log of
    ``deploy/nginx.conf.template``; after a failover, the last upstream tried)."""
    import re

    last: dict[str, int] = {}
    # upstream= lists every replica tried ("127.0.0.1:8081, 127.0.0.1:8082" after a failover); the last answered.
    pattern = r'"[A-Z]+ /_stcore/(?!stream)[^"]*" \d+ route=(\S+) upstream=(.+?) rt='
    for route, upstream in re.findall(pattern, access_log.read_text()):
        answered = upstream.split(",")[-1].strip()
        if answered[-1:].isdigit():  # "-": answered by nginx itself
            last[route] = int(answered.rsplit(":", 1)[1])
    return last


class ReplicaCluster:
    """``deploy/replicas.sh``: N app replicas behind nginx on loopback, as a context manager, started exactly
    as a teacher would start them. Knows each replica's process and which replica served a browser (by its
    affinity cookie, from nginx's access log)."""

    ROUTE_COOKIE = "dnx_route"

    def __init__(self, replicas: int = 2, port: int | None = None, threads: int = 1):
        self.replicas, self.threads = int(replicas), int(threads)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.prefix: Path | None = None
        self.proc: subprocess.Popen | None = None

    def start(self, timeout_s: float = 240.0) -> ReplicaCluster:
        env = dict(os.environ, LISTEN=f"127.0.0.1:{self.port}", THREADS=str(self.threads))
        self.proc = subprocess.Popen(["bash", "deploy/replicas.sh", str(self.replicas), str(self.port)], cwd=REPO,
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True)
        lines: list[str] = []
        deadline = time.monotonic() + timeout_s

        def read() -> None:
            for line in self.proc.stdout:
                lines.append(line)
                if line.startswith("READY "):
                    self.prefix = Path(line.split(" ", 1)[1].strip())

        threading.Thread(target=read, daemon=True).start()
        while self.prefix is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("deploy/replicas.sh did not start:\n" + "".join(lines[-30:]))
            time.sleep(0.2)
        return self

    @property
    def ports(self) -> list[int]:
        return [self.port + i for i in range(1, self.replicas + 1)]

    def pid(self, port: int) -> int:
        return int((self.prefix / f"replica-{port}.pid").read_text())

    def alive(self, port: int) -> bool:
        """Whether that replica's process runs (a killed one not yet reaped by the script is a zombie)."""
        try:
            with open(f"/proc/{self.pid(port)}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False

    def replica_of(self, route: str) -> int | None:
        """The port of the replica that last answered the browser with affinity cookie ``route``: its
        ``/_stcore/`` requests (host config, health, uploads) go where its session lives. The websocket
        itself is logged only when it closes, so it is left out."""
        return served_by(self.prefix / "access.log").get(route)

    def kill(self, port: int) -> None:
        """Kill one replica at once (SIGKILL: a crash, not a shutdown)."""
        import signal

        os.kill(self.pid(port), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while self.alive(port) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            import signal

            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        if self.prefix is not None and (self.prefix / "nginx.pid").exists():
            try:
                os.kill(int((self.prefix / "nginx.pid").read_text()), 15)
            except (OSError, ValueError):
                pass

    def __enter__(self) -> ReplicaCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def make_photo(seed: int, size: tuple[int, int] = (640, 480), quality: int = 90) -> bytes:
    """A generated flower-like JPEG (petals around a disc on a leafy background), different per seed."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    w, h = size
    # Leafy or sky background with a vertical gradient, then petals whose colour and count vary.
    top = rng.integers(20, 140, 3)
    bottom = np.array([rng.integers(30, 90), rng.integers(90, 170), rng.integers(20, 80)])
    grad = np.linspace(0, 1, h)[:, None, None]
    bg = (top * (1 - grad) + bottom * grad).repeat(w, axis=1).astype(np.float32)
    bg += rng.normal(0, 12, bg.shape)
    img = Image.fromarray(np.clip(bg, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    petal = tuple(int(v) for v in rng.integers(60, 256, 3))
    disc = tuple(int(v) for v in rng.integers(0, 200, 3))
    for _ in range(int(rng.integers(1, 4))):
        cx, cy = int(rng.integers(w // 4, 3 * w // 4)), int(rng.integers(h // 4, 3 * h // 4))
        r = int(rng.integers(min(w, h) // 8, min(w, h) // 3))
        n = int(rng.integers(5, 22))
        for i in range(n):
            a = 2 * math.pi * i / n
            px, py = cx + r * math.cos(a) * 0.6, cy + r * math.sin(a) * 0.6
            draw.ellipse([px - r * 0.35, py - r * 0.35, px + r * 0.35, py + r * 0.35], fill=petal)
        draw.ellipse([cx - r * 0.3, cy - r * 0.3, cx + r * 0.3, cy + r * 0.3], fill=disc)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def make_large_jpeg(megapixels: float = 12.0, seed: int = 0, quality: int = 92) -> bytes:
    """A generated 4:3 JPEG of about ``megapixels`` (12 MP = 4000×3000), as a phone would send."""
    from PIL import Image

    h = int(round(math.sqrt(megapixels * 1e6 * 3 / 4)))
    w = int(round(h * 4 / 3))
    small = Image.open(io.BytesIO(make_photo(seed, (800, 600))))
    big = small.resize((w, h), Image.BICUBIC)
    buf = io.BytesIO()
    big.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    v = sorted(values)
    pos = (len(v) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def top1_from_traces(charts: list[list[dict]], classes: tuple[str, ...] = CLASSES) -> tuple[str, float] | None:
    """(class, probability) of the highest bar in the first bar chart labelled with class names, if any."""
    for traces in charts:
        for t in traces:
            if t.get("type") != "bar":
                continue
            horizontal = t.get("orientation") == "h"
            labels, values = (t.get("y"), t.get("x")) if horizontal else (t.get("x"), t.get("y"))
            if not labels or not values or not all(str(lab) in classes for lab in labels):
                continue
            best = max(range(len(values)), key=lambda i: float(values[i]))
            prob = float(values[best])
            return str(labels[best]), prob / 100.0 if prob > 1.0 + 1e-6 else prob  # a chart in percent
    return None


def library_top1(photos: list[Path]) -> dict[str, tuple[str, float]]:
    """The CLI's answer without starting the CLI: the same decode and ``Predictor.explain_one`` call in-process.

    (The CLI also computes a deletion curve per photo, which costs seconds on a busy 2-core machine.)
    """
    from densenet_viz.data import load_image
    from densenet_viz.model import default_cam_layer
    from densenet_viz.predictor import Predictor
    from densenet_viz.weights import SHIPPED_MODEL

    predictor = Predictor.load(SHIPPED_MODEL)
    card = predictor.card
    result = {}
    for photo in photos:
        img = load_image(photo, target_side=2 * card.preprocessing.resize_size)  # as explain_cli does
        res = predictor.explain_one(img, layers=[default_cam_layer(card.config)])
        name, prob = res.top5[0]
        result[Path(photo).name] = (str(name), float(prob))
    return result


def cli_top1(photos: list[Path], timeout_s: float = 600) -> dict[str, tuple[str, float]]:
    """``python -m densenet_viz explain PHOTO... --json``: {file name: (top-1 class, prob)} per photo."""
    import json
    import tempfile

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([sys.executable, "-m", "densenet_viz", "explain", *map(str, photos), "--json",
                               "--out", out], cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=timeout_s)
    if proc.returncode != 0:
        raise RuntimeError(f"explain CLI failed ({proc.returncode}): {proc.stderr[-2000:]}")
    data = json.loads(proc.stdout)
    items = data if isinstance(data, list) else data.get("results", data.get("photos", []))
    result = {}
    for item in items:
        top = item["top5"][0]
        result[Path(item["file"]).name] = (str(top["class"]), float(top["prob"]))
    return result
