"""Usage: the billable units in PostgreSQL, and the month counter that feeds the quota.

A unit is billed for each guard call that answered (outcome success or fallback). The
units are added to :class:`~billing.models.UsageRecord` by :func:`usage_units_add`, which
the audit store calls in the same transaction that stores the calls' audit rows
(``guards/services/audit``): the audit row is the one source of truth, a replayed row
adds nothing twice, and nothing billable lives only in Redis.

Redis keeps only the fast path: a per-tenant month counter the quota throttle reads
(:func:`usage_quota_count` on each answered call). When Redis lost it (a restart, an
eviction) it is re-seeded from ``UsageRecord``; when Redis is down the quota reads
PostgreSQL.

``usage_flush`` (the ``flush_usage`` command) drains the pending counters that releases
before durable metering kept in Redis, so an upgrade loses none of them.
"""

from __future__ import annotations

import calendar
import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum
from redis.exceptions import ResponseError

from aiguardian.readahead import NOT_READ, readahead_pop
from aiguardian.redis_outage import REDIS_ERRORS, redis_client
from billing.models import UsageRecord
from billing.services.keys import month_key, now, pending_key, prefix

logger = logging.getLogger(__name__)

MONTH_KEY_TTL = 40 * 86400


def usage_units_add(*, counts: Mapping[tuple[int, str, date], int]) -> None:
    """Add billable units per (tenant id, guard, UTC day).

    Call it inside the transaction that stores what the units were derived from. Rows
    are updated in key order, so concurrent writers lock them in the same order and
    cannot deadlock.
    """
    for (tenant_id, guard, day), units in sorted(counts.items()):
        if units:
            _usage_add(tenant_id=tenant_id, guard=guard, day=day, units=units)


def _usage_add(*, tenant_id: int, guard: str, day: date, units: int) -> None:
    updated = UsageRecord.objects.filter(tenant_id=tenant_id, guard=guard, day=day).update(units=F("units") + units)
    if not updated:
        record, created = UsageRecord.objects.get_or_create(
            tenant_id=tenant_id, guard=guard, day=day, defaults={"units": units}
        )
        if not created:
            UsageRecord.objects.filter(pk=record.pk).update(units=F("units") + units)


def month_reservation_name(key: str) -> str:
    """The read-ahead entry saying one unit was already counted in month counter ``key``."""
    return f"{key}#reserved"


def usage_quota_count(*, tenant_id: int, units: int = 1) -> None:
    """Count ``units`` toward the tenant's month total on the fast path (one Redis round trip).

    Not the billing record (that is the audit row's unit). A Redis failure skips the
    count: the total is re-seeded from ``UsageRecord`` when Redis comes back empty.
    A unit the request reserved ahead (``guards/services/prefetch.py``) is taken first and
    costs no round trip.
    """
    today = now()
    client = redis_client()
    if client is None:
        cache.delete(month_key(tenant_id, today))  # re-read from the database next time
        return
    key = month_key(tenant_id, today)
    if readahead_pop(month_reservation_name(key)) is not NOT_READ:
        units -= 1
        if not units:
            return
    pipe = client.pipeline(transaction=False)
    pipe.incrby(key, units)
    pipe.expire(key, MONTH_KEY_TTL)
    try:
        pipe.execute()
    except REDIS_ERRORS:
        logger.debug("month counter of tenant %s not counted: redis unavailable", tenant_id)


def usage_quota_release(*, key: str) -> None:
    """Give back a unit reserved ahead in month counter ``key`` that no answered call used."""
    if readahead_pop(month_reservation_name(key)) is NOT_READ:
        return
    client = redis_client()
    if client is None:
        return
    try:
        client.decrby(key, 1)
    except REDIS_ERRORS:  # the counter over-counts by one until it is re-seeded: stricter, not looser
        logger.debug("reserved unit in %s not released: redis unavailable", key)


def month_total_from_db(tenant_id: int, when: datetime) -> int:
    first = date(when.year, when.month, 1)
    total = UsageRecord.objects.filter(tenant_id=tenant_id, day__gte=first).aggregate(t=Sum("units"))["t"]
    return int(total or 0)


def usage_month_total(*, tenant_id: int) -> int:
    """Guard requests the tenant made this calendar month (UTC)."""
    today = now()
    client = redis_client()
    try:
        if client is None:
            key = month_key(tenant_id, today)
            value = cache.get(key)
            if value is None:
                value = month_total_from_db(tenant_id, today)
                cache.set(key, value, 60)
            return int(value)
        value = client.get(month_key(tenant_id, today))
        return int(value) if value is not None else month_total_reseed(client, tenant_id, today)
    except REDIS_ERRORS:
        return month_total_from_db(tenant_id, today)


def month_total_reseed(client: Any, tenant_id: int, when: datetime) -> int:
    """Redis lost the month counter (restart, eviction): the stored units are the floor."""
    key = month_key(tenant_id, when)
    client.set(key, month_total_from_db(tenant_id, when), ex=MONTH_KEY_TTL, nx=True)
    return int(client.get(key) or 0)


def seconds_until_next_month() -> int:
    today = now()
    days = calendar.monthrange(today.year, today.month)[1]
    end = datetime(today.year, today.month, days, 23, 59, 59, tzinfo=UTC)
    return max(1, int((end - today).total_seconds()) + 1)


def usage_flush() -> int:
    """Move the pending Redis counters of older releases into UsageRecord rows; return the units moved.

    The hash is renamed aside before it is read and deleted only after its rows are
    committed, so a crash in between loses nothing (the next flush picks it up).
    """
    client = redis_client()
    if client is None:
        return 0
    batches = [k.decode() if isinstance(k, bytes) else k for k in client.scan_iter(f"{prefix()}:flushing:*")]
    fresh = f"{prefix()}:flushing:{uuid.uuid4().hex}"
    try:
        client.rename(pending_key(), fresh)
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
