"""DRF throttles enforcing the tenant's plan: a per-minute rate and a monthly quota.

Both key on the API key's tenant (``request.auth.tenant_id``) and answer 429 with
``Retry-After``; the quota counts what :func:`billing.services.usage_record` metered.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from aiguardian.api import APIError
from billing import services


def _tenant_id(request: Any) -> int | None:
    return getattr(getattr(request, "auth", None), "tenant_id", None)


class PlanRateThrottle(BaseThrottle):
    """Fixed one-minute window per tenant, limit from the plan."""

    scope = "plan"

    def allow_request(self, request: Any, view: Any) -> bool:
        tenant_id = _tenant_id(request)
        if tenant_id is None:
            return True
        limit = services.plan_limits_get(tenant_id=tenant_id).rate_limit_per_minute
        now = time.time()
        window = int(now // 60)
        key = f"throttle_{self.scope}_{tenant_id}_{window}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=120)
            count = 1
        if count > limit:
            retry_after = max(1, int(60 - now % 60) + 1)
            raise APIError(
                f"Rate limit of {limit} requests per minute exceeded for this tenant's plan.",
                code="rate_limited", status_code=429, headers={"Retry-After": str(retry_after)},
            )
        return True


class MonthlyQuotaThrottle(BaseThrottle):
    """Refuse once the calendar month's metered usage reaches the plan's quota."""

    def allow_request(self, request: Any, view: Any) -> bool:
        tenant_id = _tenant_id(request)
        if tenant_id is None:
            return True
        quota = services.plan_limits_get(tenant_id=tenant_id).monthly_quota
        if quota is None:
            return True
        if services.usage_month_total(tenant_id=tenant_id) >= quota:
            raise APIError(
                f"Monthly quota of {quota} requests reached for this tenant's plan.",
                code="quota_exceeded", status_code=429,
                headers={"Retry-After": str(services.seconds_until_next_month())},
            )
        return True
