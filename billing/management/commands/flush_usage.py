"""Move metered usage from Redis into PostgreSQL (run every few minutes)."""

from django.core.management.base import BaseCommand

from billing.services import usage_flush


class Command(BaseCommand):
    help = "Flush pending usage counters from Redis into UsageRecord rows."

    def handle(self, *args, **options) -> None:
        moved = usage_flush()
        self.stdout.write(f"flushed {moved} usage units")
