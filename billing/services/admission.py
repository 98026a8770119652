"""Admission: count a request in its tenant's minute window and read what the throttles need.

With Redis this is one round trip (a Lua script: INCR + EXPIRE of the window, GET of
the month counter and of the cached plan limits). Only a cold limits cache or a lost
month counter costs more, and each is refilled for everyone.

Without Redis (an outage; see ``aiguardian/redis_outage.py``) the window is counted in
this process and the limits and month total come from PostgreSQL, memoised for a few
seconds; the window says ``degraded`` and the throttle decides, by
``THROTTLE_FAIL_OPEN``, whether to admit on those figures or refuse with a 503.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache

from aiguardian.readahead import NOT_READ, readahead_get, readahead_pop
from aiguardian.redis_outage import REDIS_ERRORS, redis_client
from billing.services.keys import limits_key, month_key, now, rate_key
from billing.services.plans import PlanLimits, limits_decode, limits_from_db, limits_load, plan_limits_get
from billing.services.usage import month_total_from_db, month_total_reseed, usage_month_total

RATE_WINDOW_SECONDS = 60
RATE_KEY_TTL = 2 * RATE_WINDOW_SECONDS
_DEGRADED_MEMO_SECONDS = 5.0

# KEYS: rate window, month total, plan limits. ARGV: the window key's TTL.
_ADMISSION_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3])}
"""
_scripts: dict[int, Any] = {}
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class UsageWindow:
    """What the throttles need for one request, read in one go."""

    limits: PlanLimits
    rate_count: int  # requests in the current minute window, this one included
    month_total: int  # units metered this calendar month, before this request
    window_resets_in: int  # seconds until the minute window rolls over
    degraded: bool = False  # counted without Redis: per process, figures from PostgreSQL


def admission_script(client: Any) -> Any:
    """``register_script`` per client: it keeps the SHA and reloads the script after a Redis restart."""
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_ADMISSION_SCRIPT)
    return script


def admission_keys(*, tenant_id: int, clock: float) -> tuple[str, str, str]:
    """The Redis keys one admission touches at ``clock``: rate window, month total, plan limits."""
    window = int(clock // RATE_WINDOW_SECONDS)
    return rate_key(tenant_id, window), month_key(tenant_id, now()), limits_key(tenant_id)


def usage_window_hit(*, tenant_id: int) -> UsageWindow:
    """Count a request in the tenant's minute window; return it with the limits and the month total.

    When the request already counted itself in the window ahead of time (the gateway's
    one-round-trip read, ``aiguardian.readahead``), that count and the month total and
    limits read with it are used instead of another round trip.
    """
    clock = time.time()
    window = int(clock // RATE_WINDOW_SECONDS)
    resets_in = max(1, int(RATE_WINDOW_SECONDS - clock % RATE_WINDOW_SECONDS) + 1)
    client = redis_client()
    if client is None:
        return UsageWindow(plan_limits_get(tenant_id=tenant_id), _rate_count_cache(rate_key(tenant_id, window)),
                           usage_month_total(tenant_id=tenant_id), resets_in)
    today = now()
    counted = readahead_pop(rate_key(tenant_id, window))  # a window that rolled over meanwhile: count again
    if counted is not NOT_READ and counted is not None:
        month, raw_limits = readahead_get(month_key(tenant_id, today)), readahead_get(limits_key(tenant_id))
        if month is not NOT_READ and raw_limits is not NOT_READ:
            try:
                limits = limits_decode(raw_limits) if raw_limits is not None else limits_load(tenant_id)
                total = int(month) if month is not None else month_total_reseed(client, tenant_id, today)
            except REDIS_ERRORS:
                return _window_without_redis(tenant_id, window, resets_in)
            return UsageWindow(limits, int(counted), total, resets_in)
    try:
        count, month, raw_limits = admission_script(client)(
            keys=[rate_key(tenant_id, window), month_key(tenant_id, today), limits_key(tenant_id)],
            args=[RATE_KEY_TTL], client=client,
        )
        limits = limits_decode(raw_limits) if raw_limits is not None else limits_load(tenant_id)
        total = int(month) if month is not None else month_total_reseed(client, tenant_id, today)
    except REDIS_ERRORS:
        return _window_without_redis(tenant_id, window, resets_in)
    return UsageWindow(limits, int(count), total, resets_in)


def _rate_count_cache(key: str) -> int:
    """The window count through the Django cache API (the local-memory cache has no scripts)."""
    cache.add(key, 0, timeout=RATE_KEY_TTL)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=RATE_KEY_TTL)
        return 1


# --- without Redis ------------------------------------------------------------------------------

_lock = threading.Lock()
_windows: dict[tuple[int, int], int] = {}
_memo: dict[tuple[Any, ...], tuple[float, Any]] = {}


def _window_without_redis(tenant_id: int, window: int, resets_in: int) -> UsageWindow:
    today = now()
    limits = _memoised(("limits", tenant_id), lambda: limits_from_db(tenant_id))
    total = _memoised(("month", tenant_id, f"{today:%Y%m}"), lambda: month_total_from_db(tenant_id, today))
    return UsageWindow(limits, _rate_count_process(tenant_id, window), total, resets_in, degraded=True)


def _rate_count_process(tenant_id: int, window: int) -> int:
    with _lock:
        if len(_windows) > 10_000:  # old windows of many tenants: start over rather than grow
            for key in [k for k in _windows if k[1] < window]:
                del _windows[key]
        count = _windows[(tenant_id, window)] = _windows.get((tenant_id, window), 0) + 1
    return count


def _memoised(key: tuple[Any, ...], load: Callable[[], T]) -> T:
    """A database read shared by this process's requests for a few seconds (Redis is down)."""
    clock = time.monotonic()
    hit = _memo.get(key)
    if hit is not None and hit[0] > clock:
        return hit[1]  # type: ignore[no-any-return]
    value = load()
    with _lock:
        if len(_memo) > 10_000:
            _memo.clear()
        _memo[key] = (clock + _DEGRADED_MEMO_SECONDS, value)
    return value
