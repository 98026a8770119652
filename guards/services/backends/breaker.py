"""A circuit breaker per remote backend whose state lives in Redis, shared by all workers.

closed --(N failures within the window)--> open --(cool-down)--> half_open
half_open --(probe succeeds)--> closed; half_open --(probe fails)--> open.
In half-open one probe is let through at a time (a probe that never reports, because
its worker died, is replaced after another cool-down). Every transition is one Lua
script, so concurrent workers cannot interleave a read and a write. The same script
keeps the backend's recent latencies for the health snapshot.

Without Redis (the embedded development default, or while Redis is down) the same
rules run in process memory: each worker then keeps its own breaker.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from aiguardian.redis_outage import REDIS_ERRORS, redis_client
from guards.services import metrics

logger = logging.getLogger(__name__)

_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local op, threshold, window, cooldown = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local key = KEYS[1]
local state = redis.call('HGET', key, 'state') or 'closed'
if ARGV[5] ~= '' then
  redis.call('LPUSH', KEYS[2], ARGV[5])
  redis.call('LTRIM', KEYS[2], 0, 49)
  redis.call('EXPIRE', KEYS[2], 3600)
end
local result
if op == 'allow' or op == 'peek' then
  result = {1, state}
  if state == 'open' or state == 'half_open' then
    local since = tonumber(redis.call('HGET', key, state == 'open' and 'opened_at' or 'probe_at') or '0')
    if now - since >= cooldown then
      if op == 'allow' then redis.call('HSET', key, 'state', 'half_open', 'probe_at', tostring(now)) end
      result = {1, 'half_open'}
    else
      result = {0, state}
    end
  end
elseif op == 'success' then
  if state ~= 'closed' then redis.call('DEL', key) end
  result = {1, 'closed'}
else
  if state ~= 'closed' then
    redis.call('HSET', key, 'state', 'open', 'opened_at', tostring(now))
    result = {0, 'open'}
  else
    local started = tonumber(redis.call('HGET', key, 'window_start') or '0')
    local failures = 1
    if now - started > window then
      redis.call('HSET', key, 'window_start', tostring(now), 'failures', 1)
    else
      failures = redis.call('HINCRBY', key, 'failures', 1)
    end
    if failures >= threshold then
      redis.call('HSET', key, 'state', 'open', 'opened_at', tostring(now), 'failures', 0)
      result = {0, 'open'}
    else
      result = {1, 'closed'}
    end
  end
end
redis.call('EXPIRE', key, 86400)
return result
"""


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    failures: int
    window: float
    cooldown: float

    @classmethod
    def from_settings(cls) -> BreakerPolicy:
        return cls(settings.GUARD_BREAKER_FAILURES, settings.GUARD_BREAKER_WINDOW_SECONDS,
                   settings.GUARD_BREAKER_COOLDOWN_SECONDS)


class _LocalState:
    """The script's rules for one process when there is no Redis."""

    _lock = threading.Lock()
    _states: dict[str, dict[str, Any]] = {}

    @classmethod
    def apply(cls, key: str, op: str, policy: BreakerPolicy, latency_ms: str) -> tuple[int, str]:
        now = time.time()
        with cls._lock:
            st = cls._states.setdefault(key, {"state": "closed", "failures": 0, "window_start": 0.0,
                                              "since": 0.0, "latencies": deque(maxlen=50)})
            if latency_ms:
                st["latencies"].appendleft(float(latency_ms))
            if op in ("allow", "peek"):
                if st["state"] == "closed":
                    return 1, "closed"
                if now - st["since"] >= policy.cooldown:
                    if op == "allow":
                        st.update(state="half_open", since=now)
                    return 1, "half_open"
                return 0, st["state"]
            if op == "success":
                st.update(state="closed", failures=0, window_start=0.0)
                return 1, "closed"
            if st["state"] != "closed":
                st.update(state="open", since=now)
                return 0, "open"
            if now - st["window_start"] > policy.window:
                st.update(window_start=now, failures=0)
            st["failures"] += 1
            if st["failures"] >= policy.failures:
                st.update(state="open", since=now, failures=0)
                return 0, "open"
            return 1, "closed"

    @classmethod
    def latencies(cls, key: str) -> list[float]:
        with cls._lock:
            return list(cls._states.get(key, {}).get("latencies", ()))

    @classmethod
    def reset(cls, key: str) -> None:
        with cls._lock:
            cls._states.pop(key, None)


class CircuitBreaker:
    """The breaker of one backend (``backend_id``); cheap to create per call."""

    def __init__(self, backend_id: int | None, label: str, policy: BreakerPolicy | None = None) -> None:
        prefix = settings.CACHE_KEY_PREFIX
        self.key = f"{prefix}:guards:breaker:{backend_id}"
        self.latency_key = f"{prefix}:guards:latency:{backend_id}"
        self.label = label
        self.policy = policy or BreakerPolicy.from_settings()

    def _run(self, op: str, latency_ms: float | None = None) -> tuple[bool, str]:
        # Recent calls are kept as latencies, failures negated: one list gives latency and error rate.
        latency = "" if latency_ms is None else f"{-latency_ms if op == 'failure' else latency_ms:.3f}"
        shared = self._run_shared(op, latency)
        allowed, state = shared if shared is not None else _LocalState.apply(self.key, op, self.policy, latency)
        metrics.record_breaker(self.label, state)
        return bool(allowed), state

    def _run_shared(self, op: str, latency: str) -> tuple[int, str] | None:
        """The transition in Redis, shared by every worker; None without a reachable Redis."""
        client = redis_client()
        if client is None:
            return None
        try:
            allowed, state = _script(client)(
                keys=[self.key, self.latency_key],
                args=[op, self.policy.failures, self.policy.window, self.policy.cooldown, latency])
        except REDIS_ERRORS:
            return None
        return int(allowed), state.decode() if isinstance(state, bytes) else str(state)

    def allow(self) -> tuple[bool, str]:
        """May a call go out now? Moves open -> half_open once the cool-down has passed."""
        return self._run("allow")

    def state(self) -> str:
        """The state as a caller would see it now, without claiming the half-open probe."""
        return self._run("peek")[1]

    def record_success(self, latency_ms: float) -> str:
        return self._run("success", latency_ms)[1]

    def record_failure(self, latency_ms: float | None = None) -> str:
        state = self._run("failure", latency_ms if latency_ms is not None else 0.0)[1]
        if state == "open":
            # Structured fields: the ECS template's log metric filter alarms on breaker_state.
            logger.warning("circuit breaker open for backend %s", self.label,
                           extra={"breaker_backend": self.label, "breaker_state": "open"})
        return state

    def recent_calls(self) -> list[tuple[float, bool]]:
        """The last 50 calls, newest first, as (latency in ms, succeeded)."""
        client = redis_client()
        try:
            raw = _LocalState.latencies(self.key) if client is None else client.lrange(self.latency_key, 0, -1)
        except REDIS_ERRORS:
            raw = _LocalState.latencies(self.key)
        values = [float(v) for v in raw]
        return [(abs(v), math.copysign(1.0, v) > 0) for v in values]  # -0.0 is a failure too

    def reset(self) -> None:
        _LocalState.reset(self.key)
        client = redis_client()
        if client is not None:
            try:
                client.delete(self.key, self.latency_key)
            except REDIS_ERRORS:  # the shared state is unreachable; this process's is reset
                pass


_scripts: dict[int, Any] = {}


def _script(client: Any) -> Any:
    """``register_script`` per client: it caches the SHA and reloads after a Redis restart."""
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_SCRIPT)
    return script
