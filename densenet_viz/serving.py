"""Serving many sessions from one process: a batching inference worker that owns the flower model, and a
bounded executor for heavy jobs (builds, measurements, live training), so neither blocks the other.

- ``InferenceWorker``: explanation requests from every session go into one queue. Its one thread takes
  what is waiting (up to ``max_batch``, waiting at most ``max_wait_s`` after the first for more) and runs
  one batched forward and backward (``explain.explain_photos``). Identical requests (same photo bytes,
  same target) share one computation while pending and one cached result after (single flight). Other
  model work (attributions, deletion curves, walkthroughs) runs on the same thread as plain jobs, so no
  torch work runs on the sessions' script threads.
- ``JobExecutor``: a bounded queue of heavy jobs on their own worker thread(s); a full queue refuses
  new work instead of piling it up.

Both hand back a ``Ticket``: a future plus the job's place in its queue, for a waiting user to see.
No streamlit here: ``ui.serving`` creates one of each per process with ``st.cache_resource``.
"""

from __future__ import annotations

import gc
import itertools
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from .errors import UserError

log = logging.getLogger(__name__)


class QueueFull(UserError):
    """Too many jobs are waiting already; the user is asked to try again shortly."""

    def __init__(self, waiting: int):
        super().__init__("serving.queue_full", waiting=waiting)


@dataclass
class Ticket:
    """A submitted job: its result (``future``) and its place in the queue (``position()``)."""

    future: Future
    seq: int
    queue_of: _Queue = field(repr=False)

    def position(self) -> int:
        """How many jobs are ahead of this one (0: running or next), or 0 once done."""
        return 0 if self.future.done() else self.queue_of.ahead_of(self.seq)

    def wait(self, on_wait: Callable[[int], None] | None = None, poll_s: float = 0.1,
             timeout_s: float | None = None) -> Any:
        """The result, calling ``on_wait(position)`` while it waits (when the place changes)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        last = None
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return self.future.result(timeout=poll_s if remaining is None else min(poll_s, remaining))
            except TimeoutError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                place = self.position()
                if on_wait is not None and place != last:
                    on_wait(place)
                    last = place


class _Queue:
    """Sequence numbers for submitted and started jobs, to tell each waiting job its place."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counter = itertools.count()
        self._pending: set[int] = set()

    def enter(self) -> int:
        with self._lock:
            seq = next(self._counter)
            self._pending.add(seq)
            return seq

    def leave(self, seq: int) -> None:
        with self._lock:
            self._pending.discard(seq)

    def ahead_of(self, seq: int) -> int:
        with self._lock:
            return sum(1 for s in self._pending if s < seq)

    def waiting(self) -> int:
        with self._lock:
            return len(self._pending)


class _SingleFlight:
    """Tickets by key: equal requests pending share one ticket; finished results are kept (LRU) and
    handed out at once. Requests without a key are always new."""

    def __init__(self, places: _Queue, cache_size: int):
        self._places, self._cache_size = places, int(cache_size)
        self._lock = threading.Lock()
        self._inflight: dict[Any, Ticket] = {}
        self._done: OrderedDict[Any, Any] = OrderedDict()

    def begin(self, key: Any, admit: Callable[[], None] | None = None) -> tuple[Ticket, bool]:
        """(ticket, whether the caller must queue the work). ``admit`` may raise to refuse new work."""
        with self._lock:
            if key is not None and key in self._done:
                self._done.move_to_end(key)
                future: Future = Future()
                future.set_result(self._done[key])
                return Ticket(future, -1, self._places), False
            if key is not None and key in self._inflight:
                return self._inflight[key], False
            if admit is not None:
                admit()
            ticket = Ticket(Future(), self._places.enter(), self._places)
            if key is not None:
                self._inflight[key] = ticket
            return ticket, True

    def finish(self, key: Any, ticket: Ticket, result: Any = None, error: BaseException | None = None) -> None:
        with self._lock:
            if key is not None:
                self._inflight.pop(key, None)
                if error is None and self._cache_size > 0:
                    self._done[key] = result
                    while len(self._done) > self._cache_size:
                        self._done.popitem(last=False)
        self._places.leave(ticket.seq)
        if error is None:
            ticket.future.set_result(result)
        else:
            ticket.future.set_exception(error)


# One torch thread for the worker. Measured on the 2-core VM (bench.batching, 192 px, top-5 with flip and
# 5 CAMs, CPU per photo): one thread 186-192 ms whatever the batch; two threads 313 ms for a lone photo
# (157 ms wall) and 210-252 ms in batches of 4-16, because the second thread spins while it waits for the
# first. On a server the other core is never idle in a burst (every session's rerun wants it), and there
# the spinning cost the most: with 30 sessions the server spent 1.42 s of CPU per upload with two torch
# threads against 0.37-0.42 s with one (bench.load_test, docs/benchmarks.md).
WORKER_THREADS = 1


