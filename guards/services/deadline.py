"""Stop an in-process analysis at its deadline, in the thread that runs it.

The analysis runs inline (no thread hop, so a normal request pays only a heap push and
a lock), while one watchdog thread per process keeps the armed deadlines in a heap.
When a deadline passes before its scope exits, the watchdog raises
:class:`DeadlineExceeded` in the analysing thread (``PyThreadState_SetAsyncExc``): the
interpreter delivers it at the thread's next bytecode, so Python loops in analyzers stop
within milliseconds and the worker (or scan-pool thread) is free again, with nothing
left running. It is a ``BaseException`` so an analyzer's ``except Exception`` cannot
swallow it; ``finally`` blocks and ``with`` exits still run. (Code that calls
``lock.acquire()`` and only then enters ``try`` could lose the lock if the exception lands
in between; ``with lock:`` cannot, which is how analyzers take their locks.)

Limit: a single C call that holds the GIL (one ``regex`` match over a huge input) is not
interrupted until it returns. Texts long enough for that to matter are analysed in a
child process killed at the deadline instead (``guards.services.isolation``); the input
budget (``guards.services.budget``) and linear-time analyzers keep the rest short.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int


class DeadlineExceeded(BaseException):
    """Delivered asynchronously into a thread whose scope ran past its deadline."""


@dataclass(eq=False, slots=True)
class _Armed:
    thread_id: int
    when: float
    fired: bool = False
    done: bool = field(default=False)


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    # Passing NULL (None) clears an exception set earlier and not yet delivered.
    _set_async_exc(thread_id, exc if exc is not None else ctypes.py_object())


class _Watchdog:
    """The process's deadline heap and the thread that fires it (recreated after a fork)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)  # the watchdog waits on it; arm/disarm take the bare lock
        self._heap: list[tuple[float, int, _Armed]] = []
        self._seq = itertools.count()
        self._pid = 0
        self._wakes_at = float("inf")  # when the watchdog will look next: wake it only for an earlier deadline
        self._open = 0  # armed and not yet closed; closed entries are dropped from the heap lazily

    def arm(self, when: float) -> _Armed:
        armed = _Armed(thread_id=threading.get_ident(), when=when)
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked child: start a thread here
                self._heap.clear()
                self._open = 0
                self._wakes_at = float("inf")
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="guard-deadline", daemon=True).start()
            heapq.heappush(self._heap, (when, next(self._seq), armed))
            self._open += 1
            if when < self._wakes_at:
                self._wakes_at = when
                self._cond.notify()
        return armed

    def disarm(self, armed: _Armed) -> bool:
        """Close the scope; True when the deadline had fired (its exception, if pending, is dropped)."""
        with self._lock:
            if not armed.done:
                armed.done = True
                self._open -= 1
            if armed.fired:
                _raise_in(armed.thread_id, None)
            elif len(self._heap) > 2 * self._open + 256:
                # Closed scopes wait in the heap until their deadline; compact so it stays near the open count.
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
            return armed.fired

    def pending(self) -> int:
        """Scopes open now (for tests and metrics)."""
        with self._lock:
            return self._open

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wakes_at = float("inf")
                    self._cond.wait()
                    continue
                when, _, armed = self._heap[0]
                delay = when - time.monotonic()
                if delay > 0:
                    self._wakes_at = when
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                armed.fired = True  # under the lock: disarm() sees it and clears an undelivered raise
                _raise_in(armed.thread_id, DeadlineExceeded)


_watchdog = _Watchdog()


@contextmanager
def deadline_scope(when: float) -> Iterator[None]:
    """Run the block until ``when`` (``time.monotonic()``); past it, :class:`DeadlineExceeded` is raised in it.

    The exception may surface anywhere in the block or while the scope closes, so catch
    it around the ``with`` statement, not inside it.
    """
    if when <= time.monotonic():
        raise DeadlineExceeded()
    armed = _watchdog.arm(when)
    try:
        yield
    finally:
        try:
            _watchdog.disarm(armed)
        except DeadlineExceeded:  # delivered while closing, before disarm took the lock: close for real
            _watchdog.disarm(armed)
            raise


def armed_scopes() -> int:
    """How many deadline scopes are open in this process (0 when every analysis has ended)."""
    return _watchdog.pending()
