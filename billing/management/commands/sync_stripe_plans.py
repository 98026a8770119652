"""Pull plans (price, limits) from Stripe's active prices carrying metadata.aiguardian_plan."""

from __future__ import annotations

from typing import Any

import stripe
from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.services.plan_sync import plan_sync
from billing.services.stripe_api import BillingNotConfigured, StripeUnavailable


class Command(BaseCommand):
    help = "Create or update Plan rows from Stripe prices with metadata.aiguardian_plan; prints the diff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Print the diff; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changes = plan_sync(dry_run=options["dry_run"])
        except BillingNotConfigured as exc:
            raise CommandError(str(exc)) from None
        except StripeUnavailable as exc:
            raise CommandError(f"Stripe is unavailable, nothing changed: {exc}") from None
        except stripe.StripeError as exc:
            raise CommandError(f"Stripe refused the price listing: {exc.user_message or exc}") from None
        for change in changes:
            self.stdout.write(change.describe())
        counts = {action: sum(c.action == action for c in changes) for action in ("create", "update", "skip")}
        suffix = " (dry run: nothing written)" if options["dry_run"] else ""
        self.stdout.write(f"{counts['create']} created, {counts['update']} updated, {counts['skip']} skipped{suffix}")
