"""Tenant-scoped stores the gateway hands to analyzers: session memory and token budgets.

Wiring (the gateway's ``guards.services.context.analyzer_context`` does this)::

    AnalyzerContext(tenant_key=key, session_id=...,
                    memory=RedisSessionMemory(key), budgets=RedisBudgetStore(key))

and the session-memory API (tenant-scoped, ``tenant_key`` from the authenticated key)::

    GET    .../contextguard/sessions/{session_id}  -> session_memory_get(key, session_id)
                                                      (None -> 404, else 200 with the dict)
    DELETE .../contextguard/sessions/{session_id}  -> session_memory_delete(key, session_id)
                                                      (False -> 404, True -> 204)

Isolation: every Redis key is ``{prefix}:ctx:{tenant_key}:{sha256(session_id)}`` or
``{prefix}:budget:{tenant_key}:{key}``; a store object is bound to one tenant key and
has no way to name another's keys, and the session id is hashed so no client-chosen
string lands in a key. ``tenant_key`` must be a plain token (letters, digits, ``_.-``),
which keeps the namespaces from overlapping.

Backends: with django-redis (``REDIS_URL`` set) the stores talk to Redis directly
(``SET ... EX``, ``INCRBY`` + ``EXPIRE NX`` in one ``MULTI``; Redis >= 7). Without it
(the embedded default, local-memory cache) the same operations go through Django's
cache API, which is per process: fine for development, not for several workers.

While Redis is unreachable a store call raises ``GuardUnavailable`` (503
``guard_unavailable``): contextguard without its session memory, or tokenguard without
its budget, cannot give a truthful answer, and the caller may retry.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache import cache

from aiguardian.redis_outage import REDIS_ERRORS, redis_client
from guards.analyzers.contextguard.state import public_view
from guards.errors import GuardUnavailable

MAX_TTL_SECONDS = 30 * 86400
DEFAULT_MAX_STATE_BYTES = 1024 * 1024  # a backstop: contextguard compacts to the tenant's smaller limit
_TENANT_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")


class SessionStateTooLarge(ValueError):
    """A session state over the store's byte limit was refused (nothing was written)."""


def _check_tenant_key(tenant_key: str) -> str:
    if not isinstance(tenant_key, str) or not _TENANT_KEY.match(tenant_key):
        raise ValueError("tenant_key must be 1-128 characters of letters, digits, '_', '.' or '-'")
    return tenant_key


@contextmanager
def _redis_or_unavailable(what: str) -> Iterator[None]:
    try:
        yield
    except REDIS_ERRORS as exc:
        raise GuardUnavailable(f"{what} is unavailable right now; retry shortly.") from exc


def _prefix() -> str:
    return str(settings.CACHES["default"].get("KEY_PREFIX") or "aig")


class RedisSessionMemory:
    """contextguard's :class:`~guards.analyzers.base.SessionMemory` for one tenant.

    States are stored as compact JSON under a TTL; a state that is not valid JSON
    reads as absent (the analyzer then starts a new session).
    """

    def __init__(self, tenant_key: str, *, max_state_bytes: int = DEFAULT_MAX_STATE_BYTES) -> None:
        self.tenant_key = _check_tenant_key(tenant_key)
        self.max_state_bytes = max_state_bytes

    def key(self, session_id: str) -> str:
        digest = hashlib.sha256(session_id.encode("utf-8")).hexdigest()
        return f"{_prefix()}:ctx:{self.tenant_key}:{digest}"

    def load(self, session_id: str) -> dict[str, Any] | None:
        client = redis_client()
        with _redis_or_unavailable("Session memory"):
            raw = client.get(self.key(session_id)) if client is not None else cache.get(self.key(session_id))
        if raw is None:
            return None
        try:
            state = json.loads(raw)
        except (TypeError, ValueError):
            return None
        return state if isinstance(state, dict) else None

    def save(self, session_id: str, state: dict[str, Any], *, ttl_seconds: int) -> None:
        raw = json.dumps(state, separators=(",", ":"), ensure_ascii=False)
        size = len(raw.encode("utf-8"))
        if size > self.max_state_bytes:
            raise SessionStateTooLarge(f"session state is {size} bytes; the limit is {self.max_state_bytes}")
        ttl = max(1, min(int(ttl_seconds), MAX_TTL_SECONDS))
        client = redis_client()
        with _redis_or_unavailable("Session memory"):
            if client is not None:
                client.set(self.key(session_id), raw, ex=ttl)
            else:
                cache.set(self.key(session_id), raw, timeout=ttl)

    def delete(self, session_id: str) -> bool:
        client = redis_client()
        with _redis_or_unavailable("Session memory"):
            if client is not None:
                return bool(client.delete(self.key(session_id)))
            return bool(cache.delete(self.key(session_id)))


class RedisBudgetStore:
    """tokenguard's :class:`~guards.analyzers.base.BudgetStore` for one tenant.

    ``key`` names the counter, usually including its window (``...:day:2026-11-22``);
    the counter expires ``period_seconds`` after its *first* charge, so steady traffic
    cannot keep a window alive past its end.
    """

    def __init__(self, tenant_key: str) -> None:
        self.tenant_key = _check_tenant_key(tenant_key)

    def counter_key(self, key: str) -> str:
        return f"{_prefix()}:budget:{self.tenant_key}:{key}"

    def consume(self, key: str, amount: int, *, period_seconds: int) -> int:
        if amount < 0:
            raise ValueError("amount must not be negative")
        ttl = max(1, int(period_seconds))
        full = self.counter_key(key)
        client = redis_client()
        if client is not None:
            pipe = client.pipeline(transaction=True)
            pipe.incrby(full, amount)
            pipe.expire(full, ttl, nx=True)
            with _redis_or_unavailable("The token budget"):
                total, _ = pipe.execute()
            return int(total)
        cache.add(full, 0, timeout=ttl)
        try:
            return int(cache.incr(full, amount))
        except ValueError:  # expired between add and incr
            cache.add(full, amount, timeout=ttl)
            return int(cache.get(full, amount))

    def used(self, key: str) -> int:
        client = redis_client()
        with _redis_or_unavailable("The token budget"):
            raw = client.get(self.counter_key(key)) if client is not None else cache.get(self.counter_key(key))
        return int(raw) if raw is not None else 0


def session_memory_get(tenant_key: str, session_id: str) -> dict[str, Any] | None:
    """The client-safe view of a session's memory (turns, roles, trimmed texts, times; no vectors).

    ``None`` when the tenant has no live session by that id.
    """
    view = public_view(RedisSessionMemory(tenant_key).load(session_id))
    if view is None:
        return None
    return {"session_id": session_id, **view}


def session_memory_delete(tenant_key: str, session_id: str) -> bool:
    """Forget a session's memory; False when there was none (already expired or never seen)."""
    return RedisSessionMemory(tenant_key).delete(session_id)
