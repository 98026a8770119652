"""Liveness and readiness probes for the load balancer and ECS.

``/health/live`` touches nothing, so a slow database never gets a healthy task
killed; ``/health/ready`` checks the database and the cache and answers 503 when
either fails, so the task is taken out of the target group instead.

Readiness has its own clock: both checks run at once on a small thread pool, each on a
fresh connection of its own (never the request's or a pooled one a frozen server could
hold), and whatever has not answered within ``HEALTH_READY_TIMEOUT`` seconds counts as
failed. A frozen dependency (SIGSTOP, a black-holed network) therefore reads as not
ready within that time instead of hanging the probe.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from aiguardian.redis_outage import redis_client, redis_ping

logger = logging.getLogger(__name__)

# A checker stuck on a frozen server keeps its thread until the socket gives up; a few
# spare threads keep later probes answering meanwhile (they time out, as they should).
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readiness")


def check_database() -> None:
    """SELECT 1 on a new connection, closed afterwards."""
    conn = connections.create_connection("default")
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        conn.close()


def check_cache() -> None:
    """PING Redis on a connection of its own; the local-memory cache: a set and a get."""
    if redis_client() is not None:
        redis_ping(timeout=settings.HEALTH_READY_TIMEOUT)
        return
    key = f"health:ready:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value it stored")
    cache.delete(key)


def _run(check: Callable[[], None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - any failure makes the probe fail
        logger.warning("readiness check %s failed: %s", check.__name__, type(exc).__name__)
        return {"status": "error", "error": type(exc).__name__,
                "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def run_checks(checks: dict[str, Callable[[], None]], timeout: float) -> dict[str, dict[str, Any]]:
    """Run the checks concurrently; one that has not finished within ``timeout`` seconds failed."""
    futures: dict[str, Future[dict[str, Any]]] = {name: _pool.submit(_run, check) for name, check in checks.items()}
    wait_for(futures.values(), timeout=timeout)
    results = {}
    for name, future in futures.items():
        if future.done():
            results[name] = future.result()
        else:
            logger.warning("readiness check %s did not answer within %.1f s", name, timeout)
            results[name] = {"status": "error", "error": "Timeout", "latency_ms": round(timeout * 1000, 2)}
    return results


def service_name() -> str:
    return settings.GUARD_SERVICE_NAME or settings.SERVICE_NAME


@require_safe
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive", "service": service_name()})


@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    checks = run_checks({"database": check_database, "cache": check_cache}, settings.HEALTH_READY_TIMEOUT)
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ready" if healthy else "unavailable", "service": service_name(), "checks": checks},
        status=200 if healthy else 503,
    )
