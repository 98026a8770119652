"""The request-scoped :class:`AnalyzerContext` and the tenant's backend-health view.

Stores come from ``guards.stores`` (Redis, scoped to the tenant key); a call without a
tenant key (a guard service called by something other than the gateway) gets none.
"""

from __future__ import annotations

import statistics
from typing import Any

from guards.analyzers.base import AnalyzerContext
from guards.services.backends import BackendSpec
from guards.services.backends.breaker import CircuitBreaker
from guards.stores import RedisBudgetStore, RedisSessionMemory


def tenant_key_for(tenant_id: int) -> str:
    """The opaque per-tenant namespace analyzers and stores see (never a secret)."""
    return f"t{tenant_id}"


class TenantBackendHealth:
    """``BackendHealthProvider`` over the tenant's backends: breaker state and recent latency.

    The backend list is resolved in the request thread; Redis is read only when an
    analyzer asks (healthguard), so building one is free.
    """

    def __init__(self, backends: list[BackendSpec]) -> None:
        self.backends = backends

    def snapshot(self) -> list[dict[str, Any]]:
        out = []
        for spec in self.backends:
            entry: dict[str, Any] = {"name": spec.name, "kind": spec.kind, "active": spec.active,
                                     "breaker_state": "closed", "recent_calls": 0, "latency_p50_ms": None,
                                     "latency_p95_ms": None, "error_rate": None}
            if spec.is_remote:
                breaker = CircuitBreaker(spec.id, spec.name)
                calls = breaker.recent_calls()
                latencies = sorted(latency for latency, _ in calls)
                entry["breaker_state"] = breaker.state()
                if calls:
                    entry.update(
                        recent_calls=len(calls), latency_p50_ms=round(statistics.median(latencies), 2),
                        latency_p95_ms=round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 2),
                        error_rate=round(sum(not ok for _, ok in calls) / len(calls), 3),
                    )
            out.append(entry)
        return out


class StaticBackendHealth:
    """A snapshot taken by the gateway and shipped to a remote guard service with the call."""

    def __init__(self, snapshot: list[dict[str, Any]]) -> None:
        self._snapshot = snapshot

    def snapshot(self) -> list[dict[str, Any]]:
        return list(self._snapshot)


def analyzer_context(
    *, request_id: str, tenant_key: str, session_id: str | None, backend_health: Any = None,
    extra: dict[str, Any] | None = None,
) -> AnalyzerContext:
    """A context with the tenant's session memory and budget store."""
    return AnalyzerContext(
        request_id=request_id, tenant_key=tenant_key, session_id=session_id,
        memory=RedisSessionMemory(tenant_key) if tenant_key else None,
        budgets=RedisBudgetStore(tenant_key) if tenant_key else None,
        backend_health=backend_health, extra=extra or {},
    )
