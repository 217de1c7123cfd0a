"""The teacher's board of a full class: server CPU per board refresh, and the time from "share" to the photo on
the board.

A real ``streamlit run`` server on loopback and its class room database (a fresh SQLite file, or
``--db-url``). The room is filled through the library, as students' sessions would fill it: ``--students``
join, and they share ``--photos`` explained photos (the built-in example photos, each with its real Grad-CAM
overlay from the shipped model, thumbnails made as the app makes them; labels mixed so that some are wrong),
all approved. One headless Chromium page opens the board with the teacher's private link and is left alone.

- **Refresh CPU**: the server process's CPU time (utime + stime from /proc) over ``--window`` seconds of the
  board refreshing itself, divided by the number of refreshes in that window (``window / 3 s``): while
  nothing changes (a refresh reads the room's revision and redraws), and while one more student joins
  before every refresh (each refresh reads the whole board again); both with the board's first
  ``BOARD_CARDS`` photos, then again with "show all".
- **Share to board**: ``--shares`` more shares, one at a time from this process (the room approves at
  once); for each, the seconds until the board in the browser counts one more shared photo.

    PYTHONPATH=. .venv/bin/python -m bench.classroom_board --students 30 --photos 60
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.classroom_browser import METRICS_JS  # noqa: E402
from bench.harness import CHROMIUM_ARGS, StreamlitServer, chromium_executable, cpu_seconds, percentile  # noqa: E402

BOARD_IMAGES_JS = """() => document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stImage"] img[alt^="Shared photo"]').length"""


def explained_thumbnails(limit: int) -> list[tuple[bytes, bytes, str, float, bool]]:
    """(photo thumbnail, Grad-CAM overlay thumbnail, prediction, probability, none-of-these) for the example
    photos, explained by the shipped model as the app does."""
    from densenet_viz.classroom import make_thumbnail
    from densenet_viz.data import load_image
    from densenet_viz.explain.colors import overlay, png_bytes
    from densenet_viz.model import default_cam_layer
    from densenet_viz.predictor import Predictor
    from densenet_viz.weights import list_examples

    predictor = Predictor.load()
    layer = default_cam_layer(predictor.card.config)
    photos = [p for p in list_examples() if p.name.startswith(("photo-", "sklearn-"))][:limit]
    out = []
    for res in predictor.explain([load_image(p.read_bytes()) for p in photos], layers=[layer]):
        name, prob = res.top5[0]
        cam = overlay(res.crop, res.explanation.upsampled[layer], 0.5)
        out.append((make_thumbnail(res.crop), make_thumbnail(png_bytes(cam)), name, float(prob),
                    bool(res.none_of_these)))
    return out


