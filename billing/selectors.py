"""Reads of billing state for the self-service API (no Stripe call: it works with Stripe off)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import Sum

from accounts.models import Tenant
from billing.models import Subscription, UsageRecord
from billing.services.keys import now
from billing.services.plans import effective_plan, plan_assign
from billing.services.stripe_api import stripe_enabled
from billing.services.usage import usage_month_total


@dataclass(frozen=True, slots=True)
class BillingOverview:
    plan: dict[str, Any]
    effective_plan: str
    status: str
    grace_until: datetime | None
    current_period_end: datetime | None
    period_start: datetime
    period_end: datetime
    usage_by_guard: dict[str, int]
    usage_total: int
    quota: int | None
    quota_remaining: int | None
    has_billing_account: bool
    billing_enabled: bool


def month_bounds(when: datetime) -> tuple[date, datetime, datetime]:
    """First day, start and end (exclusive) of ``when``'s calendar month (UTC): the quota period."""
    first = date(when.year, when.month, 1)
    start = datetime(when.year, when.month, 1, tzinfo=UTC)
    end = datetime(when.year + (when.month == 12), when.month % 12 + 1, 1, tzinfo=UTC)
    return first, start, end


def billing_overview(*, tenant: Tenant) -> BillingOverview:
    """Plan, status, grace, this month's usage per guard and the quota left, for ``tenant``."""
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    if subscription is None:
        subscription = plan_assign(tenant=tenant)
    plan, grace = effective_plan(subscription)
    first, start, end = month_bounds(now())
    rows = (UsageRecord.objects.filter(tenant=tenant, day__gte=first).values("guard")
            .annotate(units=Sum("units")).order_by("guard"))
    by_guard = {row["guard"]: int(row["units"]) for row in rows}
    # The quota throttle's own figure (Redis, re-seeded from the stored units), so what the
    # tenant sees is what it will be refused on.
    used = usage_month_total(tenant_id=tenant.pk)
    quota = plan.monthly_quota
    return BillingOverview(
        plan={"code": subscription.plan.code, "name": subscription.plan.name,
              "rate_limit_per_minute": subscription.plan.rate_limit_per_minute,
              "monthly_quota": subscription.plan.monthly_quota},
        effective_plan=plan.code, status=subscription.status, grace_until=grace,
        current_period_end=subscription.current_period_end, period_start=start, period_end=end,
        usage_by_guard=by_guard, usage_total=sum(by_guard.values()), quota=quota,
        quota_remaining=None if quota is None else max(0, quota - max(used, sum(by_guard.values()))),
        has_billing_account=bool(subscription.stripe_customer_id), billing_enabled=stripe_enabled(),
    )
