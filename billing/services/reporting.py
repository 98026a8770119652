"""Usage to Stripe: each tenant's unreported units as Billing Meter Events.

A run works in two steps per tenant, so a crash, a retry or a second run at the same
time never bills a unit twice:

1. **Claim** (one short transaction, the tenant's subscription row locked): every UTC
   day with unreported units and no report in flight becomes a :class:`UsageReport` row
   whose ``identifier`` is ``aig-<tenant>-<day>-<batch>`` and whose units and per-guard
   split are fixed. Reports already pending (an earlier run died, Stripe was down) are
   picked up as they are.
2. **Send** each pending report with its own identifier and the same value and
   timestamp every time. Stripe refuses an identifier it has seen (within at least 24
   hours), so a resend of an accepted report is answered "already exists", which means
   delivered. Only then do the usage rows' ``reported_units`` advance, by a conditional
   update of the report (pending → sent) in the same transaction: of two runs that both
   got the answer, one advances them.

Tenants whose plan has no Stripe price (the free plan) or who have no Stripe customer
are not reported; their units stay unreported. Days older than Stripe accepts
(35 days) are left out.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from billing.models import Subscription, UsageRecord, UsageReport
from billing.services.keys import now
from billing.services.stripe_api import StripeUnavailable, stripe_call, stripe_client, write_options

logger = logging.getLogger(__name__)

MAX_AGE_DAYS = 34  # Stripe takes meter events from the past 35 calendar days
_STOP_AFTER_UNAVAILABLE = 3  # consecutive failures to reach Stripe that end the run (the rest waits)


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    tenant: str
    day: date
    identifier: str
    units: int
    status: str  # sent | already_sent | unavailable | failed
    detail: str = ""


def _billable() -> Q:
    return Q(stripe_customer_id__isnull=False, plan__stripe_price_id__isnull=False) & ~Q(
        plan__stripe_price_id="") & ~Q(stripe_customer_id="")


def usage_report_candidates() -> list[int]:
    """Tenant ids with units to report or reports in flight."""
    cutoff = now().date() - timedelta(days=MAX_AGE_DAYS)
    billable = Subscription.objects.filter(_billable()).values("tenant_id")
    unreported = UsageRecord.objects.filter(
        tenant_id__in=billable, day__gte=cutoff, units__gt=F("reported_units")).values_list("tenant_id", flat=True)
    pending = UsageReport.objects.filter(status=UsageReport.Status.PENDING).values_list("tenant_id", flat=True)
    return sorted(set(unreported) | set(pending))


def usage_report_claim(*, tenant_id: int) -> list[UsageReport]:
    """Fix the tenant's unreported units into pending reports; return every pending report."""
    cutoff = now().date() - timedelta(days=MAX_AGE_DAYS)
    with transaction.atomic():
        # Only the subscription row: locking the joined plan would serialise every tenant on it.
        subscription = Subscription.objects.select_for_update(of=("self",)).filter(tenant_id=tenant_id).filter(
            _billable()).first()
        if subscription is not None:
            in_flight = set(UsageReport.objects.filter(tenant_id=tenant_id, status=UsageReport.Status.PENDING)
                            .values_list("day", flat=True))
            days: dict[date, dict[str, int]] = defaultdict(dict)
            for row in UsageRecord.objects.filter(tenant_id=tenant_id, day__gte=cutoff,
                                                  units__gt=F("reported_units")).exclude(day__in=in_flight):
                days[row.day][row.guard] = row.units - row.reported_units
            last = dict(UsageReport.objects.filter(tenant_id=tenant_id, day__in=list(days)).values("day")
                        .annotate(n=Max("batch")).values_list("day", "n"))
            for day, guards in sorted(days.items()):
                batch = (last.get(day) or 0) + 1
                UsageReport.objects.create(
                    tenant_id=tenant_id, day=day, batch=batch, identifier=f"aig-{tenant_id}-{day:%Y%m%d}-{batch}",
                    stripe_customer_id=subscription.stripe_customer_id, units=sum(guards.values()), guards=guards,
                )
    return list(UsageReport.objects.filter(tenant_id=tenant_id, status=UsageReport.Status.PENDING)
                .select_related("tenant").order_by("day", "batch"))


def _timestamp(report: UsageReport) -> int:
    """When the units happened, as Stripe should bill them: the day's end, or the claim for today."""
    day_end = datetime.combine(report.day, time(23, 59, 59), tzinfo=UTC)
    return int(min(day_end, report.created_at).timestamp())


def _already_accepted(exc: stripe.StripeError) -> bool:
    message = str(getattr(exc, "user_message", "") or exc).lower()
    return exc.http_status == 400 and "already exists with identifier" in message


def usage_report_send(*, report: UsageReport) -> ReportOutcome:
    """Send one pending report; advance the usage it covers once Stripe accepted it."""
    params: dict[str, Any] = {
        "event_name": settings.STRIPE_METER_EVENT_NAME, "identifier": report.identifier,
        "timestamp": _timestamp(report),
        "payload": {"stripe_customer_id": report.stripe_customer_id, "value": str(report.units)},
    }
    UsageReport.objects.filter(pk=report.pk).update(attempts=F("attempts") + 1)
    slug = report.tenant.slug
    try:
        stripe_call(stripe_client().v1.billing.meter_events.create, params=params,
                    options=write_options(report.identifier))
    except StripeUnavailable as exc:
        UsageReport.objects.filter(pk=report.pk).update(error=str(exc)[:2000])
        return ReportOutcome(slug, report.day, report.identifier, report.units, "unavailable", str(exc))
    except stripe.StripeError as exc:
        if not _already_accepted(exc):
            detail = f"{type(exc).__name__}: {exc.user_message or exc}"
            UsageReport.objects.filter(pk=report.pk, status=UsageReport.Status.PENDING).update(
                status=UsageReport.Status.FAILED, error=detail[:2000])
            return ReportOutcome(slug, report.day, report.identifier, report.units, "failed", detail)
        status = "already_sent"
    else:
        status = "sent"
    _mark_sent(report)
    return ReportOutcome(slug, report.day, report.identifier, report.units, status)


def _mark_sent(report: UsageReport) -> None:
    with transaction.atomic():
        won = UsageReport.objects.filter(pk=report.pk, status=UsageReport.Status.PENDING).update(
            status=UsageReport.Status.SENT, sent_at=timezone.now(), error="")
        if not won:
            return  # another run recorded it
        for guard, units in sorted(report.guards.items()):
            UsageRecord.objects.filter(tenant_id=report.tenant_id, day=report.day, guard=guard).update(
                reported_units=F("reported_units") + int(units))


def usage_report(*, tenant_ids: list[int] | None = None) -> list[ReportOutcome]:
    """Report every tenant's unreported units (see the module docstring); one outcome per report."""
    stripe_client()  # BillingNotConfigured before anything is claimed
    outcomes: list[ReportOutcome] = []
    unavailable = 0
    for tenant_id in tenant_ids if tenant_ids is not None else usage_report_candidates():
        for report in usage_report_claim(tenant_id=tenant_id):
            outcome = usage_report_send(report=report)
            outcomes.append(outcome)
            unavailable = unavailable + 1 if outcome.status == "unavailable" else 0
            if unavailable >= _STOP_AFTER_UNAVAILABLE:
                logger.warning("Stripe unavailable %d times in a row; the rest waits for the next run", unavailable)
                return outcomes
    return outcomes
