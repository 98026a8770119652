"""Stripe webhook processing: verify, record once, apply to the tenant's subscription.

The event row is inserted first under a unique ``event_id`` (so two deliveries racing
each other cannot both apply it); a row that already succeeded is acknowledged without
work, a failed one is retried. Handlers run in one transaction: a failure rolls back
every change and the event is marked failed, and the view answers 503 so Stripe retries.
A signed body the handlers cannot use is recorded as failed by :func:`reject` and
acknowledged (see :mod:`aiguardian.webhooks`).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from aiguardian.retention import cutoff, prune
from aiguardian.webhooks import (
    UnusableEvent,
    event_parse,
    required_id,
    required_object,
    stored_key,
    unusable_payload,
)
from billing.models import StripeEvent
from billing.stripe_handlers import HANDLERS, event_created

logger = logging.getLogger(__name__)


class WebhookRejected(Exception):
    """The request is not a valid Stripe event; ``code`` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # processed | duplicate | ignored | stale
    event_id: str


def _signed_at(signature: str) -> int:
    """The ``t=`` timestamp of a header the library has already verified."""
    stamps = [item.split("=", 1)[1] for item in signature.split(",") if item.startswith("t=")]
    return int(stamps[0])


def verify(*, payload: bytes, signature: str | None) -> None:
    """Check the ``Stripe-Signature`` header with stripe's library, then the timestamp window.

    The library rejects only timestamps older than the tolerance; a signature dated in
    the future is refused here by the same tolerance (as Svix does for Clerk), so a
    captured request cannot be pre-dated to stay replayable.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected("webhook_not_configured", "Stripe webhooks are not configured.")
    if not signature:
        raise WebhookRejected("missing_signature", "Stripe-Signature header is required.")
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance=None)
    except stripe.SignatureVerificationError:
        raise WebhookRejected("invalid_signature", "Signature verification failed.") from None
    except ValueError:  # the body is not UTF-8, so it cannot be what Stripe signed
        raise WebhookRejected("invalid_signature", "Signature verification failed.") from None
    if abs(time.time() - _signed_at(signature)) > settings.STRIPE_WEBHOOK_TOLERANCE:
        raise WebhookRejected("stale_timestamp", "Webhook timestamp outside the tolerance.")


def parse(payload: bytes) -> dict[str, Any]:
    """A verified body as an event the handlers can use; :class:`UnusableEvent` otherwise."""
    event = event_parse(payload)
    event_type = required_id(event.get("type"), "type")
    required_id(event.get("id"), "id", event_type=event_type)
    if event_type in HANDLERS:
        data = required_object(event.get("data"), "data", event_type=event_type)
        required_object(data.get("object"), "data.object", event_type=event_type)
    return event


def reject(*, payload: bytes, reason: UnusableEvent) -> StripeEvent:
    """Record an unusable delivery as failed, once (a redelivery finds the row)."""
    try:
        raw_id = event_parse(payload).get("id")
    except UnusableEvent:
        raw_id = None
    key = stored_key(raw_id, payload)
    try:
        with transaction.atomic():
            return StripeEvent.objects.create(
                event_id=key, event_type=reason.event_type, payload=unusable_payload(payload, reason),
                status=StripeEvent.Status.FAILED, error=f"{reason.code}: {reason.message}"[:2000], attempts=1,
            )
    except IntegrityError:
        return StripeEvent.objects.get(event_id=key)


def process(event: dict[str, Any]) -> Outcome:
    """Apply an event from :func:`parse` exactly once."""
    event_id, event_type = event["id"], event["type"]
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(event_id=event_id, event_type=event_type, payload=event)
    except IntegrityError:
        row = StripeEvent.objects.get(event_id=event_id)
        if row.status in {StripeEvent.Status.SUCCEEDED, StripeEvent.Status.IGNORED}:
            return Outcome("duplicate", event_id)
        # A claimed-but-failed (or crashed) event is retried; claim it so that two
        # concurrent retries do not both run it.
        if not _claim(row):
            return Outcome("duplicate", event_id)
    else:
        StripeEvent.objects.filter(pk=row.pk).update(attempts=1)
    return _apply(row, event)


def _claim(row: StripeEvent) -> bool:
    claimed = StripeEvent.objects.filter(pk=row.pk, attempts=row.attempts).exclude(
        status=StripeEvent.Status.SUCCEEDED).update(attempts=row.attempts + 1)
    return bool(claimed)


def _apply(row: StripeEvent, event: dict[str, Any]) -> Outcome:
    """Run the event's handler in one transaction and record how it went."""
    handler = HANDLERS.get(event["type"])
    if handler is None:
        StripeEvent.objects.filter(pk=row.pk).update(status=StripeEvent.Status.IGNORED, processed_at=timezone.now())
        return Outcome("ignored", row.event_id)
    try:
        with transaction.atomic():
            applied = handler(event["data"]["object"], event_created(event))
            StripeEvent.objects.filter(pk=row.pk).update(
                status=StripeEvent.Status.SUCCEEDED if applied else StripeEvent.Status.IGNORED,
                processed_at=timezone.now(),
                error="" if applied else "stale: older than the subscription's state, or about another "
                                         "subscription; not applied")
    except Exception as exc:
        StripeEvent.objects.filter(pk=row.pk).update(status=StripeEvent.Status.FAILED,
                                                     error=f"{type(exc).__name__}: {exc}"[:2000])
        logger.exception("stripe event %s (%s) failed", row.event_id, row.event_type)
        raise
    return Outcome("processed" if applied else "stale", row.event_id)


def event_reprocess(*, row: StripeEvent) -> Outcome:
    """Run a stored event again (an operator's retry after fixing what made it fail).

    Safe for any event: handlers skip what is older than the subscription's state. A
    delivery that was never usable (recorded by :func:`reject`) raises UnusableEvent.
    """
    event = parse(json.dumps(row.payload).encode())
    row.refresh_from_db()
    if not _claim(row):
        return Outcome("duplicate", row.event_id)
    return _apply(row, event)


def stripe_events_prune(*, older_than_days: int, batch_size: int = 5000, dry_run: bool = False) -> int:
    """Delete applied or ignored Stripe events past retention; failed ones are kept."""
    done = StripeEvent.objects.filter(
        status__in=[StripeEvent.Status.SUCCEEDED, StripeEvent.Status.IGNORED], received_at__lt=cutoff(older_than_days))
    return prune(done, batch_size=batch_size, dry_run=dry_run)
