"""A process-local :class:`~guards.analyzers.base.SessionMemory` for a single process.

The gateway uses ``guards.stores.RedisSessionMemory``; this one serves the benchmark,
the analyzer tests and a standalone guard service run without Redis. It stores the
JSON text, as Redis would, so a state that does not survive serialisation fails here too.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any


class LocalSessionMemory:
    """Session states in a dict, with expiry; one instance per tenant."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._items: dict[str, tuple[float, str]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def load(self, session_id: str) -> dict[str, Any] | None:
        with self._lock:
            item = self._items.get(session_id)
            if item is None:
                return None
            if item[0] <= self._clock():
                del self._items[session_id]
                return None
            return json.loads(item[1])

    def save(self, session_id: str, state: dict[str, Any], *, ttl_seconds: int) -> None:
        text = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
        with self._lock:
            self._items[session_id] = (self._clock() + ttl_seconds, text)

    def delete(self, session_id: str) -> bool:
        with self._lock:
            item = self._items.pop(session_id, None)
            return item is not None and item[0] > self._clock()
