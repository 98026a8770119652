"""What the dashboard shows, read with a few aggregate queries.

The per-guard figures come from one grouped query per window over ``GuardRequest``'s
``(created_at, guard)`` index, which carries the columns counted (decision, outcome,
latency) so PostgreSQL answers from the index alone; usage per tenant comes from
``UsageRecord`` (one row per tenant, guard and day). Backend health is what the last
probe left in the cache plus the breaker state: loading the page never calls a backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Aggregate, Count, FloatField, Q, Sum
from django.db.models.functions import TruncDate

from accounts.models import ClerkWebhookEvent
from billing.models import StripeEvent, UsageRecord
from guards.analyzers.registry import GUARDS
from guards.models import GuardBackend, GuardRequest
from guards.services.backends import BackendSpec
from guards.services.health import backend_health_check

WINDOWS: tuple[tuple[str, timedelta], ...] = (("Last 24 hours", timedelta(hours=24)), ("Last 30 days", timedelta(days=30)))
ERROR_OUTCOMES = (GuardRequest.Outcome.ERROR, GuardRequest.Outcome.UNAVAILABLE, GuardRequest.Outcome.TIMEOUT)


class Percentile(Aggregate):
    """PostgreSQL's ``percentile_cont(p) WITHIN GROUP (ORDER BY expr)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True, slots=True)
class GuardStats:
    guard: str
    requests: int = 0
    blocks: int = 0
    flags: int = 0
    errors: int = 0
    p95_ms: float | None = None


def guard_stats(*, since: datetime) -> list[GuardStats]:
    """Requests, blocks, flags, errors and p95 latency per guard since ``since`` (every guard listed)."""
    rows = (GuardRequest.objects.filter(created_at__gte=since).order_by().values("guard")
            .annotate(requests=Count("*"), blocks=Count("id", filter=Q(decision="block")),
                      flags=Count("id", filter=Q(decision="flag")),
                      errors=Count("id", filter=Q(outcome__in=ERROR_OUTCOMES)),
                      p95_ms=Percentile("latency_ms", 0.95)))
    found = {row["guard"]: GuardStats(**row) for row in rows}
    return [found.get(guard, GuardStats(guard)) for guard in sorted({*GUARDS, *found})]


@dataclass(frozen=True, slots=True)
class DailyUsage:
    day: date
    guard: str
    requests: int
    blocks: int
    flags: int


def month_start(now: datetime) -> datetime:
    """The start of the quota's period: the calendar month, UTC."""
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def tenant_daily_usage(*, tenant_id: int, since: datetime) -> list[DailyUsage]:
    """The tenant's requests, blocks and flags per UTC day and guard since ``since`` (its tenant index)."""
    rows = (GuardRequest.objects.filter(tenant_id=tenant_id, created_at__gte=since).order_by()
            .annotate(day=TruncDate("created_at", tzinfo=UTC)).values("day", "guard")
            .annotate(requests=Count("id"), blocks=Count("id", filter=Q(decision="block")),
                      flags=Count("id", filter=Q(decision="flag")))
            .order_by("day", "guard"))
    return [DailyUsage(**row) for row in rows]


def top_tenants(*, since: datetime, limit: int = 10) -> list[dict[str, Any]]:
    """The tenants with the most billed units since ``since``, with their units per guard."""
    totals = (UsageRecord.objects.filter(day__gte=since.date()).order_by().values("tenant_id", "tenant__slug")
              .annotate(units=Sum("units")).order_by("-units")[:limit])
    return [{"tenant_id": row["tenant_id"], "slug": row["tenant__slug"], "units": row["units"]} for row in totals]


def backends_health() -> list[dict[str, Any]]:
    """Each configured backend's last known health and its breaker state (no probe is sent)."""
    return [backend_health_check(spec=BackendSpec.from_model(backend), probe_if_stale=False)
            for backend in GuardBackend.objects.order_by("name")]


def webhook_failures(*, limit: int = 10) -> list[dict[str, Any]]:
    """The latest failed Clerk and Stripe webhook events, newest first."""
    clerk = [{"source": "Clerk", "id": e.pk, "event_type": e.event_type, "error": e.error, "at": e.received_at,
              "attempts": e.attempts, "admin": "accounts/clerkwebhookevent"}
             for e in ClerkWebhookEvent.objects.filter(status="failed").order_by("-received_at")[:limit]]
    stripe = [{"source": "Stripe", "id": e.pk, "event_type": e.event_type, "error": e.error, "at": e.received_at,
               "attempts": e.attempts, "admin": "billing/stripeevent"}
              for e in StripeEvent.objects.filter(status="failed").order_by("-received_at")[:limit]]
    return sorted(clerk + stripe, key=lambda e: e["at"], reverse=True)[:limit]


def dashboard(*, now: datetime) -> dict[str, Any]:
    """Everything the console's index shows."""
    return {
        "windows": [{"label": label, "stats": guard_stats(since=now - span)} for label, span in WINDOWS],
        "top_tenants": top_tenants(since=now - timedelta(days=30)),
        "backends": backends_health(),
        "webhook_failures": webhook_failures(),
    }
