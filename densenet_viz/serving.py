"""Serving many sessions from one process, fairly: a batching inference worker that owns the flower model,
and an executor for heavy jobs (builds, measurements, live training), so neither blocks the other and no
session can hold up the others.

- ``FairQueue``: each owner (a session) has its own lane; lanes are served round-robin, so a session that
  queues ten requests waits its turn like everyone else, and holds at most ``per_owner`` waiting items.
- Sliced work: a job whose function returns a generator runs one ``next()`` per turn and then goes to the
  back of the rotation, so a long job (an occlusion sweep, a training run) delays someone else's single
  request by at most one slice. What it yields is its progress (0 … 1), shown to whoever waits for it.
- ``InferenceWorker``: explanation requests go into its queue; its one thread takes what is waiting (up to
  ``max_batch``, round-robin over sessions, waiting at most ``max_wait_s`` after the first for more) and runs
  one batched forward and backward (``Predictor.explain``). Identical requests (same photo bytes, same
  target) share one computation while pending and one cached result after (single flight). Other model work
  (attributions, deletion curves, walkthroughs, sweeps) runs on the same thread as jobs.
- ``JobExecutor``: heavy jobs on threads of their own that run torch on one intra-op thread at a lower CPU
  priority, so the inference worker and the pages keep their share of the cores.

Both hand back a ``Ticket``: a future plus the job's place in its queue and its progress, for a waiting
user to see. No streamlit here: ``ui.workers`` creates one of each per process with ``st.cache_resource``.
"""

from __future__ import annotations

import gc
import inspect
import logging
import os
import queue
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from .errors import UserError

log = logging.getLogger(__name__)

ANONYMOUS = "-"  # the owner of work submitted without one (the process itself: CLI, benchmarks); not capped


class QueueFull(UserError):
    """Too many jobs are waiting already; the user is asked to try again shortly."""

    def __init__(self, waiting: int):
        super().__init__("serving.queue_full", waiting=waiting)


class OwnerQueueFull(UserError):
    """This session already has its share of waiting work; it is asked to let that finish first."""

    def __init__(self, waiting: int):
        super().__init__("serving.owner_full", waiting=waiting)


@dataclass(eq=False)
class Work:
    """One queued piece of work: what to run, for whom, and the ticket its waiters hold."""

    kind: str  # "explain" or "job"
    key: Any
    owner: Hashable
    payload: Any
    ticket: Ticket | None = None
    steps: Any = None  # the generator of a sliced job, once started


