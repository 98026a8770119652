"""Health of a tenant's guards and of guard backends, and the discovery catalogue.

A remote backend's ``/health`` is probed at most every ``GUARD_HEALTH_CACHE_SECONDS``
per backend (the answer is cached), so discovery traffic cannot hammer the services;
the admin's "check health now" bypasses the cache.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache

from aiguardian.redis_outage import REDIS_ERRORS
from guards.analyzers.registry import GUARDS
from guards.errors import GuardUnavailable
from guards.services.backends import BackendSpec
from guards.services.backends.breaker import CircuitBreaker
from guards.services.backends.http import check_http_health
from guards.services.backends.inprocess import installed_analyzer_class, load_analyzer
from guards.services.budget import guard_settings_schema
from guards.services.config import ResolvedGuard, tenant_guards_resolve
from guards.services.runner import Caller

_RANK = {"healthy": 0, "degraded": 1, "unhealthy": 2}


def analyzer_info(guard: str) -> dict[str, Any]:
    """Version, settings and payload fields of the local analyzer (``available: False`` when not installed)."""
    cls = installed_analyzer_class(guard)
    if cls is None:
        return {"available": False, "version": None, "description": GUARDS[guard].summary, "settings_schema": {},
                "payload_fields": {}, "payload_example": {}}
    return {"available": True, "version": cls.version, "description": cls.description or GUARDS[guard].summary,
            "settings_schema": guard_settings_schema(cls).describe(), "payload_fields": cls.contract.payload.describe(),
            "payload_example": cls.contract.example}


def backend_health_check(*, spec: BackendSpec, use_cache: bool = True, probe_if_stale: bool = True) -> dict[str, Any]:
    """Probe one backend: breaker state plus the service's ``/health`` (remote) or analyzer load.

    ``probe_if_stale=False`` (a dashboard) never calls out: without a recent probe the
    status is ``unknown``, the breaker state is still read.
    """
    if not spec.is_remote:
        return {"backend": spec.name, "kind": spec.kind, "status": "healthy", "breaker_state": "closed"}
    key = f"guards:health:{spec.id}"
    try:
        probe = cache.get(key) if use_cache else None
    except REDIS_ERRORS:
        probe = None
    if probe is None and not probe_if_stale:
        probe = {"status": "unknown" if spec.active else "unhealthy",
                 "detail": "not probed recently" if spec.active else "disabled"}
    elif probe is None:
        probe = check_http_health(spec) if spec.active else {"status": "unhealthy", "detail": "disabled"}
        try:
            cache.set(key, probe, timeout=settings.GUARD_HEALTH_CACHE_SECONDS)
        except REDIS_ERRORS:
            pass
    breaker = CircuitBreaker(spec.id, spec.name).state()
    status = probe["status"]
    if status == "healthy" and breaker != "closed":
        status = "degraded"
    return {"backend": spec.name, "kind": spec.kind, "status": status, "breaker_state": breaker,
            "detail": probe.get("detail"), "latency_ms": probe.get("latency_ms")}


def _guard_status(guard: str, resolved: ResolvedGuard | None) -> dict[str, Any]:
    if resolved is None or not resolved.enabled:
        return {"service": guard, "status": "not_enabled", "enabled": False}
    try:
        local: dict[str, Any] = {"status": "healthy", "version": load_analyzer(guard).version}
    except GuardUnavailable:
        local = {"status": "unhealthy", "version": None}
    if not resolved.backend.is_remote:
        return {"service": guard, "enabled": True, "backend": "inprocess", "kind": "inprocess",
                "breaker_state": "closed", **local}
    remote = backend_health_check(spec=resolved.backend)
    status = remote["status"]
    fallback = resolved.fallback_allowed and local["status"] == "healthy"
    if status == "unhealthy" and fallback:
        status = "degraded"  # requests that allow fallback are still answered
    return {"service": guard, "enabled": True, **remote, "status": status, "fallback_available": fallback,
            "version": local["version"]}


def guard_health(*, caller: Caller, guard: str) -> dict[str, Any]:
    return _guard_status(guard, tenant_guards_resolve(tenant_id=caller.tenant_id).get(guard))


def guards_health(*, caller: Caller) -> dict[str, Any]:
    """Every guard's status for the tenant; overall = worst of the enabled ones."""
    resolved = tenant_guards_resolve(tenant_id=caller.tenant_id)
    services = {g: _guard_status(g, resolved.get(g)) for g in GUARDS}
    ranks = [_RANK.get(s["status"], 2) for s in services.values() if s["status"] != "not_enabled"]
    overall = ("healthy", "degraded", "unhealthy")[max(ranks)] if ranks else "unhealthy"
    return {"status": overall, "services": services}


def _policy_of(resolved: ResolvedGuard | None) -> dict[str, Any]:
    """The tenant's mode and failure policy of a guard (null for a guard it has no config of)."""
    if resolved is None:
        return {"mode": None, "failure_policy": None, "config_version": None}
    policy = resolved.policy
    return {"mode": policy.mode, "failure_policy": policy.failure_policy, "config_version": policy.config_version}


def guards_catalogue(*, caller: Caller) -> list[dict[str, Any]]:
    """Discovery: each guard with its analyzer, the tenant's routing and current health."""
    resolved = tenant_guards_resolve(tenant_id=caller.tenant_id)
    out = []
    for name, spec in GUARDS.items():
        status = _guard_status(name, resolved.get(name))
        info = analyzer_info(name)
        out.append({
            "name": name, "description": info["description"], "version": info["version"], "port": spec.port,
            "enabled": status["enabled"], "in_key_scope": caller.allows(name),
            "backend": status.get("backend"), "status": status["status"],
            "settings_schema": info["settings_schema"], "payload_fields": info["payload_fields"],
            "payload_example": info["payload_example"], **_policy_of(resolved.get(name)),
        })
    return out
