"""A classroom at once: N concurrent browser sessions against one ``streamlit run`` server on loopback.

Each session (its own Chromium context, so its own Streamlit session) opens the Explain page, uploads a
different generated photo, waits for the prediction, then moves the page's Grad-CAM opacity slider. The
three phases run one after the other for all sessions together (a barrier between them), so the server's
CPU time (utime + stime from /proc) can be charged to each phase: **server CPU seconds per session** is
the cost that 20 browsers sharing 2 cores do not distort. The same sessions then run against a trivial
two-page Streamlit app (``bench/trivial_app.py``) on a second server: its CPU per action is the floor,
and the ratio shows what the app itself costs. Meanwhile one more session with no browser
(``bench.protocol_client``: the app's websocket protocol) moves its slider every 2 s while the photos are
explained, and times its reruns: the server's answer, not a starved browser's. Each session must show
its own photo's prediction (the same top-1 class and probability as ``python -m densenet_viz explain
PHOTO --json``) with no error element; the server's resident memory is sampled throughout.

    PYTHONPATH=. .venv/bin/python -m bench.load_test --sessions 20

Bounded: at most 60 sessions, a total time limit (``--timeout``), loopback only, one browser process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `bench` and `densenet_viz` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    ARTIFACTS,
    CHROMIUM_ARGS,
    ERROR_SELECTORS,
    PLOTLY_DATA_JS,
    SLIDER_THUMB,
    SLIDER_VALUE_JS,
    STABLE_IDLE_JS,
    ProcessSampler,
    StreamlitServer,
    chromium_executable,
    cli_top1,
    cpu_seconds,
    library_top1,
    make_photo,
    percentile,
    rss_bytes,
    top1_from_traces,
)
from bench.protocol_client import ProtocolSession  # noqa: E402

MAX_SESSIONS = 60
BYSTANDER_PROBES = 5  # slider moves by a session with no browser, 2 s apart, while the uploads run
SLIDER_LIMIT_S = 90  # one slider move gets this long before the session is marked failed
KEY_LIMIT_S = 5  # a key press the slider has not taken after this long was lost in the browser: press again
PROB_TOLERANCE = 1e-3  # the page plots the same float the CLI rounds to 6 digits
# Wait in the page until a bar chart labelled with class names has been drawn.
TOP5_DRAWN_JS = """([classes]) => Array.from(document.querySelectorAll('.js-plotly-plot')).some(gd =>
    (gd.data || []).some(t => t.type === 'bar' && (t.y || []).length > 0
                          && Array.from(t.y).every(v => classes.includes(String(v)))))"""


@dataclass
class SessionResult:
    index: int
    photo: str
    expected: tuple[str, float] | None
    shown: tuple[str, float] | None = None
    shown_after_slider: tuple[str, float] | None = None
    open_s: float = float("nan")
    explain_s: float = float("nan")
    slider_s: float = float("nan")
    key_retries: int = 0  # key presses the page lost (focus taken by a re-render), pressed again
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        def same(a, b):
            return a is not None and b is not None and a[0] == b[0] and abs(a[1] - b[1]) <= PROB_TOLERANCE

        return not self.errors and same(self.shown, self.expected) and same(self.shown_after_slider, self.expected)


async def _wait_idle(page, timeout_ms: float, settle_ms: int = 500) -> None:
    # No sidebar condition: Explain's sidebar holds the shipped model's card, not the config widgets.
    await page.evaluate("() => { window.__stBusyAt = undefined; }")
    await page.wait_for_function(STABLE_IDLE_JS, arg=[settle_ms, False], timeout=timeout_ms)


async def _errors(page) -> list[str]:
    return [(await e.inner_text())[:300] for e in await page.query_selector_all(ERROR_SELECTORS)]


# Explain's first slider in the page body, the Grad-CAM opacity: a rerun of the whole page, as a student's
# slider move there is (Explain's sidebar has no config sliders: the page explains the shipped model).
EXPLAIN_SLIDER = SLIDER_THUMB.replace("stSidebar", "stMain")


async def press_slider_left(page, limit_ms: float, selector: str = SLIDER_THUMB) -> tuple[float, int]:
    """Press ArrowLeft on the slider ``selector`` names until its thumb shows the new value; (new value, retries).

    A press can land while a rerun re-renders the slider and lose focus: that is the browser's, not the
    server's, so it is pressed again (and counted). A server that never reruns afterwards still fails the
    caller's own wait, which follows this one."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    thumb = page.locator(selector).first
    before = float(await thumb.evaluate(SLIDER_VALUE_JS))
    moved = (f"() => {{ const el = document.querySelector({selector!r}); "
             f"return el && ({SLIDER_VALUE_JS})(el) !== {before}; }}")
    retries, deadline = 0, time.perf_counter() + limit_ms / 1000
    while True:
        await thumb.focus()
        await page.keyboard.press("ArrowLeft")
        try:
            await page.wait_for_function(moved, timeout=min(KEY_LIMIT_S * 1000, limit_ms))
            break
        except PlaywrightTimeout:
            retries += 1
            if time.perf_counter() >= deadline:
                raise
    return float(await thumb.evaluate(SLIDER_VALUE_JS)), retries