@dataclass(eq=False)
class Ticket:
    """A submitted job: its result (``future``), its place in the queue (``position()``) and, for sliced
    work, how far it got (``progress``, 0 … 1)."""

    future: Future
    work: Work | None = field(default=None, repr=False)
    queue_of: FairQueue | None = field(default=None, repr=False)
    progress: float = 0.0

    def position(self) -> int:
        """How many items are served before this one (0: running or next), or 0 once done."""
        if self.future.done() or self.work is None or self.queue_of is None:
            return 0
        return self.queue_of.ahead_of(self.work)

    def wait(self, on_wait: Callable[[int, float], None] | None = None, poll_s: float = 0.1,
             timeout_s: float | None = None) -> Any:
        """The result, calling ``on_wait(position, progress)`` while it waits (when either changes)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        last = None
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return self.future.result(timeout=poll_s if remaining is None else min(poll_s, remaining))
            except TimeoutError:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
                now = (self.position(), round(self.progress, 2))
                if on_wait is not None and now != last:
                    on_wait(*now)
                    last = now


class Closed(Exception):
    """The queue was closed: its worker threads end."""


class FairQueue:
    """Work from many owners, served round-robin: each ``get`` takes the oldest item of the next owner in the
    rotation that has any. ``per_owner`` bounds one owner's waiting items, ``total`` all of them."""

    def __init__(self, per_owner: int, total: int | None = None):
        self.per_owner, self.total = int(per_owner), total
        self._lanes: OrderedDict[Hashable, deque[Work]] = OrderedDict()
        self._running: set[int] = set()  # ids of the items taken and not yet finished or put back
        self._size = 0
        self._closed = False
        self._cond = threading.Condition()

    def check(self, owner: Hashable) -> None:
        """Raise ``OwnerQueueFull`` or ``QueueFull`` if ``owner`` may not add an item now (call under ``lock``)."""
        lane = self._lanes.get(owner)
        if lane is not None and len(lane) >= self.per_owner and owner != ANONYMOUS:
            raise OwnerQueueFull(len(lane))
        if self.total is not None and self._size >= self.total:
            raise QueueFull(self._size)

    @property
    def lock(self) -> threading.Condition:
        return self._cond

    def put(self, work: Work) -> None:
        """Append to the owner's lane (no checks: call ``check`` first for new work; a sliced job's next
        slice is always taken back)."""
        with self._cond:
            self._running.discard(id(work))
            self._lanes.setdefault(work.owner, deque()).append(work)
            self._size += 1
            self._cond.notify()

    def finished(self, work: Work) -> None:
        """``work`` (taken by ``get`` or ``take``) is no longer running."""
        with self._cond:
            self._running.discard(id(work))

    def _pop_next(self) -> Work:
        owner, lane = next(iter(self._lanes.items()))
        work = lane.popleft()
        self._lanes.pop(owner)
        if lane:
            self._lanes[owner] = lane  # back of the rotation
        self._size -= 1
        self._running.add(id(work))
        return work

    def get(self, timeout: float | None = None) -> Work:
        """The next item in round-robin order; ``queue.Empty`` after ``timeout``; ``Closed`` once closed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._size or self._closed, timeout):
                raise queue.Empty
            if self._closed:
                raise Closed
            return self._pop_next()

    def take(self, wanted: Callable[[Work], bool], limit: int, timeout: float = 0.0) -> list[Work]:
        """Up to ``limit`` items for which ``wanted`` is true, one owner at a time in rotation order (their
        owners move to the back), waiting up to ``timeout`` for the first if none is there."""
        deadline = time.monotonic() + timeout
        taken: list[Work] = []
        with self._cond:
            while len(taken) < limit and not self._closed:
                progress = False
                for owner in list(self._lanes):
                    if len(taken) >= limit:
                        break
                    lane = self._lanes[owner]
                    if lane and wanted(lane[0]):
                        taken.append(lane.popleft())
                        self._running.add(id(taken[-1]))
                        self._size -= 1
                        self._lanes.pop(owner)
                        if lane:
                            self._lanes[owner] = lane
                        progress = True
                if not progress:
                    left = deadline - time.monotonic()
                    if left <= 0 or not self._cond.wait(left):
                        break
        return taken

    def ahead_of(self, work: Work) -> int:
        """How many items run or are served before ``work`` under round-robin (0: it is running)."""
        with self._cond:
            lane = self._lanes.get(work.owner)
            if lane is None or work not in lane:
                return 0
            i = lane.index(work)
            ahead, before = i + len(self._running), True
            for owner, other in self._lanes.items():
                if owner == work.owner:
                    before = False
                    continue
                ahead += min(len(other), i + 1 if before else i)
            return ahead

    def running(self) -> int:
        """Items taken and not yet finished."""
        with self._cond:
            return len(self._running)

    def waiting(self, owner: Hashable | None = None) -> int:
        """Items waiting (not running) in all lanes, or in ``owner``'s."""
        with self._cond:
            return self._size if owner is None else len(self._lanes.get(owner, ()))

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class _SingleFlight:
    """Tickets by key: equal requests pending share one ticket; finished results are kept (LRU) and
    handed out at once. Requests without a key are always new."""

    def __init__(self, cache_size: int):
        self._cache_size = int(cache_size)
        self._lock = threading.Lock()
        self._inflight: dict[Any, Ticket] = {}
        self._done: OrderedDict[Any, Any] = OrderedDict()

    def begin(self, key: Any, start: Callable[[], Ticket]) -> Ticket:
        """The ticket for ``key``: a cached result, the pending request's ticket, or ``start()``'s (which may
        raise to refuse new work)."""
        with self._lock:
            if key is not None and key in self._done:
                self._done.move_to_end(key)
                future: Future = Future()
                future.set_result(self._done[key])
                return Ticket(future)
            if key is not None and key in self._inflight:
                return self._inflight[key]
            ticket = start()
            if key is not None:
                self._inflight[key] = ticket
            return ticket

    def finish(self, work: Work, result: Any = None, error: BaseException | None = None) -> None:
        with self._lock:
            if work.key is not None:
                self._inflight.pop(work.key, None)
                if error is None and self._cache_size > 0:
                    self._done[work.key] = result
                    while len(self._done) > self._cache_size:
                        self._done.popitem(last=False)
        if error is None:
            work.ticket.future.set_result(result)
        else:
            work.ticket.future.set_exception(error)


