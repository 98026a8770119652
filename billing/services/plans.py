"""Plans: assignment, and each tenant's effective limits (cached in Redis, read from PostgreSQL)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Tenant
from aiguardian.redis_outage import REDIS_ERRORS, redis_client
from billing.models import Plan, Subscription
from billing.services.keys import limits_key

logger = logging.getLogger(__name__)

LIMITS_TTL = 300
_INACTIVE = {Subscription.Status.CANCELED, Subscription.Status.UNPAID, Subscription.Status.INCOMPLETE}


@dataclass(frozen=True, slots=True)
class PlanLimits:
    plan: str
    rate_limit_per_minute: int
    monthly_quota: int | None


def default_plan() -> Plan:
    return Plan.objects.get(code=settings.BILLING_DEFAULT_PLAN)


def plan_assign(*, tenant: Tenant, plan_code: str | None = None) -> Subscription:
    """Put ``tenant`` on ``plan_code`` (the default plan when None); an unknown code is a ValidationError."""
    if plan_code:
        plan = Plan.objects.filter(code=plan_code).first()
        if plan is None:
            codes = ", ".join(Plan.objects.order_by("code").values_list("code", flat=True))
            raise ValidationError({"plan": f"no plan {plan_code!r}; choose from: {codes}"})
    else:
        plan = default_plan()
    subscription, _ = Subscription.objects.update_or_create(
        tenant=tenant, defaults={"plan": plan, "status": Subscription.Status.ACTIVE}
    )
    limits_invalidate(tenant_id=tenant.pk)
    return subscription


def limits_invalidate(*, tenant_id: int) -> None:
    """Forget the cached limits now and after commit (a reader in between may re-cache the old row)."""
    transaction.on_commit(lambda: _limits_forget(tenant_id))
    _limits_forget(tenant_id)


def _limits_forget(tenant_id: int) -> None:
    client = redis_client()
    try:
        if client is None:
            cache.delete(limits_key(tenant_id))
        else:
            client.delete(limits_key(tenant_id))
    except REDIS_ERRORS:  # the cached entry expires after LIMITS_TTL
        logger.warning("could not drop the cached limits of tenant %s", tenant_id)


def limits_decode(raw: Any) -> PlanLimits:
    # Stored as plain JSON, not pickled, so the admission script can hand it back as is.
    plan, rate, quota = json.loads(raw)
    return PlanLimits(plan, rate, quota)


def limits_from_db(tenant_id: int) -> PlanLimits:
    """The limits as the database has them; a lapsed subscription falls back to the default plan."""
    subscription = Subscription.objects.select_related("plan").filter(tenant_id=tenant_id).first()
    if subscription is None or subscription.status in _INACTIVE or not subscription.plan.is_active:
        plan = default_plan()
    else:
        plan = subscription.plan
    return PlanLimits(plan.code, plan.rate_limit_per_minute, plan.monthly_quota)


def limits_load(tenant_id: int) -> PlanLimits:
    """Read the limits from the database and cache them (when the cache answers)."""
    limits = limits_from_db(tenant_id)
    raw = json.dumps([limits.plan, limits.rate_limit_per_minute, limits.monthly_quota])
    client = redis_client()
    try:
        if client is None:
            cache.set(limits_key(tenant_id), raw, LIMITS_TTL)
        else:
            client.set(limits_key(tenant_id), raw, ex=LIMITS_TTL)
    except REDIS_ERRORS:
        pass
    return limits


def plan_limits_get(*, tenant_id: int) -> PlanLimits:
    """The tenant's effective limits, cached; the database answers when Redis does not."""
    client = redis_client()
    try:
        raw = cache.get(limits_key(tenant_id)) if client is None else client.get(limits_key(tenant_id))
    except REDIS_ERRORS:
        return limits_from_db(tenant_id)
    return limits_decode(raw) if raw is not None else limits_load(tenant_id)
