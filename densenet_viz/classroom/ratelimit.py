"""An in-process sliding-window rate limiter (per client), thread-safe, with an injectable clock."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

from ..errors import UserError


class RateLimiter:
    """At most ``limit`` events per ``window_s`` for each key; a refused event is not counted.

    Memory is bounded: at most ``max_keys`` keys are remembered, the least recently seen forgotten first
    (a forgotten client starts afresh, which only errs on the lenient side).
    """

    def __init__(self, limit: int, window_s: float = 60.0, clock: Callable[[], float] = time.time,
                 max_keys: int = 10_000):
        self.limit, self.window_s, self.clock, self.max_keys = limit, window_s, clock, max_keys
        self._events: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: Hashable) -> None:
        """Count one event for ``key``, or raise ``UserError("classroom.rate_limited", seconds=N)``."""
        now = self.clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window_s:
                events.popleft()
            if len(events) >= self.limit:
                self._events[key] = events
                wait = max(1, math.ceil(events[0] + self.window_s - now))
                raise UserError("classroom.rate_limited", seconds=wait)
            events.append(now)
            self._events[key] = events  # most recently seen last
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
