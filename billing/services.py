"""Billing services: plan assignment, plan limits, usage metering.

Usage is counted in Redis on the hot path (one pipelined round trip per guard call)
and flushed to PostgreSQL by ``flush_usage`` (cron/ECS scheduled task): a pending
hash of ``tenant|guard|day -> units`` is atomically renamed aside, summed into
:class:`~billing.models.UsageRecord` rows, then deleted, so a crash between steps
loses nothing (the renamed hash is picked up by the next flush). The monthly total
used for quotas is its own counter, re-seeded from PostgreSQL if Redis lost it.

With the embedded default (local-memory cache, no Redis) usage is written straight
to the database: fine for a developer, not for production traffic.
"""

from __future__ import annotations

import calendar
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from redis.exceptions import ResponseError

from accounts.models import Tenant
from billing.models import Plan, Subscription, UsageRecord

logger = logging.getLogger(__name__)

LIMITS_TTL = 300
_INACTIVE = {Subscription.Status.CANCELED, Subscription.Status.UNPAID, Subscription.Status.INCOMPLETE}


@dataclass(frozen=True, slots=True)
class PlanLimits:
    plan: str
    rate_limit_per_minute: int
    monthly_quota: int | None


# --- plans ------------------------------------------------------------------------------

def default_plan() -> Plan:
    return Plan.objects.get(code=settings.BILLING_DEFAULT_PLAN)


def plan_assign(*, tenant: Tenant, plan_code: str | None = None) -> Subscription:
    """Put ``tenant`` on ``plan_code`` (the default plan when None)."""
    plan = Plan.objects.get(code=plan_code) if plan_code else default_plan()
    subscription, _ = Subscription.objects.update_or_create(
        tenant=tenant, defaults={"plan": plan, "status": Subscription.Status.ACTIVE}
    )
    limits_invalidate(tenant_id=tenant.pk)
    return subscription


def _limits_key(tenant_id: int) -> str:
    return f"billing:limits:{tenant_id}"


def limits_invalidate(*, tenant_id: int) -> None:
    transaction.on_commit(lambda: cache.delete(_limits_key(tenant_id)))
    cache.delete(_limits_key(tenant_id))


def plan_limits_get(*, tenant_id: int) -> PlanLimits:
    """The tenant's effective limits, cached; a lapsed subscription falls back to the default plan."""
    key = _limits_key(tenant_id)
    cached = cache.get(key)
    if cached is not None:
        return PlanLimits(*cached)
    subscription = Subscription.objects.select_related("plan").filter(tenant_id=tenant_id).first()
    if subscription is None or subscription.status in _INACTIVE or not subscription.plan.is_active:
        plan = default_plan()
    else:
        plan = subscription.plan
    limits = PlanLimits(plan.code, plan.rate_limit_per_minute, plan.monthly_quota)
    cache.set(key, (limits.plan, limits.rate_limit_per_minute, limits.monthly_quota), LIMITS_TTL)
    return limits


# --- metering --------------------------------------------------------------------------------

def _redis():  # type: ignore[no-untyped-def]
    """The raw Redis client behind the cache, or None with the local-memory cache."""
    if "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _prefix() -> str:
    return f"{settings.CACHE_KEY_PREFIX}:billing"


def _month_key(tenant_id: int, when: datetime) -> str:
    return f"{_prefix()}:month:{tenant_id}:{when:%Y%m}"


def _pending_key() -> str:
    return f"{_prefix()}:pending"


def _now() -> datetime:
    return datetime.now(UTC)


def usage_record(*, tenant_id: int, guard: str, units: int = 1) -> None:
    """Count ``units`` guard requests for the tenant (hot path: one Redis round trip)."""
    now = _now()
    client = _redis()
    if client is None:
        _usage_add(tenant_id=tenant_id, guard=guard, day=now.date(), units=units)
        cache.delete(_month_key(tenant_id, now))  # re-seeded from the database on next read
        return
    month_key = _month_key(tenant_id, now)
    pipe = client.pipeline(transaction=False)
    pipe.hincrby(_pending_key(), f"{tenant_id}|{guard}|{now.date().isoformat()}", units)
    pipe.incrby(month_key, units)
    pipe.expire(month_key, 40 * 86400)
    pipe.execute()


def _month_total_from_db(tenant_id: int, now: datetime) -> int:
    first = date(now.year, now.month, 1)
    total = UsageRecord.objects.filter(tenant_id=tenant_id, day__gte=first).aggregate(t=Sum("units"))["t"]
    return int(total or 0)


def usage_month_total(*, tenant_id: int) -> int:
    """Guard requests the tenant made this calendar month (UTC)."""
    now = _now()
    client = _redis()
    if client is None:
        key = _month_key(tenant_id, now)
        value = cache.get(key)
        if value is None:
            value = _month_total_from_db(tenant_id, now)
            cache.set(key, value, 60)
        return int(value)
    key = _month_key(tenant_id, now)
    value = client.get(key)
    if value is None:
        # Redis lost the counter (restart, eviction): the flushed rows are the floor.
        client.set(key, _month_total_from_db(tenant_id, now), ex=40 * 86400, nx=True)
        value = client.get(key)
    return int(value or 0)


def seconds_until_next_month() -> int:
    now = _now()
    days = calendar.monthrange(now.year, now.month)[1]
    end = datetime(now.year, now.month, days, 23, 59, 59, tzinfo=UTC)
    return max(1, int((end - now).total_seconds()) + 1)


def _usage_add(*, tenant_id: int, guard: str, day: date, units: int) -> None:
    updated = UsageRecord.objects.filter(tenant_id=tenant_id, guard=guard, day=day).update(units=F("units") + units)
    if not updated:
        record, created = UsageRecord.objects.get_or_create(
            tenant_id=tenant_id, guard=guard, day=day, defaults={"units": units}
        )
        if not created:
            UsageRecord.objects.filter(pk=record.pk).update(units=F("units") + units)


def usage_flush() -> int:
    """Move pending Redis counters into UsageRecord rows; return the units moved."""
    client = _redis()
    if client is None:
        return 0
    batches = [k.decode() if isinstance(k, bytes) else k for k in client.scan_iter(f"{_prefix()}:flushing:*")]
    fresh = f"{_prefix()}:flushing:{uuid.uuid4().hex}"
    try:
        client.rename(_pending_key(), fresh)
        batches.append(fresh)
    except ResponseError as exc:  # "no such key": nothing pending
        if "no such key" not in str(exc).lower():
            raise
    moved = 0
    for batch in batches:
        counts = client.hgetall(batch)
        with transaction.atomic():
            for field, value in counts.items():
                tenant_id, guard, day = (field.decode() if isinstance(field, bytes) else field).split("|")
                _usage_add(tenant_id=int(tenant_id), guard=guard, day=date.fromisoformat(day), units=int(value))
                moved += int(value)
        client.delete(batch)  # only after the rows are committed
    if moved:
        logger.info("flushed %d usage units from %d batch(es)", moved, len(batches))
    return moved
