"""Slider latency, three ways: config → plan, a full Architecture page rerun (AppTest), and in Chromium.

1. ``plan_network(densenet264)``: the pure-integer plan every chart reads (goal < 5 ms).
2. The Architecture page rerun through AppTest after the sidebar's growth-rate slider changes
   (required < 300 ms on the 2-core CPU, goal < 50 ms). Reruns only: the first run is not counted.
3. In the browser: keyboard change of the growth-rate slider → the chart repainted with new data, timed
   inside the page (``performance.now()`` at the key press and at the first animation frame showing
   the new data). Goal p95 < 150 ms. Split by the page's websocket traffic into: the key press until the
   rerun request leaves, until the server's first reply, until the last message before the repaint (the
   server's rerun up to the chart), and from that message to the repaint (decoding, React, Plotly).

    PYTHONPATH=. .venv/bin/python -m bench.slider_latency [--repeats 20] [--skip-browser]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import timeit
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    CHART_SIGNATURE_JS,
    CHROMIUM_ARGS,
    REPO,
    SLIDER_THUMB,
    STABLE_IDLE_JS,
    WAIT_CHART_CHANGE_JS,
    StreamlitServer,
    chromium_executable,
    cpu_seconds,
    percentile,
)


def bench_plan(repeats: int) -> list[float]:
    """Seconds per ``plan_network`` call for DenseNet-264 (best of 5 loops per sample, as timeit advises)."""
    from densenet_viz.config import PRESETS
    from densenet_viz.plan import plan_network

    config = PRESETS["densenet264"]
    plan_network(config)
    samples = []
    for i in range(repeats):
        # A new k each sample, so nothing could be served from a cache.
        cfg = config.replace(growth_rate=8 + i % 56)
        samples.append(min(timeit.repeat(lambda c=cfg: plan_network(c), number=1, repeat=5)))
    return samples


def bench_apptest(repeats: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds) per Architecture page rerun after a growth-rate change, through AppTest.
    The wall time includes AppTest's own polling; the CPU time (this process: the script thread's work,
    as a server would spend it) does not."""
    import resource

    from streamlit.runtime import pages_manager
    from streamlit.testing.v1 import AppTest

    from densenet_viz.ui.compat import use_navigation_mode

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    # A running server is in st.navigation (v2) mode after its first run; AppTest resets that flag, so
    # pin it as a server has it (otherwise a switched-to page runs without app.py's sidebar).
    init = pages_manager.PagesManager.__init__

    def v2_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        use_navigation_mode()

    pages_manager.PagesManager.__init__ = v2_init
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300).run()
    at.switch_page("pages/architecture.py").run()
    assert not at.exception, [e.value for e in at.exception]
    walls, cpus = [], []
    for i in range(repeats + 2):
        k = 20 + i % 25  # a new value each time, as a dragged slider gives
        at.slider(key="cfg_k").set_value(k)
        c0, t0 = cpu(), time.perf_counter()
        at.run()
        dt, dc = time.perf_counter() - t0, cpu() - c0
        assert not at.exception, [e.value for e in at.exception]
        if i >= 2:  # the first reruns warm up imports and figure code paths
            walls.append(dt)
            cpus.append(dc)
    pages_manager.PagesManager.__init__ = init
    return walls, cpus


# Installed before the app loads: every websocket message's time and size, and the key press's own time
# (so the CDP round trip of Playwright's press is not counted).
WS_LOG_JS = """(() => {
    const log = window.__wsLog = [];
    const Native = window.WebSocket;
    const size = d => d.byteLength ?? d.size ?? d.length ?? 0;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', e => log.push(['in', performance.now(), size(e.data)]));
        }
        send(data) { log.push(['out', performance.now(), size(data)]); return super.send(data); }
    };
    window.addEventListener('keydown', () => { window.__keyAt = performance.now(); log.length = 0; }, true);
})()"""

STAGES = ("key → request sent", "request → first reply", "first reply → last message before paint",
          "last message → chart repainted")


def _stages(key_at: float, paint_at: float, log: list) -> tuple[list[float], int] | None:
    """Seconds spent in each of ``STAGES`` for one press, and the bytes received before the repaint."""
    sent = next((t for kind, t, _ in log if kind == "out" and t >= key_at), None)
    if sent is None:
        return None
    got = [(t, n) for kind, t, n in log if kind == "in" and sent <= t <= paint_at]
    if not got:
        return None
    marks = [key_at, sent, got[0][0], got[-1][0], paint_at]
    return [(b - a) / 1e3 for a, b in zip(marks, marks[1:])], sum(n for _, n in got)


