"""Delete processed Clerk and Stripe webhook events past ``WEBHOOK_EVENT_RETENTION_DAYS``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from accounts.services import clerk_events_prune
from billing.stripe_events import stripe_events_prune


class Command(BaseCommand):
    help = "Delete processed webhook events (Clerk, Stripe) older than the retention period; keep failed ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help=f"Keep this many days (default: {settings.WEBHOOK_EVENT_RETENTION_DAYS}).")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, days: int | None, batch_size: int, **options: Any) -> None:
        days = settings.WEBHOOK_EVENT_RETENTION_DAYS if days is None else days
        clerk = clerk_events_prune(older_than_days=days, batch_size=batch_size)
        stripe = stripe_events_prune(older_than_days=days, batch_size=batch_size)
        self.stdout.write(f"pruned {clerk} Clerk and {stripe} Stripe events older than {days} days")