async def run_session(browser, url: str, index: int, photo: Path, expected, classes, timeout_ms: float,
                      upload_label: str, barriers: list, on_phase_end, screenshot: bool = False,
                      trivial: bool = False) -> SessionResult:
    """One student: open Explain, upload ``photo``, read the top-1, move the k slider, read it again.
    Each phase ends at ``barriers[i]``, where every session waits for the others; then exactly one
    session calls ``on_phase_end(i)``."""
    res = SessionResult(index, photo.name, expected)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    page.on("pageerror", lambda exc: res.errors.append(f"js: {exc}"))
    phase = 0
    stage = ""  # what a slider move is waiting for, named in a time-out's error

    async def end_phase():
        nonlocal phase
        if await barriers[phase].wait() == 0:
            on_phase_end(phase)
        phase += 1

    try:
        t0 = time.perf_counter()
        await page.goto(f"{url}/explain")
        await _wait_idle(page, timeout_ms)
        await page.locator('[data-testid="stMain"] [data-testid="stRadio"] label').filter(
            has_text=upload_label).first.click()
        uploader = page.locator('[data-testid="stMain"] input[type="file"]').first
        await uploader.wait_for(state="attached")
        await _wait_idle(page, timeout_ms)
        res.open_s = time.perf_counter() - t0
        await end_phase()

        t0 = time.perf_counter()
        await uploader.set_input_files(str(photo))
        if trivial:
            await page.get_by_text("Prediction:").first.wait_for()
        else:
            await page.wait_for_function(TOP5_DRAWN_JS, arg=[list(classes)])
        await _wait_idle(page, timeout_ms, settle_ms=300)
        res.explain_s = time.perf_counter() - t0
        res.shown = expected if trivial else top1_from_traces(await page.evaluate(PLOTLY_DATA_JS), classes)
        await end_phase()

        slider_ms = min(timeout_ms, SLIDER_LIMIT_S * 1000)  # a lost rerun is a result, not a hung run
        t0 = time.perf_counter()
        # The trivial app's sidebar slider; on Explain, the Grad-CAM opacity.
        _after, res.key_retries = await press_slider_left(page, slider_ms,
                                                          SLIDER_THUMB if trivial else EXPLAIN_SLIDER)
        stage = "the rerun to finish"
        await _wait_idle(page, slider_ms, settle_ms=300)
        stage = ""
        res.slider_s = time.perf_counter() - t0
        res.shown_after_slider = (expected if trivial
                                  else top1_from_traces(await page.evaluate(PLOTLY_DATA_JS), classes))
        res.errors += await _errors(page)
        if screenshot:
            ARTIFACTS.mkdir(exist_ok=True)
            await page.screenshot(path=str(ARTIFACTS / f"load-session-{index}{'-trivial' if trivial else ''}.png"))
    except Exception as exc:  # noqa: BLE001 - one failed session is a result, not the end of the test
        waiting = f" (waiting for {stage})" if stage else ""
        res.errors.append(f"{type(exc).__name__}{waiting}: {str(exc).splitlines()[0][:300]}")
    finally:
        while phase < len(barriers):  # a failed session must not leave the others waiting at a barrier
            await end_phase()
        await context.close()
    return res


PHASES = ("open", "upload", "slider")


def browser_executable(nice: int, folder: Path) -> str:
    """Chromium, or with ``nice`` > 0 a launcher in ``folder`` that starts it below the server: at that
    nice level, and with its whole autogroup at it. Why the autogroup: Linux shares the CPU between
    sessions first (``kernel.sched_autogroup_enabled``), and Playwright starts Chromium in a session of its
    own, so a plain ``nice`` changed nothing: the browsers' session still got half the cores. In a
    classroom the browsers run on the students' machines; here 30 of them share the server's two cores."""
    exe = chromium_executable()
    if exe is None:
        raise FileNotFoundError("Chromium not found: apt-get install chromium, or set CHROMIUM_PATH")
    if nice <= 0:
        return exe
    launcher = folder / "chromium-niced"
    launcher.write_text(f'#!/bin/sh\necho {int(nice)} > /proc/self/autogroup 2>/dev/null\n'
                        f'exec nice -n {int(nice)} "{exe}" "$@"\n')
    launcher.chmod(0o755)
    return str(launcher)


