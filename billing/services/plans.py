"""Plans: assignment, and each tenant's effective limits (cached in Redis, read from PostgreSQL)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Tenant
from aiguardian.redis_outage import REDIS_ERRORS, redis_client
from billing.models import Plan, Subscription
from billing.services.keys import limits_key, now

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


def grace_until(subscription: Subscription) -> datetime | None:
    """When a past-due subscription stops getting its paid plan's limits (None: not past due)."""
    if subscription.status != Subscription.Status.PAST_DUE or subscription.past_due_since is None:
        return None
    return subscription.past_due_since + timedelta(days=settings.BILLING_GRACE_DAYS)


def effective_plan(subscription: Subscription | None) -> tuple[Plan, datetime | None]:
    """The plan whose limits apply now, and until when (the end of a grace period), if that is known.

    A lapsed subscription (canceled, unpaid, incomplete), an inactive plan, or a payment
    failed longer than ``BILLING_GRACE_DAYS`` ago gets the default plan's limits.
    """
    if subscription is None or subscription.status in _INACTIVE or not subscription.plan.is_active:
        return default_plan(), None
    until = grace_until(subscription)
    if until is not None and until <= now():
        return default_plan(), None
    return subscription.plan, until


def _limits_and_expiry(tenant_id: int) -> tuple[PlanLimits, datetime | None]:
    subscription = Subscription.objects.select_related("plan").filter(tenant_id=tenant_id).first()
    plan, until = effective_plan(subscription)
    return PlanLimits(plan.code, plan.rate_limit_per_minute, plan.monthly_quota), until


def limits_from_db(tenant_id: int) -> PlanLimits:
    """The limits as the database has them (see :func:`effective_plan`)."""
    return _limits_and_expiry(tenant_id)[0]


def limits_load(tenant_id: int) -> PlanLimits:
    """Read the limits from the database and cache them (when the cache answers).

    A grace period's limits are cached no longer than the grace lasts, so the fall-back
    to the default plan happens on time without a job to trigger it.
    """
    limits, until = _limits_and_expiry(tenant_id)
    ttl = LIMITS_TTL if until is None else max(1, min(LIMITS_TTL, int((until - now()).total_seconds()) + 1))
    raw = json.dumps([limits.plan, limits.rate_limit_per_minute, limits.monthly_quota])
    client = redis_client()
    try:
        if client is None:
            cache.set(limits_key(tenant_id), raw, ttl)
        else:
            client.set(limits_key(tenant_id), raw, ex=ttl)
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
