"""Send unreported usage to Stripe as Billing Meter Events (run every few minutes; safe in parallel)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.services.reporting import usage_report
from billing.services.stripe_api import BillingNotConfigured


class Command(BaseCommand):
    help = "Report each tenant's unreported guard units to Stripe as meter events (one per tenant, day and batch)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcomes = usage_report()
        except BillingNotConfigured as exc:
            raise CommandError(str(exc)) from None
        for o in outcomes:
            line = f"{o.tenant} {o.day:%Y-%m-%d} {o.identifier}: {o.units} units {o.status}"
            self.stdout.write(f"{line} ({o.detail})" if o.detail else line)
        sent = [o for o in outcomes if o.status in {"sent", "already_sent"}]
        waiting = sum(o.status == "unavailable" for o in outcomes)
        failed = sum(o.status == "failed" for o in outcomes)
        self.stdout.write(f"reported {sum(o.units for o in sent)} units in {len(sent)} meter events; "
                          f"{waiting} waiting for Stripe, {failed} refused")
        if failed or waiting:
            raise CommandError(f"{failed} report(s) refused by Stripe, {waiting} not delivered (retried next run)")
