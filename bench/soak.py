"""Soak: mixed classroom traffic against one server for a long time, watching its resources.

A few browser sessions at a time (each its own Chromium context, so its own Streamlit session; the oldest
is closed and a new one opened every round, as students come and go) do what a class does: open the
Explain page and upload a new photo (a cache miss every time), cover its centre in the occlusion
playground, sweep it now and then, move the Architecture page's growth-rate slider, and every
``--train-every`` seconds start a one-epoch live training run. Every ``--sample`` seconds the server's
resident memory, threads and open files are read from /proc. First ``--fill`` photos are explained one
after another, so that the server's bounded photo caches are full; after that and ``--warmup`` seconds
more they should stay flat: the verdict compares the last ``--window`` of the run with the first after
the warm-up (``summarise``).

    PYTHONPATH=. .venv/bin/python -m bench.soak --minutes 45

Bounded: loopback only, at most 8 sessions open at once, the given duration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    CHROMIUM_ARGS,
    SLIDER_THUMB,
    ProcessSampler,
    StreamlitServer,
    chromium_executable,
    error_texts,
    explain_upload,
    make_photo,
    rss_bytes,
    wait_idle,
)
from densenet_viz.ui.workers import CACHED_PHOTOS  # noqa: E402


def resources(pid: int) -> tuple[float, int, int]:
    """(RSS in MiB, threads, open files) of process ``pid``."""
    threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss_bytes(pid) / 2**20, threads, len(os.listdir(f"/proc/{pid}/fd"))


def _click(page, text: str) -> None:
    page.locator('[data-testid="stMain"] button').filter(has_text=text).first.click()
    page.wait_for_timeout(300)
    wait_idle(page, timeout_ms=300_000)


def fill_caches(browser, url: str, photos: int, folder: Path) -> int:
    """Warm-up: one session explains ``photos`` new photos and covers the centre of each, filling the
    server's bounded photo caches (``CACHED_PHOTOS``) so that what follows measures a steady state."""
    from densenet_viz.i18n import t

    context = browser.new_context(viewport={"width": 1300, "height": 1000}, base_url=url)
    page = context.new_page()
    page.set_default_timeout(300_000)
    page.goto("/explain")
    wait_idle(page, timeout_ms=300_000)
    for i in range(photos):
        photo = folder / f"fill-{i % 10}.jpg"
        photo.write_bytes(make_photo(90_000 + i))
        explain_upload(page, photo)
        _click(page, t("occ.centre", "en"))
    context.close()
    return photos


def run_soak(url: str, pid: int, minutes: float, sessions: int, train_every_s: float, sample_s: float,
             folder: Path, fill: int = 0) -> tuple[list, dict]:
    """Fill the photo caches with ``fill`` photos, then drive the traffic for ``minutes``; returns the
    samples [(seconds, RSS MiB, threads, open files)] and counts of what was done (``fill_s``: when the
    mixed traffic began, in seconds from the first sample)."""
    from playwright.sync_api import sync_playwright

    from densenet_viz.i18n import t

    done = {"uploads": 0, "occlusions": 0, "sweeps": 0, "sliders": 0, "trainings": 0, "errors": 0, "sessions": 0}
    with sync_playwright() as pw, ProcessSampler(pid, sample_s, read=resources) as sampler:
        browser = pw.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
        done["filled_photos"] = fill_caches(browser, url, fill, folder) if fill else 0
        done["fill_s"] = round(sampler.samples[-1][0]) if sampler.samples else 0
        deadline = time.monotonic() + minutes * 60
        next_training = time.monotonic() + 60
        open_contexts: list = []
        n = 0
        while time.monotonic() < deadline:
            if len(open_contexts) >= sessions:
                open_contexts.pop(0).close()  # a student leaves
            context = browser.new_context(viewport={"width": 1300, "height": 1000}, base_url=url)
            open_contexts.append(context)
            done["sessions"] += 1
            page = context.new_page()
            page.set_default_timeout(300_000)
            try:
                page.goto("/explain")
                wait_idle(page, timeout_ms=300_000)
                photo = folder / f"soak-{n % 50}.jpg"
                photo.write_bytes(make_photo(10_000 + n))  # a new photo every round: no cache hit
                explain_upload(page, photo)
                done["uploads"] += 1
                _click(page, t("occ.centre", "en"))
                done["occlusions"] += 1
                if n % 5 == 4:
                    page.locator('[data-testid="stMain"] [data-testid="stCheckbox"]').filter(
                        has_text=t("occ.sweep", "en")).first.click()
                    page.wait_for_timeout(300)
                    wait_idle(page, timeout_ms=600_000)
                    done["sweeps"] += 1
                page.goto("/architecture")
                wait_idle(page, timeout_ms=300_000)
                page.locator(SLIDER_THUMB).first.focus()
                page.keyboard.press("ArrowLeft" if n % 2 else "ArrowRight")
                page.wait_for_timeout(300)
                wait_idle(page)
                done["sliders"] += 1
                if time.monotonic() >= next_training:
                    page.goto("/train_live")
                    wait_idle(page, timeout_ms=300_000)
                    _click(page, t("live.start", "en"))
                    done["trainings"] += 1
                    next_training = time.monotonic() + train_every_s
                done["errors"] += len(error_texts(page))
            except Exception as exc:  # noqa: BLE001 - count it and go on: a soak reports, it does not stop
                done["errors"] += 1
                print(f"round {n}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}", file=sys.stderr)
            n += 1
            elapsed = minutes * 60 - (deadline - time.monotonic())
            rss, threads, files = sampler.last
            print(f"[{elapsed / 60:5.1f} min] round {n}: {rss:.0f} MiB, {threads} threads, {files} files",
                  file=sys.stderr, flush=True)
        for context in open_contexts:
            context.close()
        browser.close()
    return [(t, *values) for t, values in sampler.samples], done


