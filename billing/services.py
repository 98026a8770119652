"""Billing services: plan assignment, plan limits, usage metering.

Usage is counted in Redis on the hot path (one pipelined round trip per guard call)
and flushed to PostgreSQL by ``flush_usage`` (cron/ECS scheduled task): a pending
hash of ``tenant|guard|day -> units`` is atomically renamed aside, summed into
:class:`~billing.models.UsageRecord` rows, then deleted, so a crash between steps
loses nothing (the renamed hash is picked up by the next flush). The monthly total
used for quotas is its own counter, re-seeded from PostgreSQL if Redis lost it.

Admission (the throttles) is one more round trip: a Lua script counts the request in
the tenant's one-minute window and returns the window count, the month total and the
cached plan limits together (:func:`usage_window_hit`).

With the embedded default (local-memory cache, no Redis) usage is written straight
to the database: fine for a developer, not for production traffic.
"""

from __future__ import annotations

import calendar
import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from redis.exceptions import ResponseError

from accounts.models import Tenant
from billing.models import Plan, Subscription, UsageRecord

logger = logging.getLogger(__name__)

LIMITS_TTL = 300
_MONTH_KEY_TTL = 40 * 86400
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


def _limits_key(tenant_id: int) -> str:
    return f"{_prefix()}:limits:{tenant_id}"


def limits_invalidate(*, tenant_id: int) -> None:
    """Forget the cached limits now and after commit (a reader in between may re-cache the old row)."""
    transaction.on_commit(lambda: _limits_forget(tenant_id))
    _limits_forget(tenant_id)


def _limits_forget(tenant_id: int) -> None:
    client = _redis()
    if client is None:
        cache.delete(_limits_key(tenant_id))
    else:
        client.delete(_limits_key(tenant_id))


def _limits_decode(raw: Any) -> PlanLimits:
    # Stored as plain JSON, not pickled, so the admission script can hand it back as is.
    plan, rate, quota = json.loads(raw)
    return PlanLimits(plan, rate, quota)


def _limits_load(tenant_id: int) -> PlanLimits:
    """Read the limits from the database and cache them."""
    subscription = Subscription.objects.select_related("plan").filter(tenant_id=tenant_id).first()
    if subscription is None or subscription.status in _INACTIVE or not subscription.plan.is_active:
        plan = default_plan()
    else:
        plan = subscription.plan
    limits = PlanLimits(plan.code, plan.rate_limit_per_minute, plan.monthly_quota)
    raw = json.dumps([limits.plan, limits.rate_limit_per_minute, limits.monthly_quota])
    client = _redis()
    if client is None:
        cache.set(_limits_key(tenant_id), raw, LIMITS_TTL)
    else:
        client.set(_limits_key(tenant_id), raw, ex=LIMITS_TTL)
    return limits


def plan_limits_get(*, tenant_id: int) -> PlanLimits:
    """The tenant's effective limits, cached; a lapsed subscription falls back to the default plan."""
    client = _redis()
    raw = cache.get(_limits_key(tenant_id)) if client is None else client.get(_limits_key(tenant_id))
    return _limits_decode(raw) if raw is not None else _limits_load(tenant_id)


# --- admission ------------------------------------------------------------------------------

RATE_WINDOW_SECONDS = 60
_RATE_KEY_TTL = 2 * RATE_WINDOW_SECONDS

# KEYS: rate window, month total, plan limits. ARGV: the window key's TTL.
_ADMISSION_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3])}
"""
_scripts: dict[int, Any] = {}


@dataclass(frozen=True, slots=True)
class UsageWindow:
    """What the throttles need for one request, read in one go."""

    limits: PlanLimits
    rate_count: int  # requests in the current minute window, this one included
    month_total: int  # units metered this calendar month, before this request
    window_resets_in: int  # seconds until the minute window rolls over


def _rate_key(tenant_id: int, window: int) -> str:
    return f"{_prefix()}:throttle_plan_{tenant_id}_{window}"


def _admission_script(client: Any) -> Any:
    """``register_script`` per client: it keeps the SHA and reloads the script after a Redis restart."""
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_ADMISSION_SCRIPT)
    return script


def usage_window_hit(*, tenant_id: int) -> UsageWindow:
    """Count a request in the tenant's minute window; return it with the limits and the month total.

    With Redis this is one round trip (a Lua script: INCR + EXPIRE of the window,
    GET of the month counter and of the cached limits). Only a cold limits cache or a
    lost month counter costs more, and each is refilled for everyone.
    """
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    resets_in = max(1, int(RATE_WINDOW_SECONDS - now % RATE_WINDOW_SECONDS) + 1)
    client = _redis()
    if client is None:
        return UsageWindow(plan_limits_get(tenant_id=tenant_id), _rate_count_local(_rate_key(tenant_id, window)),
                           usage_month_total(tenant_id=tenant_id), resets_in)
    today = _now()
    count, month, raw_limits = _admission_script(client)(
        keys=[_rate_key(tenant_id, window), _month_key(tenant_id, today), _limits_key(tenant_id)],
        args=[_RATE_KEY_TTL], client=client,
    )
    limits = _limits_decode(raw_limits) if raw_limits is not None else _limits_load(tenant_id)
    total = int(month) if month is not None else _month_total_reseed(client, tenant_id, today)
    return UsageWindow(limits, int(count), total, resets_in)


def _rate_count_local(key: str) -> int:
    """The window count through the Django cache API (the local-memory cache has no scripts)."""
    cache.add(key, 0, timeout=_RATE_KEY_TTL)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=_RATE_KEY_TTL)
        return 1


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
    pipe.expire(month_key, _MONTH_KEY_TTL)
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
    value = client.get(_month_key(tenant_id, now))
    return int(value) if value is not None else _month_total_reseed(client, tenant_id, now)


def _month_total_reseed(client: Any, tenant_id: int, now: datetime) -> int:
    """Redis lost the month counter (restart, eviction): the flushed rows are the floor."""
    key = _month_key(tenant_id, now)
    client.set(key, _month_total_from_db(tenant_id, now), ex=_MONTH_KEY_TTL, nx=True)
    return int(client.get(key) or 0)


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
