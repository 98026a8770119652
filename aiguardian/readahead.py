"""Values a request read from Redis ahead of the code that needs them (one round trip for several).

The gateway's guard views read, in one script, what authentication, the plan throttles and
config resolution would each have fetched on their own (see ``guards/services/prefetch.py``).
Each of those readers asks :func:`readahead_get` first, by the Redis key name it would have
read, and goes to Redis itself only when the value was not read ahead. The values live in a
context variable for the duration of one request; outside a request nothing is read ahead.

Decoded copies of cached objects (key records, guard configs) are kept per process keyed by
the exact bytes Redis held, so an unchanged entry is unpickled once per worker rather than
on every request, and any write (a revocation, a config save) changes or deletes the bytes
and is seen by the next request, as before.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any, Final

from django.conf import settings

#: What :func:`readahead_get` answers for a name that was not read ahead.
NOT_READ: Final = object()

_values: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar("readahead", default=None)


def readahead_set(values: dict[str, Any]) -> contextvars.Token[dict[str, Any] | None]:
    """Make ``values`` (Redis key name -> raw value, ``None`` = absent) this request's read-ahead."""
    return _values.set(values)


def readahead_reset(token: contextvars.Token[dict[str, Any] | None]) -> None:
    _values.reset(token)


def readahead_get(name: str) -> Any:
    """The raw value read ahead under ``name`` (``None``: Redis had none), or :data:`NOT_READ`."""
    values = _values.get()
    if values is None:
        return NOT_READ
    return values.get(name, NOT_READ)


def readahead_pop(name: str) -> Any:
    """Like :func:`readahead_get`, but the value is used once (a counter incremented ahead)."""
    values = _values.get()
    if values is None:
        return NOT_READ
    return values.pop(name, NOT_READ)


class DecodedMemo:
    """Decoded objects by the exact bytes they were decoded from (per process, bounded).

    Only for immutable results or results nobody mutates: every caller gets the same object.
    """

    def __init__(self, decode: Callable[[bytes], Any], max_entries: int = 2048) -> None:
        self.decode = decode
        self.max_entries = max_entries
        self._entries: dict[bytes, Any] = {}
        self._lock = threading.Lock()

    def get(self, raw: bytes) -> Any:
        hit = self._entries.get(raw, NOT_READ)
        if hit is not NOT_READ:
            return hit
        value = self.decode(raw)
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # many tenants in one process: start over rather than grow
            self._entries[raw] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


# Full Redis key names of the default cache, by key, for the CACHES["default"] they were made for.
_names: tuple[Any, dict[str, str]] | None = None
_NAMES_MAX = 10_000


def cache_key_name(key: str) -> str:
    """``cache.make_key(key)`` (the prefixed, versioned name in Redis), remembered per process.

    The read-ahead names the same few keys on every request; through the per-thread cache
    handler each name cost ~100 opcodes. Changed cache settings start a fresh memo.
    """
    global _names
    config = settings.CACHES["default"]
    memo = _names
    if memo is None or memo[0] is not config or len(memo[1]) >= _NAMES_MAX:
        memo = _names = (config, {})
    name = memo[1].get(key)
    if name is None:
        from django.core.cache import cache

        name = memo[1][key] = cache.make_key(key)
    return name