def summarise(samples: list, warmup_s: float, max_growth_mb: float, window_s: float = 600) -> tuple[list[str], bool]:
    """Report lines and whether the server stayed flat after ``warmup_s``. The time after warm-up is cut into
    windows of ``window_s`` (as long as the gap between training runs, so each window holds the same mix of
    traffic); flat means the lowest and the highest RSS of the last window are within ``max_growth_mb`` of
    the first window's. A leak raises both; a training run in progress raises only its window's peak."""
    lines = ["| minutes | RSS min / median / max (MiB) | threads (max) | open files (max) |",
             "| --- | --- | --- | --- |"]
    after = [x for x in samples if x[0] >= warmup_s]
    windows: list[list] = []
    for x in after:
        i = int((x[0] - warmup_s) // window_s)
        while len(windows) <= i:
            windows.append([])
        windows[i].append(x)
    windows = [w for w in windows if w]
    if len(windows) < 2 or len(windows[-1]) < 4:  # a short last window is folded into the one before
        if len(windows) >= 2:
            windows[-2].extend(windows.pop())
    for w in windows:
        rss = sorted(x[1] for x in w)
        lines.append(f"| {w[0][0] / 60:.0f}–{w[-1][0] / 60:.0f} | {rss[0]:.0f} / {rss[len(rss) // 2]:.0f} / "
                     f"{rss[-1]:.0f} | {max(x[2] for x in w)} | {max(x[3] for x in w)} |")
    if len(windows) < 2:
        return lines + ["too short for a verdict: fewer than two windows after the warm-up"], False
    first, last = windows[0], windows[-1]
    low = min(x[1] for x in last) - min(x[1] for x in first)
    high = max(x[1] for x in last) - max(x[1] for x in first)
    ok = low < max_growth_mb and high < max_growth_mb
    lines.append(f"after the {warmup_s / 60:.0f}-minute warm-up, last window against the first: lowest RSS "
                 f"{low:+.0f} MiB, highest {high:+.0f} MiB (limit {max_growth_mb:.0f}): {'FLAT' if ok else 'GROWING'}")
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=45)
    p.add_argument("--sessions", type=int, default=4, help="sessions open at once (1..8)")
    p.add_argument("--train-every", type=float, default=600, help="seconds between live training runs")
    p.add_argument("--sample", type=float, default=15, help="seconds between resource samples")
    p.add_argument("--fill", type=int, default=CACHED_PHOTOS,
                   help="photos explained first to fill the server's photo caches (0: none)")
    p.add_argument("--warmup", type=float, default=300,
                   help="seconds of mixed traffic (after the fill) before growth is judged")
    p.add_argument("--max-growth-mb", type=float, default=100)
    p.add_argument("--window", type=float, default=600, help="seconds per comparison window (see summarise)")
    p.add_argument("--json", help="also write every sample here")
    a = p.parse_args(argv)
    if chromium_executable() is None:
        print("error: chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    with StreamlitServer() as server, tempfile.TemporaryDirectory() as tmp:
        samples, done = run_soak(server.url, server.pid, a.minutes, max(1, min(a.sessions, 8)), a.train_every,
                                 a.sample, Path(tmp), fill=a.fill)
    if a.json:
        Path(a.json).write_text(json.dumps({"samples": samples, "done": done}))
    lines, ok = summarise(samples, done["fill_s"] + a.warmup, a.max_growth_mb, a.window)
    print(f"soak: {a.minutes:g} min, " + ", ".join(f"{k} {v}" for k, v in done.items()))
    print("\n".join(lines))
    return 0 if ok and not done["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
