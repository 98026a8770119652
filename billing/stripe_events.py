"""Stripe webhook processing: verify, record once, apply to the tenant's subscription.

The event row is inserted first under a unique ``event_id`` (so two deliveries racing
each other cannot both apply it); a row that already succeeded is acknowledged without
work, a failed one is retried. Handlers run in one transaction: a failure rolls back
every change and the event is marked failed, and the view answers 500 so Stripe retries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Tenant
from aiguardian.retention import cutoff, prune
from billing import services
from billing.models import Plan, StripeEvent, Subscription

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The request is not a valid Stripe event; ``code`` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # processed | duplicate | ignored
    event_id: str


def verify(*, payload: bytes, signature: str | None) -> dict[str, Any]:
    """Check the ``Stripe-Signature`` header (HMAC and timestamp tolerance) with stripe's library."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected("webhook_not_configured", "Stripe webhooks are not configured.")
    if not signature:
        raise WebhookRejected("missing_signature", "Stripe-Signature header is required.")
    try:
        stripe.Webhook.construct_event(payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE)
    except stripe.SignatureVerificationError:
        raise WebhookRejected("invalid_signature", "Signature verification failed (or the event is too old).") from None
    except ValueError:
        raise WebhookRejected("malformed_payload", "Body is not a Stripe event.") from None
    event = json.loads(payload)
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookRejected("malformed_payload", "Event lacks id or type.")
    return event


def process(event: dict[str, Any]) -> Outcome:
    """Apply a verified event exactly once."""
    event_id, event_type = str(event["id"]), str(event["type"])
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(event_id=event_id, event_type=event_type, payload=event)
    except IntegrityError:
        row = StripeEvent.objects.get(event_id=event_id)
        if row.status in {StripeEvent.Status.SUCCEEDED, StripeEvent.Status.IGNORED}:
            return Outcome("duplicate", event_id)
        # A claimed-but-failed (or crashed) event is retried; claim it so that two
        # concurrent retries do not both run it.
        claimed = StripeEvent.objects.filter(pk=row.pk, attempts=row.attempts).exclude(
            status=StripeEvent.Status.SUCCEEDED).update(attempts=row.attempts + 1)
        if not claimed:
            return Outcome("duplicate", event_id)
        row.refresh_from_db()
    else:
        StripeEvent.objects.filter(pk=row.pk).update(attempts=1)

    handler = HANDLERS.get(event_type)
    if handler is None:
        StripeEvent.objects.filter(pk=row.pk).update(status=StripeEvent.Status.IGNORED, processed_at=timezone.now())
        return Outcome("ignored", event_id)
    try:
        with transaction.atomic():
            handler(event["data"]["object"])
            StripeEvent.objects.filter(pk=row.pk).update(
                status=StripeEvent.Status.SUCCEEDED, processed_at=timezone.now(), error="")
    except Exception as exc:
        StripeEvent.objects.filter(pk=row.pk).update(status=StripeEvent.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
        logger.exception("stripe event %s (%s) failed", event_id, event_type)
        raise
    return Outcome("processed", event_id)


# --- handlers ------------------------------------------------------------------------------

def _subscription_for(obj: dict[str, Any]) -> Subscription:
    """Find the tenant's subscription from the ids or metadata Stripe sends."""
    query = Subscription.objects.select_for_update()
    if obj.get("object") == "subscription" and obj.get("id"):
        found = query.filter(stripe_subscription_id=obj["id"]).first()
        if found:
            return found
    customer = obj.get("customer")
    if customer:
        found = query.filter(stripe_customer_id=customer).first()
        if found:
            return found
    slug = (obj.get("metadata") or {}).get("tenant") or obj.get("client_reference_id")
    if slug:
        tenant = Tenant.objects.get(slug=slug)
        found = query.filter(tenant=tenant).first()
        return found or services.plan_assign(tenant=tenant)
    raise LookupError("event names no known customer, subscription or tenant")


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def on_checkout_completed(obj: dict[str, Any]) -> None:
    subscription = _subscription_for(obj)
    subscription.stripe_customer_id = obj.get("customer") or subscription.stripe_customer_id
    subscription.stripe_subscription_id = obj.get("subscription") or subscription.stripe_subscription_id
    subscription.save()


def on_subscription_changed(obj: dict[str, Any]) -> None:
    subscription = _subscription_for(obj)
    items = (obj.get("items") or {}).get("data") or []
    price_id = items[0]["price"]["id"] if items else None
    if price_id:
        subscription.plan = Plan.objects.get(stripe_price_id=price_id)
    subscription.status = obj.get("status") or subscription.status
    subscription.stripe_customer_id = obj.get("customer") or subscription.stripe_customer_id
    subscription.stripe_subscription_id = obj.get("id") or subscription.stripe_subscription_id
    period_end = obj.get("current_period_end") or (items[0].get("current_period_end") if items else None)
    subscription.current_period_end = _ts(period_end) or subscription.current_period_end
    subscription.save()
    services.limits_invalidate(tenant_id=subscription.tenant_id)


def on_subscription_deleted(obj: dict[str, Any]) -> None:
    subscription = _subscription_for(obj)
    subscription.status = Subscription.Status.CANCELED
    subscription.plan = services.default_plan()
    subscription.save()
    services.limits_invalidate(tenant_id=subscription.tenant_id)


def _invoice_status(status: str) -> Callable[[dict[str, Any]], None]:
    def apply(obj: dict[str, Any]) -> None:
        subscription = _subscription_for(obj)
        subscription.status = status
        subscription.save(update_fields=["status", "updated_at"])
        services.limits_invalidate(tenant_id=subscription.tenant_id)

    return apply


def stripe_events_prune(*, older_than_days: int, batch_size: int = 5000, dry_run: bool = False) -> int:
    """Delete applied or ignored Stripe events past retention; failed ones are kept."""
    done = StripeEvent.objects.filter(
        status__in=[StripeEvent.Status.SUCCEEDED, StripeEvent.Status.IGNORED], received_at__lt=cutoff(older_than_days))
    return prune(done, batch_size=batch_size, dry_run=dry_run)


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "checkout.session.completed": on_checkout_completed,
    "customer.subscription.created": on_subscription_changed,
    "customer.subscription.updated": on_subscription_changed,
    "customer.subscription.deleted": on_subscription_deleted,
    "invoice.payment_failed": _invoice_status(Subscription.Status.PAST_DUE),
    "invoice.paid": _invoice_status(Subscription.Status.ACTIVE),
}
