"""One session cannot hold up the others: the queues serve sessions round-robin with a cap on each, long
work runs in slices that take turns, a build's trace never holds an explanation, and heavy jobs run on one
torch thread at a lower priority."""

from __future__ import annotations

import os
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

from densenet_viz.data import Preprocessing
from densenet_viz.errors import user_message
from densenet_viz.serving import JOB_NICE, FairQueue, InferenceWorker, JobExecutor, OwnerQueueFull, QueueFull, Work

from testkit import tiny_cam_model


@pytest.fixture(scope="module")
def tiny():
    return tiny_cam_model()


def card(model):
    return SimpleNamespace(config=model.config, class_names=("a", "b", "c"), test_flip=True, data={},
                           preprocessing=Preprocessing(input_size=32, resize_size=36), temperature=1.0)


def photo(seed: int) -> Image.Image:
    return Image.fromarray((np.random.default_rng(seed).random((40, 50, 3)) * 255).astype(np.uint8))


def test_fair_queue_serves_owners_round_robin_and_tells_each_item_its_place():
    q = FairQueue(per_owner=10)
    a = [Work("job", None, "A", f"a{i}") for i in range(4)]
    b = [Work("job", None, "B", f"b{i}") for i in range(2)]
    for w in a:
        q.put(w)
    for w in b:
        q.put(w)
    # B's first item is second in line although A queued four before it.
    assert [q.ahead_of(w) for w in b] == [1, 3]
    assert [q.ahead_of(w) for w in a] == [0, 2, 4, 5]
    order = [q.get(timeout=0).payload for _ in range(6)]
    assert order == ["a0", "b0", "a1", "b1", "a2", "a3"]
    assert q.ahead_of(a[0]) == 0 and q.waiting() == 0


def test_one_owner_is_capped_and_others_still_get_in():
    q = FairQueue(per_owner=2, total=3)
    for i in range(2):
        q.check("A")
        q.put(Work("job", None, "A", i))
    with pytest.raises(OwnerQueueFull) as full:
        q.check("A")
    assert "2 requests waiting" in str(full.value)
    assert "2 个请求" in user_message(full.value, "zh")
    q.check("B")  # another session is not refused because of A
    q.put(Work("job", None, "B", 0))
    with pytest.raises(QueueFull):
        q.check("C")  # the total bound still holds
    assert q.waiting("A") == 2 and q.waiting("B") == 1 and q.waiting() == 3


def test_a_long_sliced_job_delays_another_session_by_one_slice_only(tiny):
    slice_s, slices = 0.15, 30

    def long_sweep(model, c):
        for i in range(slices):
            time.sleep(slice_s)  # stands for one batch of occluded forwards
            yield (i + 1) / slices
        return "swept"

    worker = InferenceWorker(tiny, card(tiny), max_wait_s=0.0)
    try:
        worker.explain("warm", lambda: photo(0), owner="B").future.result(30)  # first-call costs out of the way
        t0 = time.perf_counter()
        idle = worker.explain("idle", lambda: photo(1), owner="B")
        idle.future.result(30)
        idle_s = time.perf_counter() - t0
        sweep = worker.submit(long_sweep, owner="A")
        time.sleep(3 * slice_s)  # the sweep is under way
        t0 = time.perf_counter()
        other = worker.explain("other", lambda: photo(2), owner="B")
        other.future.result(30)
        waited = time.perf_counter() - t0
        assert not sweep.future.done()  # B did not wait for the whole sweep...
        assert waited <= idle_s + 1.5 * slice_s + 0.2, (waited, idle_s)  # ...only for the slice under way
        assert 0 < sweep.progress < 1
        assert sweep.future.result(30) == "swept" and sweep.progress == 1.0
    finally:
        worker.close()


def test_a_slow_build_trace_does_not_hold_an_explanation(tiny):
    """A build traces its own fresh model on the job executor; the shipped model's Grad-CAM must not wait for
    it (it did when every hook-based analysis shared one process-wide lock)."""
    from densenet_viz.config import DenseNetConfig
    from densenet_viz.model import build_densenet
    from densenet_viz.trace import trace_model

    built = build_densenet(DenseNetConfig(growth_rate=2, block_config=(1,), num_init_features=4, bn_size=0,
                                          num_classes=2, stem="cifar", input_size=16), device="cpu")
    started = threading.Event()

    def slow(_module, _args, _output):
        started.set()
        time.sleep(3.0)  # a big model's long forward pass

    built.features.conv0.register_forward_hook(slow)
    jobs = JobExecutor(workers=1)
    worker = InferenceWorker(tiny, card(tiny))
    try:
        build = jobs.submit(trace_model, built, owner="builder")
        assert started.wait(10)
        t0 = time.perf_counter()
        res = worker.explain("upload", lambda: photo(3), owner="student").future.result(30)
        waited = time.perf_counter() - t0
        assert res.top5 and waited < 1.5, waited
        assert not build.future.done()  # the build was still running meanwhile
        assert build.future.result(30).mismatches == ()
    finally:
        jobs.close()
        worker.close()


def test_heavy_jobs_run_on_one_torch_thread_at_a_lower_priority():
    jobs = JobExecutor(workers=1)
    try:
        seen = jobs.submit(lambda: (torch.get_num_threads(), os.getpriority(os.PRIO_PROCESS,
                                                                             threading.get_native_id())))
        threads, nice = seen.future.result(10)
        assert threads == 1
        assert nice >= min(19, os.getpriority(os.PRIO_PROCESS, 0) + JOB_NICE) - 1
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < nice  # only that thread
    finally:
        jobs.close()


def test_executor_takes_turns_between_a_sliced_training_and_a_build():
    jobs = JobExecutor(workers=1)
    log: list[str] = []

    def training():
        for i in range(5):
            log.append(f"train{i}")
            time.sleep(0.05)
            yield (i + 1) / 5
        return "trained"

    try:
        gate = threading.Event()
        jobs.submit(gate.wait, 10, owner="C")  # hold the thread while both are queued
        train = jobs.submit(training, owner="A")
        build = jobs.submit(lambda: log.append("build") or "built", owner="B")
        gate.set()
        assert build.future.result(10) == "built" and train.future.result(10) == "trained"
        assert log.index("build") <= 2  # after at most one or two training slices, not after all five
    finally:
        jobs.close()


@pytest.mark.parametrize("size", [4, 8, 10, 32])
def test_the_sliced_sweep_equals_captums_occlusion(tiny, size):
    from captum.attr import Occlusion

    from densenet_viz.explain.gradcam import normalise_cam
    from densenet_viz.occlusion import sensitivity_map, sensitivity_steps

    x = torch.randn(1, 3, 32, 32, generator=torch.Generator().manual_seed(size))
    stride = max(1, size // 2)
    with torch.no_grad():
        target = int(tiny(x).argmax())  # the predicted class: covering parts of the photo lowers its score
        ref = Occlusion(tiny).attribute(x, target=target, sliding_window_shapes=(3, size, size),
                                        strides=(3, stride, stride), baselines=0.0, perturbations_per_eval=4)
    expected = normalise_cam(torch.relu(ref[0, 0]).numpy())
    got = sensitivity_map(tiny, x, target, size, batch=3)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert got.max() == pytest.approx(1.0)
    steps = sensitivity_steps(tiny, x, target, size, batch=3)
    progress = list(iter(lambda: next(steps, None), None))
    places = (-(-(32 - size) // stride) + 1) ** 2
    assert len(progress) == -(-places // 3) and progress == sorted(progress) and progress[-1] == 1.0