def bench_browser(repeats: int, script: str = "app.py", path: str = "architecture",
                  ) -> tuple[list[float], list[float], list[list[float]], list[int], float]:
    """(key press → chart repainted, key press → rerun finished, per-stage seconds, bytes received before
    the repaint, the server process's CPU seconds per press), in headless Chromium."""
    from playwright.sync_api import sync_playwright

    paint, done, stages, sizes = [], [], [], []
    server_cpu = 0.0
    with StreamlitServer(script=script) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(WS_LOG_JS)
        page.set_default_timeout(180_000)
        page.goto(server.url)  # the home page first: the server switches to st.navigation mode
        page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stSlider"]')
        page.goto(f"{server.url}/{path}")
        page.locator(".js-plotly-plot").first.wait_for(state="visible")
        page.wait_for_function(STABLE_IDLE_JS, arg=[500, True])
        thumb = page.locator(SLIDER_THUMB).first
        for i in range(repeats + 1):
            if i == 1:  # after the warm-up press
                cpu0 = cpu_seconds(server.pid)
            before = page.evaluate(CHART_SIGNATURE_JS)
            thumb.focus()
            page.keyboard.press("ArrowLeft" if i % 2 == 0 else "ArrowRight")
            t_paint = page.evaluate(WAIT_CHART_CHANGE_JS, [before, 60_000])
            t_press, log = page.evaluate("() => [window.__keyAt, window.__wsLog.slice()]")
            page.evaluate("() => { window.__stBusyAt = undefined; }")
            page.wait_for_function(STABLE_IDLE_JS, arg=[200, True])
            t_done = page.evaluate("() => performance.now()") - 200  # minus the settle time
            if i >= 1 and t_paint > 0:
                paint.append((t_paint - t_press) / 1e3)
                done.append((t_done - t_press) / 1e3)
                split = _stages(t_press, t_paint, log)
                if split is not None:
                    stages.append(split[0])
                    sizes.append(split[1])
        server_cpu = (cpu_seconds(server.pid) - cpu0) / repeats
        browser.close()
    return paint, done, stages, sizes, server_cpu


def row(name: str, samples: list[float], goal_ms: float | None) -> str:
    p50, p95 = percentile(samples, 50) * 1e3, percentile(samples, 95) * 1e3
    goal = f"< {goal_ms:g} ms" if goal_ms else ""
    verdict = "" if goal_ms is None else ("met" if p95 < goal_ms else "not met")
    mean = statistics.fmean(samples) * 1e3
    return f"{name:<44}{len(samples):>4}{p50:>10.2f}{p95:>10.2f}{mean:>10.2f}  {goal} {verdict}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="slider latency")
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--skip-apptest", action="store_true")
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--floor", action="store_true",
                   help="also time the browser against bench/trivial_app.py: one slider, one 120-point line chart")
    a = p.parse_args(argv)
    import platform

    import torch

    print(f"# slider latency · {time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · "
          f"{torch.get_num_threads()} torch threads · torch {torch.__version__}")
    print(f"{'measure':<44}{'n':>4}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}  goal")
    print(row("plan_network(densenet264)", bench_plan(a.repeats), 5))
    if not a.skip_apptest:
        walls, cpus = bench_apptest(a.repeats)
        print(row("Architecture page rerun (AppTest, wall)", walls, 300))
        print(row("Architecture page rerun (AppTest, CPU)", cpus, 50))
    if not a.skip_browser and chromium_executable():
        paint, done, stages, sizes, server_cpu = bench_browser(a.repeats)
        print(row("browser: key press → chart repainted", paint, 150))
        print(row("browser: key press → rerun finished", done, None))
        for j, name in enumerate(STAGES if stages else ()):
            print(row(f"  {name}", [s[j] for s in stages], None))
        if sizes:
            print(f"  bytes received before the repaint: p50 {percentile(sizes, 50) / 1024:.0f} KiB")
        print(f"server process CPU per press (rerun, messages, idle polling): {server_cpu * 1e3:.1f} ms")
        if a.floor:
            paint, done, stages, _, server_cpu = bench_browser(a.repeats, "bench/trivial_app.py", "growth")
            print(row("floor (trivial app): key press → repainted", paint, 150))
            for j, name in enumerate(STAGES if stages else ()):
                print(row(f"  {name}", [s[j] for s in stages], None))
            print(f"floor: server process CPU per press: {server_cpu * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
