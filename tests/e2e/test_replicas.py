"""Two replicas behind nginx, for real (``deploy/replicas.sh``): browser sessions spread over both, every
upload is explained, and when one replica is killed the sessions on the other lose nothing while those on
the killed one reconnect to the survivor and are asked to upload again."""

from __future__ import annotations

import pytest

from bench.harness import (
    CLASSES,
    PLOTLY_DATA_JS,
    ReplicaCluster,
    error_texts,
    explain_upload,
    make_photo,
    nudge,
    top1_from_traces,
    wait_idle,
)
from densenet_viz.i18n import t

pytestmark = pytest.mark.e2e

MAX_SESSIONS = 8  # open sessions until both replicas have some (the affinity cookie is random)


@pytest.fixture(scope="module")
def cluster(chromium_path):
    import shutil

    if shutil.which("nginx") is None and not __import__("os").path.exists("/usr/sbin/nginx"):
        pytest.fail("nginx is not installed (scripts/test.sh installs Debian's nginx)", pytrace=False)
    with ReplicaCluster(replicas=2, threads=1) as c:
        yield c


def explained(page, photo) -> tuple[str, float]:
    top1 = explain_upload(page, photo)
    assert top1 is not None and top1[0] in CLASSES, error_texts(page)
    return top1


def test_sessions_on_two_replicas_survive_a_replica_kill(browser, cluster, tmp_path):
    sessions = []  # (context, page, replica port, top-1)
    try:
        while len(sessions) < MAX_SESSIONS:
            context = browser.new_context(viewport={"width": 1300, "height": 1000}, base_url=cluster.url)
            page = context.new_page()
            page.set_default_timeout(180_000)
            page.goto("/explain")
            wait_idle(page, timeout_ms=240_000)
            photo = tmp_path / f"flower-{len(sessions)}.jpg"
            photo.write_bytes(make_photo(seed=100 + len(sessions)))
            top1 = explained(page, photo)
            route = next(c["value"] for c in context.cookies() if c["name"] == ReplicaCluster.ROUTE_COOKIE)
            sessions.append((context, page, cluster.replica_of(route), top1))
            if len(sessions) >= 2 and {s[2] for s in sessions} == set(cluster.ports):
                break
        ports = [s[2] for s in sessions]
        assert set(ports) == set(cluster.ports), f"all {len(sessions)} sessions landed on {ports}"

        victim = ports[0]
        cluster.kill(victim)
        assert not cluster.alive(victim)
        moved = t("explain.moved_session", "en")
        for context, page, port, top1 in sessions:
            shown = nudge(page, until_text=moved if port == victim else None)
            text = page.locator('[data-testid="stMain"]').inner_text()
            if port == victim:
                # Reconnected to the survivor, told why its photo is gone, with an empty uploader to retry.
                assert shown and moved in text, text[:800]
                assert top1_from_traces(page.evaluate(PLOTLY_DATA_JS)) is None
                again = explained(page, tmp_path / f"flower-{sessions.index((context, page, port, top1))}.jpg")
                assert again[0] == top1[0] and again[1] == pytest.approx(top1[1], abs=1e-3)
                route = next(c["value"] for c in context.cookies() if c["name"] == ReplicaCluster.ROUTE_COOKIE)
                assert cluster.replica_of(route) not in (victim, None)  # explained by the survivor
            else:
                # Lost nothing: the same explanation, no notice, no error.
                assert moved not in text
                assert top1_from_traces(page.evaluate(PLOTLY_DATA_JS)) == top1
            assert error_texts(page) == [], error_texts(page)
    finally:
        for context, *_ in sessions:
            context.close()
