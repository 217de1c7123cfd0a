"""Serving a class: batched Grad-CAM equals one-by-one, the inference worker batches and shares work, the
job executor is bounded and never blocks explanations."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

from densenet_viz.config import DenseNetConfig
from densenet_viz.data import Preprocessing
from densenet_viz.errors import UserError
from densenet_viz.explain import explain, explain_batch
from densenet_viz.model import cam_layer_names
from densenet_viz.predictor import Predictor
from densenet_viz.serving import InferenceWorker, JobExecutor, QueueFull

from testkit import tiny_cam_model

TINY = DenseNetConfig(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=3,
                      stem="cifar", input_size=32)


@pytest.fixture(scope="module")
def tiny():
    return tiny_cam_model()


def card():
    return SimpleNamespace(config=TINY, class_names=("a", "b", "c"), test_flip=True, data={},
                           preprocessing=Preprocessing(input_size=32, resize_size=36), temperature=1.0)


def photo(seed: int) -> Image.Image:
    return Image.fromarray((np.random.default_rng(seed).random((40, 50, 3)) * 255).astype(np.uint8))


@pytest.mark.parametrize("flip", [False, True])
def test_batched_cams_equal_single_photo_cams(tiny, flip):
    x = torch.randn(5, 3, 32, 32, generator=torch.Generator().manual_seed(3))
    layers = cam_layer_names(TINY)
    targets = [None, 2, 0, None, 1]
    batch = explain_batch(tiny, x, layers, targets, flip=flip)
    for i, got in enumerate(batch):
        one = explain(tiny, x[i], layers, target=targets[i], flip=flip)
        assert got.target == one.target
        np.testing.assert_allclose(got.probs, one.probs, atol=1e-6)
        for name in layers:
            np.testing.assert_allclose(got.raw[name], one.raw[name], atol=1e-5, rtol=1e-4, err_msg=name)
            np.testing.assert_allclose(got.upsampled[name], one.upsampled[name], atol=1e-5, rtol=1e-4)
    # Different photos get different maps: the batch did not mix them up.
    assert not np.allclose(batch[0].raw["final_relu"], batch[3].raw["final_relu"])


def test_worker_batches_waiting_requests_and_matches_direct_calls(tiny):
    worker = InferenceWorker(tiny, card(), max_batch=8, max_wait_s=0.2)
    try:
        gate = threading.Event()
        blocker = worker.submit(lambda model, c: gate.wait(5))  # hold the worker while requests pile up
        tickets = [worker.explain(f"photo{i}", lambda i=i: photo(i), None) for i in range(6)]
        assert [t.position() for t in tickets] == [1, 2, 3, 4, 5, 6]  # behind the blocker, in order
        gate.set()
        blocker.future.result(5)
        results = [t.future.result(30) for t in tickets]
        assert worker.batches and max(worker.batches) >= 3  # they ran together, not one by one
        for i, res in enumerate(results):
            direct = Predictor(tiny, card()).explain_one(photo(i))
            np.testing.assert_allclose(res.explanation.probs, direct.explanation.probs, atol=1e-6)
            np.testing.assert_allclose(res.explanation.raw["final_relu"], direct.explanation.raw["final_relu"],
                                       atol=1e-5, rtol=1e-4)
    finally:
        worker.close()


@pytest.mark.parametrize("threads", [None, 3])
def test_worker_runs_torch_on_its_own_thread_count(tiny, threads):
    from densenet_viz.serving import WORKER_THREADS

    seen = []

    def recording(images, targets):
        seen.append(torch.get_num_threads())
        return Predictor(tiny, card()).explain(images, targets)

    caller = torch.get_num_threads()
    kwargs = {} if threads is None else {"threads": threads}
    worker = InferenceWorker(tiny, card(), explain_fn=recording, **kwargs)
    try:
        worker.explain("lone", lambda: photo(1)).future.result(30)
        assert worker.submit(lambda model, c: torch.get_num_threads()).future.result(5) == (threads or WORKER_THREADS)
        assert seen == [threads or WORKER_THREADS]
        assert torch.get_num_threads() == caller  # the setting is the worker thread's, not the process's
    finally:
        worker.close()


def test_worker_computes_a_shared_request_once_and_isolates_bad_photos(tiny):
    calls = []

    def counting(images, targets):
        calls.append(len(images))
        return Predictor(tiny, card()).explain(images, targets)

    worker = InferenceWorker(tiny, card(), explain_fn=counting, max_wait_s=0.1)
    try:
        same = [worker.explain("same-photo", lambda: photo(7)) for _ in range(5)]

        def broken():
            raise UserError("image.empty")

        bad = worker.explain("bad", broken)
        assert len({id(t) for t in same}) == 1  # one ticket for everyone asking the same
        first = same[0].future.result(30)
        with pytest.raises(UserError):
            bad.future.result(30)
        again = worker.explain("same-photo", lambda: photo(7))
        assert again.future.done() and again.future.result() is first  # cached: no new computation
        assert sum(calls) == 1
    finally:
        worker.close()


def test_job_executor_is_bounded_and_separate_from_the_worker(tiny):
    jobs = JobExecutor(workers=1, max_waiting=3)
    worker = InferenceWorker(tiny, card())
    try:
        gate = threading.Event()
        held = [jobs.submit(gate.wait, 10)]
        deadline = time.monotonic() + 10
        while jobs.running() != 1 and time.monotonic() < deadline:  # the first one runs...
            time.sleep(0.01)
        held += [jobs.submit(gate.wait, 10) for _ in range(3)]  # ...three more wait: the bound
        assert (jobs.running(), jobs.waiting()) == (1, 3)
        with pytest.raises(QueueFull):
            jobs.submit(time.sleep, 0)
        # A long job does not block explanations: the worker answers while the executor is stuck.
        t0 = time.perf_counter()
        res = worker.explain("p", lambda: photo(1)).future.result(30)
        assert res.top5 and time.perf_counter() - t0 < 20
        assert [h.position() for h in held] == [0, 1, 2, 3]  # the running one counts as ahead of the rest
        gate.set()
        assert all(h.future.result(10) for h in held)
        keyed = [jobs.submit(lambda: object(), key="k") for _ in range(3)]
        assert keyed[0].future.result(5) is keyed[1].future.result(5) is keyed[2].future.result(5)
        assert jobs.submit(lambda: object(), key="k").future.result(5) is keyed[0].future.result()
    finally:
        jobs.close()
        worker.close()