class _Server:
    """What the inference worker and the job executor share: a fair queue, single flight, and running one
    turn of a job (all of it, or one slice of a sliced job)."""

    def __init__(self, per_owner: int, total: int | None, cache_size: int,
                 owner_of: Callable[[], Hashable] | None):
        self._queue = FairQueue(per_owner, total)
        self._flights = _SingleFlight(cache_size)
        self._owner_of = owner_of or (lambda: ANONYMOUS)

    def _enqueue(self, kind: str, key: Any, owner: Hashable | None, payload: Any) -> Ticket:
        owner = self._owner_of() if owner is None else owner

        def start() -> Ticket:
            with self._queue.lock:
                self._queue.check(owner)
                work = Work(kind, key, owner, payload)
                work.ticket = Ticket(Future(), work, self._queue)
                self._queue.put(work)
            return work.ticket

        return self._flights.begin(key, start)

    def _turn(self, work: Work, *first: Any) -> None:
        """Run the job (``fn(*first, *args, **kwargs)`` from its payload) or its next slice; requeue it if
        slices remain."""
        try:
            self._run_turn(work, first)
        finally:
            self._queue.finished(work)

    def _run_turn(self, work: Work, first: tuple) -> None:
        try:
            if work.steps is None:
                fn, args, kwargs = work.payload
                result = fn(*first, *args, **kwargs)
                if not inspect.isgenerator(result):
                    self._flights.finish(work, result)
                    return
                work.steps = result
            try:
                work.ticket.progress = float(next(work.steps) or 0.0)
            except StopIteration as done:
                self._flights.finish(work, done.value)
                return
        except Exception as exc:  # noqa: BLE001 - the job's own error goes to its future
            if not isinstance(exc, UserError):
                log.exception("job failed")
            self._flights.finish(work, error=exc)
            return
        self._queue.put(work)  # the next slice waits its turn behind everyone else's

    def waiting(self, owner: Hashable | None = None) -> int:
        """Items waiting (not running), in all, or ``owner``'s own."""
        return self._queue.waiting(owner)

    def running(self) -> int:
        """Items running now (a sliced job between two slices counts as waiting)."""
        return self._queue.running()

    def close(self) -> None:
        self._queue.close()


# One torch thread for the worker: a second one spins while it waits for the first, so it costs more CPU
# per photo than it saves in wall time (``bench.batching``, docs/benchmarks.md). On a server the other core
# is never idle in a burst (every session's rerun wants it), so that spinning is pure loss.
WORKER_THREADS = 1
PER_SESSION = 4  # waiting items one session may hold in each queue (a page waits for one at a time)


