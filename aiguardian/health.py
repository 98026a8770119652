"""Liveness and readiness probes for the load balancer and ECS.

``/health/live`` touches nothing, so a slow database never gets a healthy task
killed; ``/health/ready`` checks the database and the cache and answers 503 when
either fails, so the task is taken out of the target group instead.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - any failure makes the probe fail
        logger.warning("readiness check failed: %s", type(exc).__name__)
        return {"status": "error", "error": type(exc).__name__,
                "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"health:ready:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value it stored")
    cache.delete(key)


def service_name() -> str:
    return settings.GUARD_SERVICE_NAME or settings.SERVICE_NAME


@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive", "service": service_name()})


@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": _timed(check_database), "cache": _timed(check_cache)}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ready" if healthy else "unavailable", "service": service_name(), "checks": checks},
        status=200 if healthy else 503,
    )