class InferenceWorker:
    """One thread that owns ``model``: batched explanations plus any other model jobs, in arrival order.
    Its torch work runs on ``threads`` intra-op threads (torch's setting is per thread; see WORKER_THREADS)."""

    def __init__(self, model, card, max_batch: int = 8, max_wait_s: float = 0.02, cache_size: int = 64,
                 explain_fn: Callable | None = None, threads: int = WORKER_THREADS):
        from .explain import explain_photos

        self.model, self.card = model, card
        self.max_batch, self.max_wait_s = int(max_batch), float(max_wait_s)
        self.threads = int(threads)
        self._explain = explain_fn or (lambda images, targets: explain_photos(model, card, images, targets))
        self._inbox: queue.Queue = queue.Queue()
        self._places = _Queue()
        self._flights = _SingleFlight(self._places, cache_size)
        self.batches: list[int] = []  # sizes of the batches run (for tests and benchmarks)
        self._thread = threading.Thread(target=self._run, name="inference-worker", daemon=True)
        self._thread.start()

    def explain(self, key: Any, image_fn: Callable[[], Any], target: int | None = None) -> Ticket:
        """Explain the photo ``image_fn()`` returns (a PIL image); ``key`` identifies it (e.g. its SHA-256).

        A request equal to one pending or recently done shares its ticket: computed once for everyone.
        ``image_fn`` runs on the worker (decoding is cheap next to the model, and errors reach the future).
        """
        full_key = ("explain", key, target)
        ticket, new = self._flights.begin(full_key)
        if new:
            self._inbox.put(("explain", full_key, ticket, (image_fn, target)))
        return ticket

    def submit(self, fn: Callable, *args, key: Any = None, **kwargs) -> Ticket:
        """Run ``fn(model, card, *args, **kwargs)`` on the worker thread; with ``key``, single-flight and cached."""
        full_key = None if key is None else ("job", key)
        ticket, new = self._flights.begin(full_key)
        if new:
            self._inbox.put(("job", full_key, ticket, (fn, args, kwargs)))
        return ticket

    def waiting(self) -> int:
        return self._places.waiting()

    def _take_batch(self, first) -> tuple[list, list]:
        """The first request plus whatever explanation requests arrive within ``max_wait_s``."""
        batch, rest = [first], []
        deadline = time.monotonic() + self.max_wait_s
        while len(batch) < self.max_batch:
            try:
                item = self._inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if item is None:
                self._inbox.put(None)  # closing: finish this batch first
                break
            (batch if item[0] == "explain" else rest).append(item)
        return batch, rest

    def _run_explanations(self, batch: list) -> None:
        images, targets, ok = [], [], []
        for item in batch:
            _, key, ticket, (image_fn, target) = item
            try:
                images.append(image_fn())
                targets.append(target)
                ok.append(item)
            except Exception as exc:  # noqa: BLE001 - a bad photo fails its own request only
                self._flights.finish(key, ticket, error=exc)
        if not ok:
            return
        try:
            results = self._explain(images, targets)
        except Exception as exc:  # noqa: BLE001 - report to every waiting session, keep the worker alive
            log.exception("batched explanation failed")
            for _, key, ticket, _ in ok:
                self._flights.finish(key, ticket, error=exc)
            return
        self.batches.append(len(ok))
        for (_, key, ticket, _), result in zip(ok, results):
            self._flights.finish(key, ticket, result)

    def _run_job(self, item) -> None:
        _, key, ticket, (fn, args, kwargs) = item
        try:
            result = fn(self.model, self.card, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the job's own error goes to its future
            self._flights.finish(key, ticket, error=exc)
            return
        self._flights.finish(key, ticket, result)

    def _run(self) -> None:
        import torch

        torch.set_num_threads(self.threads)  # this thread only
        while True:
            item = self._inbox.get()
            if item is None:
                return
            if item[0] == "job":
                self._run_job(item)
                continue
            batch, rest = self._take_batch(item)
            self._run_explanations(batch)
            for job in rest:
                self._run_job(job)

    def close(self) -> None:
        self._inbox.put(None)
        self._thread.join(timeout=10)


class JobExecutor:
    """A bounded queue of heavy jobs run by ``workers`` threads of their own (never the inference worker's).
    Jobs with a ``key`` are single-flight and their results cached (LRU, ``cache_size``)."""

    def __init__(self, workers: int = 1, max_waiting: int = 16, cache_size: int = 64, name: str = "jobs"):
        self.max_waiting = int(max_waiting)
        self._inbox: queue.Queue = queue.Queue()
        self._places = _Queue()
        self._flights = _SingleFlight(self._places, cache_size)
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{i}", daemon=True) for i in range(workers)]
        for th in self._threads:
            th.start()

    def submit(self, fn: Callable, *args, key: Any = None, **kwargs) -> Ticket:
        """Queue ``fn(*args, **kwargs)``; raises ``QueueFull`` when ``max_waiting`` jobs wait already."""

        def admit() -> None:
            if self._places.waiting() >= self.max_waiting:
                raise QueueFull(self._places.waiting())

        ticket, new = self._flights.begin(key, admit)
        if new:
            self._inbox.put((key, ticket, fn, args, kwargs))
        return ticket

    def waiting(self) -> int:
        return self._places.waiting()

    def _run(self) -> None:
        while True:
            item = self._inbox.get()
            if item is None:
                return
            key, ticket, fn, args, kwargs = item
            try:
                result, error = fn(*args, **kwargs), None
            except Exception as exc:  # noqa: BLE001 - the job's own error goes to its future
                result, error = None, exc
            self._flights.finish(key, ticket, result, error)

    def close(self) -> None:
        for _ in self._threads:
            self._inbox.put(None)


_frozen = threading.Lock()
_froze = False


def freeze_long_lived_objects() -> bool:
    """Once per process: collect, then move every object alive now (the imported libraries, the first
    caches) out of reach of the cyclic garbage collector. A full collection then scans only what came later.
    Why: a server holds ~260,000 tracked objects, and each automatic full collection paused every session
    for 143-235 ms with the GIL held (measured beside bench.slider_latency). True the first time."""
    global _froze
    with _frozen:
        if _froze:
            return False
        gc.collect()  # garbage from start-up is freed now, not frozen
        gc.freeze()
        _froze = True
        return True
