"""A classroom through nginx and several replicas (``deploy/replicas.sh``), then a replica killed.

1. Load: ``bench.load_test``'s sessions (open Explain, upload a photo, check the prediction against the
   CLI's, move a slider) all at once through nginx; each replica's server CPU (utime + stime from /proc)
   and how many sessions its websocket served.
2. Kill: ``--kill-sessions`` fresh sessions each upload a photo; one replica that serves some of them is
   killed (SIGKILL). Every session then makes one ordinary interaction. A session on a surviving replica
   counts as intact when it still shows the same prediction with no notice; one on the killed replica
   counts as recovered when its page says the server changed and a re-upload is explained on a survivor.

    PYTHONPATH=. .venv/bin/python -m bench.replicas --sessions 30 --kill-sessions 8

Bounded: loopback only, at most 60 sessions, one browser process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    CHROMIUM_ARGS,
    PLOTLY_DATA_JS,
    ReplicaCluster,
    chromium_executable,
    cpu_seconds,
    explain_upload,
    make_photo,
    nudge,
    served_by,
    top1_from_traces,
    wait_idle,
)


def _sessions_per_replica(cluster: ReplicaCluster) -> dict[int, int]:
    """How many distinct browsers (affinity cookies) each replica served."""
    last = served_by(cluster.prefix / "access.log")
    return {port: sum(1 for p in last.values() if p == port) for port in cluster.ports}


def kill_and_recover(cluster: ReplicaCluster, sessions: int, folder: Path) -> dict:
    """Open ``sessions`` browser sessions, explain a photo in each, kill one replica, and count what
    survived and what recovered."""
    from playwright.sync_api import sync_playwright

    from densenet_viz.i18n import t

    moved = t("explain.moved_session", "en")
    out = {"sessions": 0, "on_victim": 0, "intact": 0, "recovered": 0, "recover_s": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
        opened = []
        for i in range(sessions):
            context = browser.new_context(viewport={"width": 1300, "height": 1000}, base_url=cluster.url)
            page = context.new_page()
            page.set_default_timeout(240_000)
            page.goto("/explain")
            wait_idle(page, timeout_ms=240_000)
            photo = folder / f"kill-{i}.jpg"
            photo.write_bytes(make_photo(500 + i))
            top1 = explain_upload(page, photo)
            route = next(c["value"] for c in context.cookies() if c["name"] == ReplicaCluster.ROUTE_COOKIE)
            opened.append((page, photo, top1, cluster.replica_of(route)))
        ports = [p for *_, p in opened]
        victim = max(set(ports), key=ports.count)
        cluster.kill(victim)
        out.update(sessions=len(opened), victim=victim, on_victim=ports.count(victim))
        for page, photo, top1, port in opened:
            t0 = time.perf_counter()
            nudge(page, timeout_ms=240_000, until_text=moved if port == victim else None)
            text = page.locator('[data-testid="stMain"]').inner_text()
            if port != victim:
                out["intact"] += moved not in text and top1_from_traces(page.evaluate(PLOTLY_DATA_JS)) == top1
                continue
            again = explain_upload(page, photo) if moved in text else None
            if again is not None and again[0] == top1[0]:
                out["recovered"] += 1
                out["recover_s"].append(time.perf_counter() - t0)
        browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    from bench.load_test import _warm, run_load

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--sessions", type=int, default=30, help="load sessions through nginx (1..60)")
    p.add_argument("--kill-sessions", type=int, default=8, help="sessions open when a replica is killed")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--browser-nice", type=int, default=0, help="see bench.load_test")
    a = p.parse_args(argv)
    if chromium_executable() is None:
        print("error: chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    with ReplicaCluster(replicas=a.replicas, threads=1) as cluster, tempfile.TemporaryDirectory() as tmp:
        for port in cluster.ports:
            _warm(f"http://127.0.0.1:{port}")
        pids = {port: cluster.pid(port) for port in cluster.ports}
        before = {port: cpu_seconds(pid) for port, pid in pids.items()}
        report = run_load(cluster.url, pids[cluster.ports[0]], a.sessions, a.timeout, browser_nice=a.browser_nice,
                          max_rss_growth_mb=10_000)  # RSS is one replica's here: not a pass/fail figure
        cpu = {port: cpu_seconds(pid) - before[port] for port, pid in pids.items()}
        served = _sessions_per_replica(cluster)
        print(f"load: {report['ok_sessions']}/{report['sessions']} sessions correct through nginx, "
              f"wall {report['wall_s']:.0f} s, explain p50 {report['explain_p50_s']:.1f} s / "
              f"p95 {report['explain_p95_s']:.1f} s")
        print("| replica | sessions served | server CPU (s) | CPU per session (s) |")
        print("| --- | --- | --- | --- |")
        for port in cluster.ports:
            n = served.get(port, 0)
            print(f"| 127.0.0.1:{port} | {n} | {cpu[port]:.1f} | {cpu[port] / n:.2f} |" if n else
                  f"| 127.0.0.1:{port} | 0 | {cpu[port]:.1f} | — |")
        kill = kill_and_recover(cluster, a.kill_sessions, Path(tmp))
        rec = kill["recover_s"]
        print(f"kill: {kill['sessions']} sessions, replica {kill['victim']} killed with {kill['on_victim']} of them; "
              f"intact on the others {kill['intact']}/{kill['sessions'] - kill['on_victim']}, "
              f"recovered {kill['recovered']}/{kill['on_victim']}"
              + (f" (notice + re-upload explained in {min(rec):.1f}-{max(rec):.1f} s)" if rec else ""))
        ok = (report["ok_sessions"] == report["sessions"] and kill["recovered"] == kill["on_victim"]
              and kill["intact"] == kill["sessions"] - kill["on_victim"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