class InferenceWorker(_Server):
    """One thread that owns ``model``: batched explanations plus any other model jobs, round-robin over
    owners. Its torch work runs on ``threads`` intra-op threads (torch's setting is per thread). Work
    submitted without an ``owner`` belongs to ``owner_of()`` (the app passes the calling session's id)."""

    def __init__(self, model, card, max_batch: int = 8, max_wait_s: float = 0.02, cache_size: int = 64,
                 explain_fn: Callable | None = None, threads: int = WORKER_THREADS, per_owner: int = PER_SESSION,
                 owner_of: Callable[[], Hashable] | None = None):
        from .predictor import Predictor

        super().__init__(per_owner, None, cache_size, owner_of)
        self.model, self.card = model, card
        self.max_batch, self.max_wait_s = int(max_batch), float(max_wait_s)
        self.threads = int(threads)
        self._explain = explain_fn or Predictor(model, card).explain
        self.batches: list[int] = []  # sizes of the batches run (for tests and benchmarks)
        self._thread = threading.Thread(target=self._run, name="inference-worker", daemon=True)
        self._thread.start()

    def explain(self, key: Any, image_fn: Callable[[], Any], target: int | None = None,
                owner: Hashable | None = None) -> Ticket:
        """Explain the photo ``image_fn()`` returns (a PIL image); ``key`` identifies it (e.g. its SHA-256).

        A request equal to one pending or recently done shares its ticket: computed once for everyone.
        ``image_fn`` runs on the worker (decoding is cheap next to the model, and errors reach the future).
        """
        return self._enqueue("explain", ("explain", key, target), owner, (image_fn, target))

    def submit(self, fn: Callable, *args, key: Any = None, owner: Hashable | None = None, **kwargs) -> Ticket:
        """Run ``fn(model, card, *args, **kwargs)`` on the worker thread; with ``key``, single-flight and cached.
        If ``fn`` returns a generator, it runs one slice (``next``) per turn."""
        return self._enqueue("job", None if key is None else ("job", key), owner, (fn, args, kwargs))

    def _run_explanations(self, batch: list[Work]) -> None:
        images, targets, ok = [], [], []
        for work in batch:
            image_fn, target = work.payload
            try:
                images.append(image_fn())
                targets.append(target)
                ok.append(work)
            except Exception as exc:  # noqa: BLE001 - a bad photo fails its own request only
                self._flights.finish(work, error=exc)
        if not ok:
            return
        try:
            results = self._explain(images, targets)
        except Exception as exc:  # noqa: BLE001 - report to every waiting session, keep the worker alive
            log.exception("batched explanation failed")
            for work in ok:
                self._flights.finish(work, error=exc)
            return
        self.batches.append(len(ok))
        for work, result in zip(ok, results):
            self._flights.finish(work, result)

    def _run(self) -> None:
        import torch

        torch.set_num_threads(self.threads)  # this thread only
        while True:
            try:
                work = self._queue.get()
            except Closed:
                return
            if work.kind == "job":
                self._turn(work, self.model, self.card)
                continue
            batch = [work, *self._queue.take(lambda w: w.kind == "explain", self.max_batch - 1,
                                             timeout=self.max_wait_s)]
            try:
                self._run_explanations(batch)
            finally:
                for done in batch:
                    self._queue.finished(done)

    def close(self) -> None:
        super().close()
        self._thread.join(timeout=10)


JOB_NICE = 10  # heavy jobs yield the CPU to the inference worker and the pages


def lower_this_thread(threads: int = 1, nice: int = JOB_NICE) -> None:
    """Run this thread's torch work on ``threads`` intra-op threads at a lower CPU priority (Linux nice
    applies per thread; elsewhere only the thread count is set)."""
    import torch

    torch.set_num_threads(threads)
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except (AttributeError, OSError):  # not Linux, or not allowed: the thread count still applies
        pass


class JobExecutor(_Server):
    """Heavy jobs run by ``workers`` threads of their own (never the inference worker's), round-robin over
    sessions; at most ``max_waiting`` wait in all and ``per_owner`` per session. Jobs with a ``key`` are
    single-flight and their results cached (LRU, ``cache_size``); a job returning a generator is sliced."""

    def __init__(self, workers: int = 1, max_waiting: int = 16, cache_size: int = 64, name: str = "jobs",
                 per_owner: int = PER_SESSION, torch_threads: int = 1, nice: int = JOB_NICE,
                 owner_of: Callable[[], Hashable] | None = None):
        super().__init__(per_owner, max_waiting, cache_size, owner_of)
        self.max_waiting = int(max_waiting)
        self._torch_threads, self._nice = int(torch_threads), int(nice)
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{i}", daemon=True) for i in range(workers)]
        for th in self._threads:
            th.start()

    def submit(self, fn: Callable, *args, key: Any = None, owner: Hashable | None = None, **kwargs) -> Ticket:
        """Queue ``fn(*args, **kwargs)``; raises ``QueueFull`` when ``max_waiting`` jobs wait already and
        ``OwnerQueueFull`` when ``owner`` has ``per_owner`` waiting."""
        return self._enqueue("job", key, owner, (fn, args, kwargs))

    def _run(self) -> None:
        lower_this_thread(self._torch_threads, self._nice)
        while True:
            try:
                work = self._queue.get()
            except Closed:
                return
            self._turn(work)


_frozen = threading.Lock()
_froze = False


def freeze_long_lived_objects() -> bool:
    """Once per process: collect, then move every object alive now (the imported libraries, the first
    caches) out of reach of the cyclic garbage collector. A full collection then scans only what came later,
    so the server's automatic full collections stop pausing every session (docs/benchmarks.md). True the
    first time."""
    global _froze
    with _frozen:
        if _froze:
            return False
        gc.collect()  # garbage from start-up is freed now, not frozen
        gc.freeze()
        _froze = True
        return True
