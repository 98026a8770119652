"""Delete processed Clerk and Stripe webhook events past ``WEBHOOK_EVENT_RETENTION_DAYS``."""

from __future__ import annotations

from django.conf import settings

from accounts.services import clerk_events_prune
from aiguardian.management.retention import RetentionCommand
from billing.stripe_events import stripe_events_prune


class Command(RetentionCommand):
    help = "Delete processed webhook events (Clerk, Stripe) older than the retention period; keep failed ones."

    def default_days(self) -> int:
        return settings.WEBHOOK_EVENT_RETENTION_DAYS

    def prune(self, *, days: int, batch_size: int, dry_run: bool) -> str:
        clerk = clerk_events_prune(older_than_days=days, batch_size=batch_size, dry_run=dry_run)
        stripe = stripe_events_prune(older_than_days=days, batch_size=batch_size, dry_run=dry_run)
        return f"{clerk} Clerk and {stripe} Stripe events"
