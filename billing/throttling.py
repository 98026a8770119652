"""DRF throttles enforcing the tenant's plan: a per-minute rate and a monthly quota.

Both key on the API key's tenant (``request.auth.tenant_id``) and answer 429 with
``Retry-After``; the quota counts the units metered this month. Listed together (rate
first), they share one Redis round trip per request: the rate throttle's
:func:`billing.services.usage_window_hit` also returns the month total and the plan
limits, and the quota throttle reads them from the request.

While Redis is down the window is counted per worker process and the figures come from
PostgreSQL. ``THROTTLE_FAIL_OPEN`` (default true) admits on those figures: each worker
enforces the plan's per-minute limit by itself (so the whole deployment may admit up
to workers x the limit) and the quota is checked against the stored units; every
admitted call is still audited and billed. Set it to false to refuse instead, with
503 ``rate_limit_unavailable`` and ``Retry-After``, where the limit protects something
dearer than availability.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from aiguardian.api import APIError
from billing import services

# Where the rate throttle leaves this request's UsageWindow for the quota throttle.
_WINDOW_ATTR = "_billing_usage_window"
DEGRADED_RETRY_AFTER = 5  # seconds; about how long a Redis failover takes


def _tenant_id(request: Any) -> int | None:
    return getattr(getattr(request, "auth", None), "tenant_id", None)


class PlanRateThrottle(BaseThrottle):
    """Fixed one-minute window per tenant, limit from the plan."""

    scope = "plan"

    def allow_request(self, request: Any, view: Any) -> bool:
        tenant_id = _tenant_id(request)
        if tenant_id is None:
            return True
        window = services.usage_window_hit(tenant_id=tenant_id)
        if window.degraded and not settings.THROTTLE_FAIL_OPEN:
            raise APIError("Rate limiting is unavailable right now; retry shortly.", code="rate_limit_unavailable",
                           status_code=503, headers={"Retry-After": str(DEGRADED_RETRY_AFTER)})
        setattr(request, _WINDOW_ATTR, window)
        limit = window.limits.rate_limit_per_minute
        if window.rate_count > limit:
            raise APIError(
                f"Rate limit of {limit} requests per minute exceeded for this tenant's plan.",
                code="rate_limited", status_code=429, headers={"Retry-After": str(window.window_resets_in)},
            )
        return True


class MonthlyQuotaThrottle(BaseThrottle):
    """Refuse once the calendar month's metered usage reaches the plan's quota."""

    def allow_request(self, request: Any, view: Any) -> bool:
        tenant_id = _tenant_id(request)
        if tenant_id is None:
            return True
        window: services.UsageWindow | None = getattr(request, _WINDOW_ATTR, None)
        if window is None:  # used without the rate throttle: read what it would have read
            limits = services.plan_limits_get(tenant_id=tenant_id)
            if limits.monthly_quota is None:
                return True
            quota, used = limits.monthly_quota, services.usage_month_total(tenant_id=tenant_id)
        else:
            quota, used = window.limits.monthly_quota, window.month_total
        if quota is not None and used >= quota:
            raise APIError(
                f"Monthly quota of {quota} requests reached for this tenant's plan.",
                code="quota_exceeded", status_code=429,
                headers={"Retry-After": str(services.seconds_until_next_month())},
            )
        return True