async def _drive(url: str, pid: int, photos: list[Path], expected: dict, classes, timeout_s: float,
                 stagger_s: float, trivial: bool = False, browser_nice: int = 0
                 ) -> tuple[list[SessionResult], dict[str, float], list]:
    """All sessions through the three phases; returns their results, the server's CPU seconds per phase and
    the bystander's (rerun started, rerun finished, sent at) seconds."""
    from playwright.async_api import async_playwright

    from densenet_viz.i18n import t

    upload_label = "Upload" if trivial else t("explain.source_upload", "en")
    cpu = {"start": cpu_seconds(pid)}

    uploads_started = asyncio.Event()

    def mark(phase: int) -> None:
        cpu[PHASES[phase]] = cpu_seconds(pid)
        if phase == 0:
            uploads_started.set()

    barriers = [asyncio.Barrier(len(photos)) for _ in PHASES]
    async with async_playwright() as pw:
        # One browser process, one context per session: a classroom's worth of tabs in little memory.
        browser = await pw.chromium.launch(executable_path=browser_executable(browser_nice, photos[0].parent),
                                           headless=True, args=CHROMIUM_ARGS)
        try:
            async def student(i: int, photo: Path):
                await asyncio.sleep(i * stagger_s)
                return await run_session(browser, url, i, photo, expected.get(photo.name), classes,
                                         timeout_s * 1000, upload_label, barriers, mark, screenshot=i == 0,
                                         trivial=trivial)

            async def bystander() -> list[tuple[float, float, float]]:
                """Another session, on the Architecture page, driven over the websocket with no browser (a
                31st browser would measure its own starvation): while the students' photos are explained,
                move its k slider every 2 s, up to BYSTANDER_PROBES times; (rerun started, rerun finished) seconds
                and the Unix time it was sent, for each move whose rerun ran the sidebar with the new k."""
                probes = []
                try:
                    async with ProtocolSession(url, timeout_s=SLIDER_LIMIT_S) as other:
                        await other.run("other" if trivial else "architecture")
                        await uploads_started.wait()
                        for j in range(BYSTANDER_PROBES):
                            await asyncio.sleep(2.0 if j else 1.0)  # the uploads are under way
                            if cpu.get("upload"):
                                break  # every student has seen the prediction: no longer "during"
                            k = 31 - j % 2
                            sent_at = time.time()  # wall clock, to line a slow probe up with server samples
                            started, finished = await other.set_slider("cfg_k", k)
                            if trivial or f"k={k}&" in other.query_string + "&":
                                probes.append((started, finished, sent_at))
                except Exception as exc:  # noqa: BLE001 - a failed probe is a missing number, not a crash
                    print(f"bystander probe failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                return probes

            probe = asyncio.create_task(bystander())
            tasks = [asyncio.create_task(student(i, p)) for i, p in enumerate(photos)]
            done, pending = await asyncio.wait(tasks, timeout=timeout_s)
            cpu["bystander"] = await asyncio.wait_for(probe, timeout=SLIDER_LIMIT_S + 10)
            for task in pending:
                task.cancel()
            results = [task.result() for task in tasks if task in done]
            for i, task in enumerate(tasks):
                if task in pending:
                    r = SessionResult(i, photos[i].name, expected.get(photos[i].name))
                    r.errors.append(f"not finished within the {timeout_s:.0f} s limit")
                    results.append(r)
        finally:
            await browser.close()
    marks = [cpu["start"]] + [cpu.get(p, float("nan")) for p in PHASES]
    per_phase = {p: (marks[i + 1] - marks[i]) / len(photos) for i, p in enumerate(PHASES)}
    return sorted(results, key=lambda r: r.index), per_phase, cpu.get("bystander", [])


def make_photos(folder: Path, n: int, seed0: int = 1000) -> list[Path]:
    """``n`` different generated photos (no real data) in ``folder``."""
    paths = []
    for i in range(n):
        p = folder / f"student-{i:02d}.jpg"
        p.write_bytes(make_photo(seed0 + i, size=(640 + 16 * (i % 5), 480)))
        paths.append(p)
    return paths


def run_load(url: str, server_pid: int, sessions: int = 20, timeout_s: float = 600.0, stagger_s: float = 0.0,
             work_dir: Path | None = None, max_rss_growth_mb: float = 1500.0, reference: str = "cli",
             trivial: tuple[str, int] | None = None, browser_nice: int = 0) -> dict:
    """Drive ``sessions`` concurrent browser sessions against a running server; returns a report dict.

    ``report["ok"]`` is True when every session showed its own correct prediction with no error and the
    server's RSS grew by at most ``max_rss_growth_mb``. ``reference``: "cli" runs ``python -m densenet_viz
    explain --json`` for the expected answers; "library" makes the same call in-process (faster).
    ``trivial``: (url, pid) of a server running ``bench/trivial_app.py``; the same sessions run there too.
    ``browser_nice``: run the browsers this many nice levels below the server (see ``browser_executable``).
    """
    from densenet_viz.weights import SHIPPED_MODEL, load_model

    sessions = max(1, min(int(sessions), MAX_SESSIONS))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(work_dir or tmp)
        photos = make_photos(folder, sessions)
        classes = tuple(load_model(SHIPPED_MODEL)[1].class_names)
        t0 = time.perf_counter()
        expected = cli_top1(photos) if reference == "cli" else library_top1(photos)
        cli_s = time.perf_counter() - t0
        rss_before = rss_bytes(server_pid)
        t0 = time.perf_counter()
        with ProcessSampler(server_pid) as rss:
            results, cpu, bystander = asyncio.run(_drive(url, server_pid, photos, expected, classes, timeout_s,
                                                         stagger_s, browser_nice=browser_nice))
        wall_s = time.perf_counter() - t0
        floor = None
        if trivial is not None:
            t_results, floor, _ = asyncio.run(_drive(trivial[0], trivial[1], photos, expected, classes, timeout_s,
                                                     stagger_s, trivial=True, browser_nice=browser_nice))
            floor["errors"] = sum(bool(r.errors) for r in t_results)
    explain = [r.explain_s for r in results if r.explain_s == r.explain_s]
    slider = [r.slider_s for r in results if r.slider_s == r.slider_s]
    opened = [r.open_s for r in results if r.open_s == r.open_s]
    growth_mb = (rss.peak - rss_before) / 2**20
    report = {
        "sessions": sessions, "wall_s": wall_s, "cli_s": cli_s, "reference": reference, "browser_nice": browser_nice,
        "ok_sessions": sum(r.ok for r in results),
        "open_p50_s": percentile(opened, 50), "open_p95_s": percentile(opened, 95),
        "explain_p50_s": percentile(explain, 50), "explain_p95_s": percentile(explain, 95),
        "slider_p50_s": percentile(slider, 50), "slider_p95_s": percentile(slider, 95),
        "key_retries": sum(r.key_retries for r in results),
        "cpu_per_session_s": cpu, "trivial_cpu_per_session_s": floor, "bystander": bystander,
        "rss_before_mb": rss_before / 2**20, "rss_peak_mb": rss.peak / 2**20, "rss_after_mb": rss.last / 2**20,
        "rss_growth_mb": growth_mb, "max_rss_growth_mb": max_rss_growth_mb,
        "distinct_expected_top1": len({e[0] for e in expected.values()}),
        "results": [asdict(r) | {"ok": r.ok} for r in results],
    }
    report["ok"] = report["ok_sessions"] == sessions and growth_mb <= max_rss_growth_mb
    return report


def _cpu_lines(rep: dict) -> list[str]:
    cpu, floor = rep["cpu_per_session_s"], rep.get("trivial_cpu_per_session_s")
    probes = rep.get("bystander", [])
    if probes:
        lines = [f"another session's slider move (over the websocket, no browser) while the photos are explained, "
                 f"{len(probes)} moves: rerun started after max {max(p[0] for p in probes):.2f} s "
                 f"(p50 {percentile([p[0] for p in probes], 50):.2f} s), finished after max "
                 f"{max(p[1] for p in probes):.2f} s"]
    else:
        lines = ["another session's slider move while the photos are explained: no probe completed"]
    for phase in PHASES:
        line = f"server CPU per session, {phase}: {cpu[phase]:.3f} s"
        if floor:
            line += f" (trivial app {floor[phase]:.3f} s, ratio {cpu[phase] / max(floor[phase], 1e-9):.2f}×)"
        lines.append(line)
    return lines


def format_report(report: dict) -> str:
    """The per-session table and the summary lines."""
    lines = [f"{'#':>3} {'photo':<16} {'CLI top-1':<22} {'page top-1':<22} {'open s':>7} {'explain s':>9} "
             f"{'slider s':>8}  result"]
    for r in report["results"]:
        def fmt(v):
            return f"{v[0]} {v[1]:.4f}" if v else "-"

        status = "ok" if r["ok"] else "FAIL " + "; ".join(r["errors"])[:160]
        if not r["ok"] and not r["errors"]:
            status = f"FAIL shown {fmt(r['shown'])} / after slider {fmt(r['shown_after_slider'])}"
        lines.append(f"{r['index']:>3} {r['photo']:<16} {fmt(r['expected']):<22} {fmt(r['shown']):<22} "
                     f"{r['open_s']:>7.2f} {r['explain_s']:>9.2f} {r['slider_s']:>8.2f}  {status}")
    rep = report
    lines += [
        "",
        f"sessions {rep['sessions']} (browsers at nice {rep.get('browser_nice', 0)}), correct and error-free "
        f"{rep['ok_sessions']}, wall {rep['wall_s']:.1f} s "
        f"(reference answers by {rep['reference']} in {rep['cli_s']:.1f} s, "
        f"{rep['distinct_expected_top1']} distinct top-1 classes)",
        f"open Explain p50 {rep['open_p50_s']:.2f} s  p95 {rep['open_p95_s']:.2f} s",
        f"upload -> prediction+CAM p50 {rep['explain_p50_s']:.2f} s  p95 {rep['explain_p95_s']:.2f} s",
        f"slider -> rerun done p50 {rep['slider_p50_s']:.2f} s  p95 {rep['slider_p95_s']:.2f} s "
        f"({rep['key_retries']} key presses lost in the browser and pressed again)",
        *_cpu_lines(rep),
        f"server RSS before {rep['rss_before_mb']:.0f} MiB, peak {rep['rss_peak_mb']:.0f} MiB, after "
        f"{rep['rss_after_mb']:.0f} MiB (growth {rep['rss_growth_mb']:.0f} MiB, limit {rep['max_rss_growth_mb']:.0f})",
        f"RESULT: {'PASS' if rep['ok'] else 'FAIL'}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=20, help=f"concurrent sessions (1..{MAX_SESSIONS})")
    p.add_argument("--timeout", type=float, default=600, help="limit for all sessions together, seconds")
    p.add_argument("--stagger", type=float, default=0.0, help="seconds between session starts")
    p.add_argument("--max-rss-growth-mb", type=float, default=1500)
    p.add_argument("--url", help="use a running server (loopback) instead of starting one; needs --pid")
    p.add_argument("--pid", type=int, help="that server's process id, for its memory")
    p.add_argument("--json", help="also write the report as JSON here")
    p.add_argument("--no-trivial", action="store_true", help="skip the trivial-app floor")
    p.add_argument("--browser-nice", type=int, default=0,
                   help="run the browsers this many nice levels below the server (0-19): the students' browsers "
                        "are not on the server's cores in a classroom")
    a = p.parse_args(argv)
    if chromium_executable() is None:
        print("error: chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    if a.url:
        if not a.url.startswith(("http://127.0.0.1", "http://localhost")) or not a.pid:
            print("error: --url must be a loopback address and --pid is required", file=sys.stderr)
            return 2
        report = run_load(a.url, a.pid, a.sessions, a.timeout, a.stagger, max_rss_growth_mb=a.max_rss_growth_mb,
                          browser_nice=a.browser_nice)
    else:
        with StreamlitServer() as server, StreamlitServer(script="bench/trivial_app.py") as floor:
            _warm(server.url)
            if not a.no_trivial:
                _warm(floor.url, path="", selector=SLIDER_THUMB)
            report = run_load(server.url, server.pid, a.sessions, a.timeout, a.stagger,
                              max_rss_growth_mb=a.max_rss_growth_mb,
                              trivial=None if a.no_trivial else (floor.url, floor.pid), browser_nice=a.browser_nice)
    print(format_report(report))
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1))
    return 0 if report["ok"] else 1


def _warm(url: str, path: str = "/explain", selector: str = EXPLAIN_SLIDER) -> None:
    """One visit first (imports, first runs, the default example explained and cached), as a server gets
    before a class starts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{url}{path}", timeout=180_000)
        page.wait_for_selector(selector, state="attached", timeout=180_000)  # the input is visually hidden
        page.wait_for_function(STABLE_IDLE_JS, arg=[1000, False], timeout=180_000)
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