def fill_room(store, students: int, photos: int, explained) -> tuple[object, list]:
    """A room with ``students`` members and ``photos`` approved shares (labels: right, wrong, other, unknown)."""
    keys = store.create_room()
    store.set_auto_approve(keys.code, keys.teacher_key, True)
    members = [store.join(keys.code, f"bench-student-{i}", f"S{i}") for i in range(students)]
    names = store.class_names
    for i in range(photos):
        thumb, cam, predicted, prob, flagged = explained[i % len(explained)]
        kind = i % 4
        label = predicted if kind < 2 else names[(names.index(predicted) + 1) % len(names)] if kind == 2 else \
            ("other" if i % 8 == 3 else "unknown")
        store.share(members[i % students], thumbnail=thumb, cam=cam, predicted=predicted, probability=prob,
                    none_of_these=flagged, label=label)
    return keys, members


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--photos", type=int, default=60)
    ap.add_argument("--window", type=float, default=30.0, help="seconds of refreshing measured per condition")
    ap.add_argument("--shares", type=int, default=10, help="shares timed from store to board")
    ap.add_argument("--db-url", default=None, help="a database URL (default: a fresh SQLite file)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not 1 <= args.students <= 60 or not 1 <= args.photos <= 200 or not 1 <= args.shares <= 50:
        ap.error("--students 1..60, --photos 1..200, --shares 1..50")

    from playwright.sync_api import sync_playwright

    from densenet_viz.classroom import ClassroomStore, Limits, make_engine
    from densenet_viz.i18n import t
    from densenet_viz.ui.classroom import BOARD_CARDS, BOARD_REFRESH_S
    from densenet_viz.weights import SHIPPED_MODEL, load_card

    tmp = tempfile.TemporaryDirectory(prefix="classroom-bench-")
    url = args.db_url or f"sqlite:///{Path(tmp.name) / 'classroom.sqlite3'}"
    limits = Limits(max_shares_per_member=max(6, args.photos + args.shares), max_shares_per_room=1000,
                    shares_per_minute=1000, joins_per_minute=1000)
    store = ClassroomStore(make_engine(url), limits, class_names=load_card(SHIPPED_MODEL).class_names)
    store.ensure_schema()
    explained = explained_thumbnails(16)
    keys, members = fill_room(store, args.students, args.photos, explained)
    t0 = time.perf_counter()
    board = store.board(keys.code, keys.teacher_key)
    board_read_s = time.perf_counter() - t0
    image_kb = sum(len(s.thumbnail) + len(s.cam) for s in board.shares) / len(board.shares) / 1024

    report: dict = {"students": args.students, "photos": args.photos, "refresh_s": BOARD_REFRESH_S,
                    "board_read_ms": round(board_read_s * 1000, 1), "kb_per_shared_photo": round(image_kb, 1)}
    server = StreamlitServer(env={"DENSENET_VIZ_CLASS_DB_URL": url})
    with server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(180_000)
        page.goto(f"{server.url}/classroom?room={keys.code}&teacher={keys.teacher_key}")
        page.wait_for_function(f"() => ({BOARD_IMAGES_JS})() >= {min(args.photos, BOARD_CARDS)}")
        page.wait_for_timeout(2 * BOARD_REFRESH_S * 1000)  # the first full reads and image loads are over

        def cpu_per_refresh(change) -> float:
            start, cpu0 = time.monotonic(), cpu_seconds(server.pid)
            n = 0
            while time.monotonic() - start < args.window:
                change(n)
                n += 1
                time.sleep(BOARD_REFRESH_S)
            elapsed, cpu = time.monotonic() - start, cpu_seconds(server.pid) - cpu0
            return cpu / (elapsed / BOARD_REFRESH_S)

        def measure(tag: str) -> None:
            report[f"cpu_per_refresh_unchanged_{tag}_s"] = round(cpu_per_refresh(lambda n: None), 4)
            report[f"cpu_per_refresh_changing_{tag}_s"] = round(cpu_per_refresh(
                lambda n: store.join(keys.code, f"bench-late-{tag}-{n}", None)), 4)

        measure(f"first_{min(args.photos, BOARD_CARDS)}")
        if args.photos > BOARD_CARDS:
            page.locator('[data-testid="stMain"] .st-key-class_show_all label').click()
            page.wait_for_function(f"() => ({BOARD_IMAGES_JS})() >= {args.photos}")
            page.wait_for_timeout(2 * BOARD_REFRESH_S * 1000)
            measure(f"all_{args.photos}")

        shared_label = t("room.shared_count", "en")

        def shared() -> int:
            return int(page.evaluate(METRICS_JS).get(shared_label, "0"))

        delays = []
        for i in range(args.shares):
            before = shared()
            thumb, cam, predicted, prob, flagged = explained[i % len(explained)]
            start = time.monotonic()
            store.share(members[i % len(members)], thumbnail=thumb, cam=cam, predicted=predicted,
                        probability=prob, none_of_these=flagged, label=predicted)
            while shared() <= before:
                if time.monotonic() - start > 60:
                    raise TimeoutError("the board did not show a share within 60 s")
                time.sleep(0.05)
            delays.append(time.monotonic() - start)
            time.sleep(0.37 * (i % 5))  # shares land at different points of the refresh cycle
        report["share_to_board_s"] = {"p50": round(percentile(delays, 50), 2), "p95": round(percentile(delays, 95), 2),
                                      "max": round(max(delays), 2), "n": len(delays)}
        browser.close()
    store.end_class(keys.code, keys.teacher_key)
    tmp.cleanup()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for k, v in report.items():
            print(f"{k}: {v}")
    return report


if __name__ == "__main__":
    main()
