"""Redis key names of billing's fast path, and the clock (tests move it)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings


def prefix() -> str:
    return f"{settings.CACHE_KEY_PREFIX}:billing"


def limits_key(tenant_id: int) -> str:
    return f"{prefix()}:limits:{tenant_id}"


def month_key(tenant_id: int, when: datetime) -> str:
    # The year and month as strftime's %Y%m writes them (for years 1000-9999), without strftime.
    return f"{prefix()}:month:{tenant_id}:{when.year:04d}{when.month:02d}"


def rate_key(tenant_id: int, window: int) -> str:
    return f"{prefix()}:throttle_plan_{tenant_id}_{window}"


def pending_key() -> str:
    """The usage hash releases before durable metering counted into (drained by ``usage_flush``)."""
    return f"{prefix()}:pending"


def now() -> datetime:
    return datetime.now(UTC)
