"""Billing services: plans and their limits, admission (rate window + quota), usage metering.

- ``plans``: plan assignment and each tenant's effective limits (cached in Redis).
- ``admission``: one Redis round trip per request for the throttles; per-process
  counting from PostgreSQL figures while Redis is down.
- ``usage``: billable units in PostgreSQL, added with the audit rows they come from;
  the month counter in Redis that feeds the quota.

With the embedded default (local-memory cache, no Redis) the same calls use the
Django cache API.
"""

from billing.services.admission import UsageWindow, usage_window_hit
from billing.services.plans import PlanLimits, default_plan, limits_invalidate, plan_assign, plan_limits_get
from billing.services.usage import (
    seconds_until_next_month,
    usage_flush,
    usage_month_total,
    usage_quota_count,
    usage_units_add,
)

__all__ = [
    "PlanLimits",
    "UsageWindow",
    "default_plan",
    "limits_invalidate",
    "plan_assign",
    "plan_limits_get",
    "seconds_until_next_month",
    "usage_flush",
    "usage_month_total",
    "usage_quota_count",
    "usage_units_add",
    "usage_window_hit",
]
